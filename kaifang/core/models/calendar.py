"""The working-day calendar an administrator enters for years the chinese-calendar package
does not cover yet (the State Council publishes each year's schedule in November or later)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class CalendarYear(models.Model):
    """One year's official schedule; `is_complete` states that all of it has been entered.

    The year number is the primary key, so `CalendarDay.year_id` is the year itself."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    is_complete = models.BooleanField(
        "已完整录入",
        default=False,
        help_text="该年全部放假日和调休上班日均已录入后勾选；未勾选时按周一至周五临时计算。",
    )
    source = models.CharField(
        "依据文件",
        max_length=200,
        blank=True,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度节假日安排"
        verbose_name_plural = "年度节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年节假日安排"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    MAKEUP_WORKDAY = "makeup_workday", "调休上班"


class CalendarDay(models.Model):
    """One day whose status differs from Monday–Friday: a holiday or a make-up working day.

    Entries override the chinese-calendar package, so they can also correct a covered year."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=20, choices=CalendarDayKind.choices)
    name = models.CharField("节日", max_length=30, help_text="如：春节、国庆节")
    year = models.ForeignKey(
        CalendarYear,
        verbose_name="年份",
        on_delete=models.CASCADE,
        related_name="days",
        editable=False,
    )

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}{self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The year is derived from the date, so a day can never sit under the wrong year.
        CalendarYear.objects.get_or_create(year=self.date.year)
        self.year_id = self.date.year
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not isinstance(self.date, dt.date):
            return
        if self.year_id is not None and self.date.year != self.year_id:
            raise ValidationError({"date": f"日期不在 {self.year_id} 年内。"})
        # Official make-up working days always fall on a weekend; a weekday is a typing error.
        if self.kind == CalendarDayKind.MAKEUP_WORKDAY and self.date.weekday() < 5:
            raise ValidationError({"date": "调休上班日应为周六或周日，请核对日期。"})
