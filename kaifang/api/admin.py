"""Administrators see every personal access token and revoke any (audited); tokens are issued
only by their owner on the profile page or by `kaifang api-token`."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from kaifang.api.actions import token_revoke
from kaifang.api.models import AccessToken
from kaifang.core.lib.requests import current_user


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "user__first_name", "prefix"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoke instead: the record of who held which token stays

    @admin.action(description="吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet[AccessToken]) -> None:
        actor = current_user(request)
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, actor=actor)
            done += 1
        messages.success(request, f"已吊销 {done} 个令牌。")
