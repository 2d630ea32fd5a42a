"""Admin pages for the working-day calendar: a year with its holidays and make-up days inline,
and a flat list of days. Every change is audited like any other write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from kaifang.core import audit, calendar
from kaifang.core.models import CalendarDay, CalendarYear, User

WEEKDAYS = "一二三四五六日"


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _fields(obj: Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes an audit entry for each save and delete made through the admin."""

    audit_name = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:  # noqa: FBT001 (Django's signature)
        before = {}
        if change and obj.pk is not None:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = _fields(old) if old is not None else {}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=_actor(request),
            action=f"{self.audit_name}.{'update' if change else 'create'}",
            obj=obj,
            changes=audit.diff(before, _fields(obj)),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(actor=_actor(request), action=f"{self.audit_name}.delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            audit.record(actor=_actor(request), action=f"{self.audit_name}.delete", obj=obj)
        super().delete_queryset(request, queryset)


class CalendarDayFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        year = self.instance
        if not isinstance(year, CalendarYear) or not year.is_complete:
            return
        remaining = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if not remaining and not calendar.package_covers(year.year):
            raise ValidationError(
                "该年尚未录入任何放假日或调休上班日，请先录入后再勾选“已完整录入”。"
            )


class CalendarDayInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CalendarDay
    formset = CalendarDayFormSet
    fields = ["date", "kind", "name"]
    extra = 3
    ordering = ["date"]


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    audit_name = "calendar_year"
    list_display = ["year", "is_complete", "day_count", "package_note", "source", "updated_at"]
    fields = ["year", "is_complete", "source"]
    inlines = [CalendarDayInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["year"] if obj is not None else []

    @admin.display(description="已录入天数")
    def day_count(self, obj: CalendarYear) -> int:
        return obj.days.count()

    @admin.display(description="内置数据")
    def package_note(self, obj: CalendarYear) -> str:
        if calendar.package_covers(obj.year):
            return "已内置（chinese-calendar）"
        return "未内置，需人工录入"

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:  # noqa: FBT001 (Django's signature)
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                audit.record(
                    actor=_actor(request), action="calendar_day.delete", obj=deleted.instance
                )
        for obj in formset.save():
            audit.record(actor=_actor(request), action="calendar_day.save", obj=obj)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    audit_name = "calendar_day"
    list_display = ["date", "weekday", "kind", "name", "year"]
    list_filter = ["year", "kind"]
    search_fields = ["name"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name"]

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return f"周{WEEKDAYS[obj.date.weekday()]}"
