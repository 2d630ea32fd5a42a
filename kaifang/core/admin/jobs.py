"""Admin pages of the core app: jobs and deliveries are read-only records; group robots
(webhook channels) are configured here by administrators; django-q2's periodic schedules are
listed by their Chinese labels (`schedules.label`) beside their codes.
(`type: ignore[type-arg]`: ModelAdmin is generic only in the stubs, not at run time.)"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django_q import admin as q_admin
from django_q.models import Schedule

from kaifang.core import schedules
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


class ScheduleAdmin(q_admin.ScheduleAdmin):  # type: ignore[misc]  # django-q2 ships no hints
    """django-q2's schedule pages with a 任务 column (what the schedule does, in Chinese) before
    the code it is stored and matched by (`ensure_schedules` finds rows by name); the search
    box finds a schedule by its label too."""

    list_display = ("id", "label", *(f for f in q_admin.ScheduleAdmin.list_display if f != "id"))
    list_display_links = ("id", "label", "name")
    readonly_fields = ("label",)

    @admin.display(description="任务")
    def label(self, obj: Schedule) -> str:
        return schedules.label_for(obj.name) or "—"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        words = search_term.strip()
        if not words:
            return found, duplicates
        by_label = Q(name__in=schedules.labelled(words))
        return queryset.filter(Q(pk__in=found.values("pk")) | by_label), duplicates


admin.site.unregister(Schedule)
admin.site.register(Schedule, ScheduleAdmin)
