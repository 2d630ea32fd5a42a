"""Risk exposure (开放中有安全): the watch list of partners, named shock scenarios over the
customs records, and the follow-up visits a scenario sends to liaison officers.

A scenario is partners (codes or groups) × HS codes at any level × flow, with a shock. Its
figures are never stored: they are computed from the customs records through the scope gate
each time (kaifang.risk.selectors), so they always equal the rows they drill down to."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from kaifang.core.scope import ScopedQuerySet


class RiskLevel(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


RISK_LEVEL_COLOURS = {RiskLevel.HIGH: "red", RiskLevel.MEDIUM: "yellow", RiskLevel.LOW: "blue"}


class WatchEntry(models.Model):
    """One partner country/region on the watch list (关注国别), kept by the bureau's staff.
    City-wide knowledge like the reference data: every signed-in user reads it."""

    partner = models.OneToOneField(
        "core.Partner",
        verbose_name="国别(地区)",
        on_delete=models.PROTECT,
        related_name="watch_entry",
    )
    level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices)
    note = models.TextField("情况说明", blank=True)
    since = models.DateField("列入日期")
    is_synthetic = models.BooleanField("演示数据", default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "关注国别(地区)"
        verbose_name_plural = "关注国别(地区)"
        ordering = ["level", "partner__code"]

    def __str__(self) -> str:
        return f"{self.partner.name_zh}（{self.get_level_display()}）"

    @property
    def level_colour(self) -> str:
        return RISK_LEVEL_COLOURS.get(RiskLevel(self.level), "gray")


class ShockKind(models.TextChoices):
    TARIFF = "tariff", "加征关税"
    SHARE = "share", "贸易额按比例减少"
    STOP = "stop", "完全中断"


class ScenarioFlow(models.TextChoices):
    EXPORT = "export", "出口"
    IMPORT = "import", "进口"


class Scenario(models.Model):
    """A named shock. Owned by its creator's unit: a district's scenario is seen by that
    district (and those above it), and computes over that district's enterprises only."""

    scope_unit_fields = ("unit",)
    scope_owner_fields = ("created_by",)

    name = models.CharField("情景名称", max_length=100)
    description = models.TextField("情景说明", blank=True)
    flow = models.CharField(
        "进出口", max_length=6, choices=ScenarioFlow.choices, default=ScenarioFlow.EXPORT
    )
    partners = models.ManyToManyField(
        "core.Partner", verbose_name="国别(地区)", blank=True, related_name="+"
    )
    partner_groups = models.ManyToManyField(
        "core.PartnerGroup", verbose_name="国别分组", blank=True, related_name="+"
    )
    shock = models.CharField(
        "冲击类型", max_length=10, choices=ShockKind.choices, default=ShockKind.TARIFF
    )
    tariff_pp = models.DecimalField(
        "加征税率(百分点)",
        max_digits=7,
        decimal_places=2,
        default=Decimal("25"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
        help_text="商品清单中单独列明税率的，按各行税率计算",
    )
    elasticity = models.DecimalField(
        "需求弹性",
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.5"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(20))],
        help_text="税率每提高1个百分点，贸易额减少的百分比",
    )
    share_lost_pct = models.DecimalField(
        "减少比例(%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    months = models.PositiveSmallIntegerField(
        "统计月数",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    until = models.DateField(
        "截止月份", null=True, blank=True, help_text="留空则为有数据的最近月份"
    )
    currency = models.CharField(
        "币种", max_length=3, choices=[("usd", "美元"), ("cny", "人民币")], default="usd"
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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
        verbose_name = "风险情景"
        verbose_name_plural = "风险情景"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def can_be_written_by(self, user: Any) -> bool:
        """Its creator (a leader included), and anyone seeing it who is not only a leader
        (the scope gate's `can_write` asks this)."""
        if user.is_superuser or (self.created_by_id is not None and self.created_by_id == user.pk):
            return True
        return any(role.code != "leader" for role in user.roles.all())


class ScenarioProduct(models.Model):
    """One line of a scenario's product list: an HS code at any level (2 to 10 digits), with
    the added duty of that line when the list gives one (a published tariff action)."""

    scope_unit_fields = ("scenario__unit",)
    scope_owner_fields = ("scenario__created_by",)

    scenario = models.ForeignKey(
        Scenario, verbose_name="情景", on_delete=models.CASCADE, related_name="products"
    )
    line = models.PositiveIntegerField("行号", default=0)
    hs_code = models.CharField("商品编码", max_length=10)
    rate_pp = models.DecimalField(
        "加征税率(百分点)", max_digits=7, decimal_places=2, null=True, blank=True
    )
    note = models.CharField("商品说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "情景商品"
        verbose_name_plural = "情景商品"
        ordering = ["line", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "hs_code"], name="risk_product_unique")
        ]

    def __str__(self) -> str:
        return self.hs_code


class ScenarioEvent(models.Model):
    """What was done with a scenario (created, changed, list imported, visits sent, exported)."""

    scenario = models.ForeignKey(
        Scenario, verbose_name="情景", on_delete=models.CASCADE, related_name="events"
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
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "情景记录"
        verbose_name_plural = "情景记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "待走访"
    VISITED = "visited", "已走访"


FOLLOW_UP_COLOURS = {FollowUpStatus.OPEN: "yellow", FollowUpStatus.VISITED: "green"}


class FollowUp(models.Model):
    """A visit asked of an enterprise's liaison officer because a scenario exposes it. One
    per scenario and enterprise; marked visited by the first visit recorded after it. Scoped
    through its enterprise: `liaison` is whom it was sent to, and after a handover the firm's
    new liaison officer holds it, the former one no longer sees it."""

    scope_unit_fields = ("enterprise__district", "enterprise__park")
    scope_owner_fields = ("enterprise__liaison",)

    scenario = models.ForeignKey(
        Scenario, verbose_name="情景", on_delete=models.CASCADE, related_name="follow_ups"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="risk_follow_ups",
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包联干部",
        on_delete=models.PROTECT,
        related_name="risk_follow_ups",
    )
    rank = models.PositiveIntegerField("受影响排名", default=0)
    exposed = models.DecimalField("受影响金额", max_digits=24, decimal_places=4, default=0)
    currency = models.CharField("币种", max_length=3, default="usd")
    status = models.CharField(
        "状态", max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    visited_at = models.DateTimeField("走访登记时间", null=True, blank=True)
    visit_event_id = models.PositiveIntegerField("走访动态编号", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="派发人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("派发时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "风险走访任务"
        verbose_name_plural = "风险走访任务"
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "enterprise"], name="risk_follow_up_unique")
        ]
        indexes = [models.Index(fields=["enterprise", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise} ← {self.scenario}"

    @property
    def status_colour(self) -> str:
        return FOLLOW_UP_COLOURS.get(FollowUpStatus(self.status), "gray")


class ExposureRollup(models.Model):
    """The customs records summed over trade mode: enterprise × month × flow × partner × HS
    code, what a scenario's exposure reads instead of the records (at five million records
    one scenario grouped about a million of them, scattered over the table; this reads the
    matching entries of one index, in order). Rewritten with trade's rollups for the months
    they rebuild (`kaifang.risk.rollup`, on trade's `rollups_rebuilt`), never edited.

    Its one index holds every column (flow, month, partner, HS code first): the figures are
    read from the index alone on SQLite, and on PostgreSQL from a table written in the same
    order. No foreign-key constraint: rows are replaced by month, and an enterprise with
    customs records cannot be deleted (the records protect it)."""

    scope_unit_fields = ("enterprise__district", "enterprise__park")
    scope_owner_fields = ("enterprise__liaison",)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    period = models.DateField()
    flow = models.CharField(max_length=6)
    partner_code = models.CharField(max_length=3, blank=True)
    hs_code = models.CharField(max_length=10, blank=True)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "风险敞口汇总"
        verbose_name_plural = "风险敞口汇总"
        indexes = [
            models.Index(
                fields=[
                    "flow",
                    "period",
                    "partner_code",
                    "hs_code",
                    "enterprise",
                    "value_usd",
                    "value_cny",
                    "rows",
                ],
                name="risk_exposure_covering",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.partner_code}"


class ExposureStale(models.Model):
    """A month whose exposure rollup lags its customs records: an import (or merge) rebuilt
    trade's rollups of it and left the exposure rollup to a background job
    (`kaifang.risk.rollup.refresh_stale`). While a month of a scenario's window is here, the
    scenario reads the records instead. `version` grows with every new mark, so a job that
    refreshed a month only clears the mark it saw, never one made while it worked. Holds no
    records of anyone: months only."""

    period = models.DateField(primary_key=True)
    version = models.PositiveBigIntegerField(default=1)
    marked_at = models.DateTimeField()

    class Meta:
        verbose_name = "待更新的风险敞口汇总月份"
        verbose_name_plural = "待更新的风险敞口汇总月份"

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} v{self.version}"
