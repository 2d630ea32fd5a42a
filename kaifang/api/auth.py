"""How a request to /api/v1/ says who it is: a personal access token
(`Authorization: Bearer kfp_…`, for other systems) or the session (the pages' own calls).
A token acts as its user, with that user's data scope and permissions and nothing more.
The public appeal endpoints use channel tokens instead (routers/public_appeals.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from kaifang.api.actions import token_user
from kaifang.core.models import User

NOT_SIGNED_IN = "未认证：请登录，或以 Authorization: Bearer <令牌> 提供有效的访问令牌。"
BAD_TOKEN = "访问令牌无效或已被吊销。"  # noqa: S105 (a message, not a secret)


class TokenRejected(AuthenticationError):
    """A token was presented and is unknown, revoked, or its user is disabled."""

    def __init__(self) -> None:
        super().__init__(message=BAD_TOKEN)


class PersonalToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = token_user(token.strip())
        if user is None:
            raise TokenRejected  # not a fall-through to the session: the caller meant this token
        request.user = user  # selectors and actions read the user from the request
        return user


# Either credential; a request carrying a token is judged by the token alone.
STAFF_AUTH = [PersonalToken(), django_auth]


def bearer_user(request: HttpRequest) -> User | None:
    """The user a request's bearer token names, or None (no header or a bad token)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token_user(token.strip())


def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the schema and the docs page: a signed-in user or a valid token. Anonymous people
    go to the login page (docs) or get 401 (the JSON schema)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = bearer_user(request)
        if user is not None:
            request.user = user
        elif not request.user.is_authenticated:
            if request.path.endswith(".json"):
                return JsonResponse({"detail": NOT_SIGNED_IN}, status=401)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped
