"""Admin pages: the SLA table, the routing table, API channels (issue and revoke tokens)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from kaifang.core.admin.audited import AuditedAdmin
from kaifang.core.lib.requests import current_user
from kaifang.servicedesk.channels import channel_issue, channel_revoke
from kaifang.servicedesk.models import Channel, RoutingRule, SlaRule


@admin.register(SlaRule)
class SlaRuleAdmin(AuditedAdmin):
    list_display = ["category", "priority", "accept_days", "reply_days", "resolve_days"]
    list_editable = ["accept_days", "reply_days", "resolve_days"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ["category", "unit"]
    autocomplete_fields = []


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "token_prefix", "is_active", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_prefix", "is_active", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", *readonly_fields]
    actions = ["issue_token", "revoke"]

    def save_model(
        self,
        request: HttpRequest,
        obj: Channel,
        form: ModelForm[Channel],
        change: bool,  # noqa: FBT001 (Django signature)
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        channel, token = channel_issue(name=obj.name, actor=current_user(request))
        obj.pk = channel.pk
        messages.warning(
            request, f"渠道“{channel.name}”的令牌（只显示这一次，请立即复制）：{token}"
        )

    @admin.action(description="签发新令牌（旧令牌失效）")
    def issue_token(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        for channel in queryset:
            _, token = channel_issue(name=channel.name, actor=current_user(request))
            messages.warning(request, f"渠道“{channel.name}”的新令牌（只显示这一次）：{token}")

    @admin.action(description="吊销令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        for channel in queryset:
            channel_revoke(channel=channel, actor=current_user(request))
        messages.success(request, f"已吊销 {queryset.count()} 个渠道的令牌。")
