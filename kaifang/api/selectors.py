"""Reads of personal access tokens: one's own, through the scope gate (owner-only model)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from kaifang.api.models import AccessToken
from kaifang.core.models import User
from kaifang.core.scope import get_for_user, visible_to


def tokens_for(user: User | AnonymousUser) -> QuerySet[AccessToken]:
    return visible_to(AccessToken.objects.all(), user)


def token_get(*, user: User | AnonymousUser, pk: object) -> AccessToken:
    return get_for_user(AccessToken.objects.select_related("user"), user, pk)
