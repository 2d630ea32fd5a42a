"""Admin pages: the SLA table, the routing table, API channels (issue and revoke tokens)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from kaifang.core import audit
from kaifang.core.lib.requests import current_user
from kaifang.servicedesk.channels import channel_issue, channel_revoke
from kaifang.servicedesk.models import Channel, RoutingRule, SlaRule


class _Audited(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(
        self,
        request: HttpRequest,
        obj: Any,
        form: ModelForm[Any],
        change: bool,  # noqa: FBT001 (Django signature)
    ) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=current_user(request),
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            obj=obj,
            changes={k: form.cleaned_data.get(k) for k in form.changed_data},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(actor=current_user(request), action=f"{obj._meta.model_name}.delete", obj=obj)
        super().delete_model(request, obj)


@admin.register(SlaRule)
class SlaRuleAdmin(_Audited):
    list_display = ["category", "priority", "accept_days", "reply_days", "resolve_days"]
    list_editable = ["accept_days", "reply_days", "resolve_days"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(_Audited):
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
