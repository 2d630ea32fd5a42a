"""Personal access tokens: issue (shown once), revoke, and note their use. Audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kaifang.api.models import AccessToken
from kaifang.core import audit
from kaifang.core.models import RoleCode, User

PREFIX = "kfp_"  # personal; channel tokens start with kfc_
TOUCH_EVERY = dt.timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, actor: User | None) -> tuple[AccessToken, str]:
    """A new token for `user`; the plain token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写令牌名称（如“大数据局数据交换”）。"})
    if not user.is_active:
        raise ValidationError("该用户已停用，不能签发令牌。")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name[:50], token_hash=digest(raw), prefix=raw[:10]
    )
    audit.record(
        actor=actor,
        action="api_token.create",
        obj=token,
        changes={"user": user.username, "name": token.name, "prefix": token.prefix},
    )
    return token, raw


def may_revoke(actor: User, token: AccessToken) -> bool:
    """The token's owner, or an administrator."""
    return token.user_id == actor.pk or actor.is_superuser or actor.has_role(RoleCode.ADMIN)


@transaction.atomic
def token_revoke(*, token: AccessToken, actor: User | None) -> AccessToken:
    locked = AccessToken.objects.select_for_update().get(pk=token.pk)
    if actor is not None and not may_revoke(actor, locked):
        raise PermissionDenied("只能吊销自己的令牌。")
    if locked.revoked_at is not None:
        raise ValidationError("该令牌已被吊销。")
    locked.revoked_at, locked.revoked_by = timezone.now(), actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=actor,
        action="api_token.revoke",
        obj=locked,
        changes={"user": locked.user.username, "prefix": locked.prefix},
    )
    return locked


def token_user(raw: str) -> User | None:
    """The active user an active token belongs to, or None. Notes the use at most once a
    minute (one conditional UPDATE), so a busy client does not write on every call."""
    if not raw.startswith(PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(token_hash=digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        AccessToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOUCH_EVERY)
        ).update(last_used_at=now)
    return token.user
