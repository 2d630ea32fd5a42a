"""Local stand-ins for what lies outside the machine: an SMTP server and a webhook endpoint,
each on 127.0.0.1 in a thread, recording what they receive."""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeSMTP(socketserver.ThreadingTCPServer):
    """Speaks just enough SMTP for smtplib (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        super().__init__(("127.0.0.1", 0), _SMTPHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]


class _SMTPHandler(socketserver.StreamRequestHandler):
    server: FakeSMTP

    def _say(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._say("220 fake.smtp ESMTP")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._say("250-fake.smtp")
                self._say("250 8BITMIME")
            elif verb == "HELO":
                self._say("250 fake.smtp")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                self.server.messages.append(message)  # type: ignore[arg-type]
                self.server.envelopes.append((sender, recipients))
                self._say("250 OK queued")
            elif verb in {"RSET", "NOOP"}:
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 Command not implemented")


class FakeWebhook(ThreadingHTTPServer):
    """Records each POST (path, query, JSON body) and answers like a robot: {"errcode": 0}."""

    daemon_threads = True

    def __init__(self) -> None:
        self.posts: list[dict[str, object]] = []
        self.answer: dict[str, object] = {"errcode": 0, "errmsg": "ok"}
        self.status = 200
        super().__init__(("127.0.0.1", 0), _WebhookHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _WebhookHandler(BaseHTTPRequestHandler):
    server: FakeWebhook

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        parts = urlsplit(self.path)
        self.server.posts.append(
            {
                "path": parts.path,
                "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
                "content_type": self.headers.get("Content-Type", ""),
                "json": json.loads(body.decode("utf-8")),
            }
        )
        data = json.dumps(self.server.answer).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


def serve(server: socketserver.BaseServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
