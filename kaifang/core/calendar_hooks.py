"""Wiring of the working-day calendar into the rest of core: cache invalidation when the
administrator's table changes, and the warning shown to administrators on every page."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kaifang.core import calendar, permissions
from kaifang.core.models import CalendarDay, CalendarYear
from kaifang.core.permissions import Cap


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def _calendar_changed(**kwargs: Any) -> None:
    calendar.invalidate()


def missing_year_warning(year: int) -> SafeString:
    if CalendarYear.objects.filter(year=year).exists():
        url = reverse("admin:core_calendaryear_change", args=[year])
    else:
        url = f"{reverse('admin:core_calendaryear_add')}?year={year}"
    return format_html(
        "{} 年节假日安排尚未录入，涉及 {} 年的期限按周一至周五临时计算，"
        "请在系统管理中录入国务院办公厅公布的安排。"
        ' <a href="{}">去录入</a>',
        year,
        year,
        url,
    )


def _is_administrator(user: object) -> bool:
    return permissions.has(user, Cap.ADMINISTER)


def calendar_warnings(request: HttpRequest) -> dict[str, object]:
    """Shell hook: one warning per year that has no official schedule yet."""
    if not _is_administrator(request.user):
        return {}
    return {"admin_warnings": [missing_year_warning(y) for y in calendar.years_needing_schedule()]}
