"""Session idle expiry without a database write on every request.

The session's age counts from the last request (idle expiry), which Django gets with
SESSION_SAVE_EVERY_REQUEST: one UPDATE per request. On SQLite every write waits for the single
writer, and an import holds it for its whole transaction, so every page (and the import's own
progress bar, which polls every second) would wait for the import. The session is saved at
most once a minute instead; idle expiry is then exact to a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

TOUCH_SECONDS = 60
_KEY = "_touched"


class SessionTouchMiddleware:
    """Refresh a logged-in session's expiry when it was last saved over a minute ago."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - int(session.get(_KEY, 0)) >= TOUCH_SECONDS:
                session[_KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response
