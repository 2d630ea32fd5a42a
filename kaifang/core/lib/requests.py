"""Typed access to the request's user, for views behind @login_required."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from kaifang.core.models import User


def current_user(request: HttpRequest) -> User:
    """The logged-in user; PermissionDenied if the view was reached anonymously."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("请先登录。")
    return user
