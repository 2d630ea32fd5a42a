"""`{{ value|workday_date }}`: a date computed in working days, tagged 「暂定」 when it rests on
the Monday–Friday fallback. Takes a WorkdayResult, or a stored date (judged by its year)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kaifang.core import calendar

register = template.Library()

PROVISIONAL_TITLE = "该年节假日安排尚未录入，此日期按周一至周五临时计算，录入后可能变化"


@register.filter
def workday_date(value: calendar.WorkdayResult | dt.date | None) -> SafeString | str:
    if value is None or value == "":
        return ""
    if isinstance(value, calendar.WorkdayResult):
        day, provisional = value.date, value.provisional
    else:
        day, provisional = value, calendar.is_date_provisional(value)
    text = formats.date_format(day, "DATE_FORMAT")
    if not provisional:
        return format_html('<time datetime="{}">{}</time>', day.isoformat(), text)
    return format_html(
        '<time datetime="{}">{}</time> <span class="tag tag-yellow tag-provisional" title="{}">'
        "暂定</span>",
        day.isoformat(),
        text,
        PROVISIONAL_TITLE,
    )
