"""The organisation tree (单位): leadership, the bureau and its divisions, districts, parks,
other departments. Data scope is expressed in units, so everything scoped hangs off this."""

from __future__ import annotations

from django.db import models


class UnitKind(models.TextChoices):
    LEADERSHIP = "leadership", "市领导"
    BUREAU = "bureau", "市商务局"
    DIVISION = "division", "局内科室"
    DISTRICT = "district", "县区商务部门"
    PARK = "park", "园区管委会"
    DEPARTMENT = "department", "市直部门"
    OTHER = "other", "其他单位"


class Unit(models.Model):
    """One node of the organisation tree."""

    scope_unit_fields = ("id",)

    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    aliases = models.CharField(
        "别名",
        max_length=300,
        blank=True,
        help_text="多个别名用逗号或顿号分隔，用于识别讲话中的单位",
    )
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    code = models.CharField("单位编码", max_length=20, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def place_name(self) -> str:
        """The place a district or park unit stands for, where a text means the place and not
        the office (东城区, not 东城区商务局): its 简称, else its full name."""
        return self.short_name or self.name

    def alias_list(self) -> list[str]:
        raw = self.aliases.replace("，", ",").replace("、", ",")
        return [a.strip() for a in raw.split(",") if a.strip()]
