"""The client's address, for rate limits (django-ratelimit) and the login lockout
(django-axes). Behind `TRUSTED_PROXIES` reverse proxies (nginx: 1) each proxy appends the
address it saw to X-Forwarded-For, so the client is the TRUSTED_PROXIES-th entry from the
right; whatever the client wrote further left is its own claim and ignored. With 0 (the
default: gunicorn reached directly) the header is ignored altogether and REMOTE_ADDR counts."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR") or "0.0.0.0")  # noqa: S104 - a key, not a bind
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    chain = [p.strip() for p in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    chain = [p for p in chain if p]
    if len(chain) < proxies:
        return remote  # not through every trusted proxy: the peer is all we know
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
