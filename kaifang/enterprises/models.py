"""The register of outward-oriented enterprises (外向型企业) and their timeline.

Keyed by the unified social credit code (uscc) and, where known, the customs registration
code; an enterprise first seen in a customs file without either in the register is created
as pending review, never dropped."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kaifang.core.scope import ScopedQuerySet


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", "正常"
    PENDING = "pending", "待审核"
    CLOSED = "closed", "已注销"


STATUS_COLOURS = {
    EnterpriseStatus.ACTIVE: "green",
    EnterpriseStatus.PENDING: "yellow",
    EnterpriseStatus.CLOSED: "gray",
}


class Ownership(models.TextChoices):
    STATE = "state", "国有"
    PRIVATE = "private", "民营"
    FOREIGN = "foreign", "外商投资"
    HMT = "hmt", "港澳台投资"
    COLLECTIVE = "collective", "集体"
    OTHER = "other", "其他"


class Size(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class Tag(models.Model):
    """外贸, 外资, 走出去, 跨境电商, 服务外包 … (editable dictionary)."""

    name = models.CharField("标签", max_length=30, unique=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "企业标签"
        verbose_name_plural = "企业标签"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    scope_unit_fields = ("district", "park")
    # Owner access is the liaison's only: whoever typed a record in does not keep a window on
    # the enterprise (and its appeals and trade) once it belongs to another unit.
    scope_owner_fields = ("liaison",)

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    customs_code = models.CharField("海关编码", max_length=10, unique=True, null=True, blank=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    former_names = models.JSONField("曾用名", default=list, blank=True)
    district = models.ForeignKey(
        "core.Unit",
        verbose_name="所属县区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="district_enterprises",
    )
    park = models.ForeignKey(
        "core.Unit",
        verbose_name="所在园区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_enterprises",
    )
    industry = models.ForeignKey(
        "core.Industry",
        verbose_name="所属行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    ownership = models.CharField("企业性质", max_length=20, choices=Ownership.choices, blank=True)
    size = models.CharField("企业规模", max_length=10, choices=Size.choices, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="enterprises")
    address = models.CharField("地址", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包联干部",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_enterprises",
    )
    status = models.CharField(
        "状态", max_length=10, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    problems = models.TextField("存在问题", blank=True)
    development_direction = models.TextField("发展方向", blank=True)
    source = models.CharField("来源", max_length=50, blank=True)
    search_text = models.TextField("检索文本", blank=True, editable=False)
    is_synthetic = models.BooleanField("演示数据", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "外向型企业"
        verbose_name_plural = "外向型企业"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status", "district"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Denormalised for substring search across name, former names and codes.
        parts = [self.name, *self.former_names, self.uscc or "", self.customs_code or ""]
        self.search_text = " ".join(p for p in parts if p)
        super().save(*args, **kwargs)

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(EnterpriseStatus(self.status), "gray")

    @property
    def identifier(self) -> str:
        return self.uscc or self.customs_code or ""


class EnterpriseEvent(models.Model):
    """One line of the enterprise's timeline: every contact and change (the 亲清 record)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("类型", max_length=40)
    text = models.CharField("内容", max_length=500)
    payload = models.JSONField("详情", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "企业动态"
        verbose_name_plural = "企业动态"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.text}"
