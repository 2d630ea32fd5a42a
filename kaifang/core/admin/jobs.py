"""Admin pages of the core app: jobs and deliveries are read-only records; group robots
(webhook channels) are configured here by administrators.
(`type: ignore[type-arg]`: ModelAdmin is generic only in the stubs, not at run time.)"""

from __future__ import annotations

from django.contrib import admin

from kaifang.core.models import Delivery, Job, Notification, WebhookChannel


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "kind", "owner", "status", "percent", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "kind", "owner__username", "owner__full_name"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "recipient", "category", "level", "created_at", "read_at"]
    list_filter = ["category", "level"]
    search_fields = ["title", "recipient__username", "recipient__full_name"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(WebhookChannel)
class WebhookChannelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "categories", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "channel", "target", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
