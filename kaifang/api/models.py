"""Personal access tokens (个人访问令牌): a user's key for other systems that call the API as
that user, with that user's data scope and permissions and nothing more. Stored as a SHA-256
digest like the channel tokens (kaifang/servicedesk/channels.py): 256 random bits need no salt
or slow hash, and a request is matched with one indexed lookup."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessToken(models.Model):
    # Personal: whatever their scope, users (and administrators, in these pages) see their
    # own tokens only; administrators revoke others' in the Django admin.
    scope_owner_fields = ("user",)
    scope_owner_only = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("名称", max_length=50)
    token_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    prefix = models.CharField("令牌前缀", max_length=12, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="吊销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "个人访问令牌"
        verbose_name_plural = "个人访问令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
