"""The monthly briefing archive (对外开放工作月报): one row per generated version; the
current one per month is `is_current`, earlier versions are kept. Whole-city documents:
visible to users who see the whole city (unit is None) and to their generator."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Briefing(models.Model):
    scope_unit_fields = ("unit",)  # None: the whole city, seen only with the ALL scope

    year = models.PositiveIntegerField("年份")
    month = models.PositiveIntegerField("月份")
    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("当前版本", default=True)
    title = models.CharField("标题", max_length=200)
    document = models.FileField("月报（Word）", upload_to="reports/briefings/%Y/")
    annex = models.FileField("附表（Excel）", upload_to="reports/briefings/%Y/", blank=True)
    headline = models.TextField("要点", blank=True)
    unit = models.ForeignKey(
        "core.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "工作月报"
        verbose_name_plural = "工作月报"
        ordering = ["-year", "-month", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "version"], name="briefing_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月对外开放工作月报（第{self.version}版）"
