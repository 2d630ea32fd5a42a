"""API channel tokens: issued per outside channel, shown once, stored as a SHA-256 digest,
revocable. Tokens are 256 random bits, so a plain digest (no salt, no slow hash) suffices
and lets a request be matched with one indexed lookup."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.models import User
from kaifang.servicedesk.models import Channel

PREFIX = "kfc_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def channel_issue(*, name: str, actor: User | None) -> tuple[Channel, str]:
    """Issue a new token for the channel (creating it, or replacing its old token)."""
    name = name.strip()
    if not name:
        raise ValueError("渠道名称不能为空")
    token = PREFIX + secrets.token_urlsafe(32)
    channel, created = Channel.objects.select_for_update().get_or_create(
        name=name, defaults={"token_hash": digest(token), "token_prefix": token[:10]}
    )
    if not created:
        channel.token_hash, channel.token_prefix = digest(token), token[:10]
        channel.is_active, channel.revoked_at = True, None
        channel.save()
    audit.record(
        actor=actor,
        action="channel.issue",
        obj=channel,
        changes={"prefix": channel.token_prefix, "new": created},
    )
    return channel, token


@transaction.atomic
def channel_revoke(*, channel: Channel, actor: User | None) -> Channel:
    channel.is_active, channel.revoked_at = False, timezone.now()
    channel.save(update_fields=["is_active", "revoked_at"])
    audit.record(actor=actor, action="channel.revoke", obj=channel)
    return channel


def channel_for_token(token: str) -> Channel | None:
    if not token or not token.startswith(PREFIX):
        return None
    channel = Channel.objects.filter(token_hash=digest(token), is_active=True).first()
    if channel is not None:
        Channel.objects.filter(pk=channel.pk).update(last_used_at=timezone.now())
    return channel
