"""Indicators (指标): definitions, values per period for the city, its districts and peer
regions, annual targets, and the official trade series (the customs statistics platform's
aggregate files), which is the headline where it exists.

Values of a district are scoped to that district's unit (`region__unit`); the city's,
peers', the province's and the nation's values are published statistics that every signed-in
user may read (selectors combine both; see selectors.visible_values)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Frequency(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class SourceKind(models.TextChoices):
    CUSTOMS = "customs", "海关进出口记录计算"
    INVESTMENT = "investment", "外资/对外投资记录计算"
    ENTERED = "entered", "录入或导入"


class RegionKind(models.TextChoices):
    CITY = "city", "本市"
    DISTRICT = "district", "县区"
    PEER = "peer", "对标城市"
    PROVINCE = "province", "全省"
    NATION = "nation", "全国"


# Units that count things: such an indicator prints whole (新设外资企业 51 家, not 51.1 家).
COUNT_UNITS = frozenset({"家", "个", "项", "件", "列", "人", "户", "次", "批"})


class Indicator(models.Model):
    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("指标名称", max_length=100)
    aliases = models.CharField("别名", max_length=300, blank=True, help_text="逗号分隔，导入时识别")
    unit = models.CharField("计量单位", max_length=20)
    frequency = models.CharField(
        "频度", max_length=10, choices=Frequency.choices, default=Frequency.MONTH
    )
    cumulative = models.BooleanField("按年累计", default=True)
    source_kind = models.CharField(
        "取得方式", max_length=12, choices=SourceKind.choices, default=SourceKind.ENTERED
    )
    flow = models.CharField("进出口方向", max_length=6, blank=True)  # total / export / import
    currency = models.CharField("币种", max_length=3, blank=True)  # cny / usd
    investment_kind = models.CharField("投资类型", max_length=3, blank=True)  # fdi / odi
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    @property
    def places(self) -> int:
        """Decimal places its figures print with: none for a count, one otherwise."""
        return 0 if self.unit in COUNT_UNITS else 1

    @property
    def is_computed(self) -> bool:
        return self.source_kind != SourceKind.ENTERED

    def alias_list(self) -> list[str]:
        return [self.name, *(a.strip() for a in self.aliases.split(",") if a.strip())]


class Region(models.Model):
    """A row of the comparison: the city, a district (its unit), a peer city, the province,
    the nation. Peer cities are chosen by an administrator (admin)."""

    scope_unit_fields = ("unit",)

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=10, choices=RegionKind.choices)
    unit = models.OneToOneField(
        "core.Unit",
        verbose_name="对应县区单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicator_region",
    )
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "对标地区"
        verbose_name_plural = "对标地区"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """One indicator for one region and month (for quarterly/yearly ones: the period's last
    month). 本月, 累计 and their 同比 as published; each keeps its source and entry date."""

    scope_unit_fields = ("region__unit",)

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="values"
    )
    region = models.ForeignKey(
        Region, verbose_name="地区", on_delete=models.CASCADE, related_name="values"
    )
    period = models.DateField("年月")
    month_value = models.DecimalField("本月", max_digits=20, decimal_places=4, null=True)
    ytd_value = models.DecimalField("累计", max_digits=20, decimal_places=4, null=True)
    month_yoy_pct = models.DecimalField("本月同比(%)", max_digits=10, decimal_places=2, null=True)
    ytd_yoy_pct = models.DecimalField("累计同比(%)", max_digits=10, decimal_places=2, null=True)
    source = models.CharField("来源", max_length=200, blank=True)
    entered_at = models.DateTimeField("录入时间")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "指标数值"
        verbose_name_plural = "指标数值"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "period"], name="indicator_value_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "period"])]

    def __str__(self) -> str:
        return f"{self.region} {self.indicator.name} {self.period:%Y-%m}"


class Target(models.Model):
    """The annual target of one indicator for the city or a district."""

    scope_unit_fields = ("region__unit",)

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="targets"
    )
    region = models.ForeignKey(
        Region, verbose_name="地区", on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveIntegerField("年度")
    value = models.DecimalField("目标值", max_digits=20, decimal_places=4)
    growth_pct = models.DecimalField(
        "目标增速(%)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    set_at = models.DateTimeField("设定时间")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year"], name="target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}年 {self.indicator.name} 目标"


class ValueImport(models.Model):
    """An uploaded statistics-office workbook: its parsed rows and errors until committed."""

    scope_owner_fields = ("uploaded_by",)

    filename = models.CharField("文件名", max_length=255)
    rows = models.JSONField("有效行", default=list)
    errors = models.JSONField("错误行", default=list)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    committed_rows = models.PositiveIntegerField("导入行数", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "指标导入"
        verbose_name_plural = "指标导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class OfficialImport(models.Model):
    """One customs statistics platform file imported as the city's official series."""

    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件指纹", max_length=64)
    flow = models.CharField("进出口", max_length=6)
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    periods = models.JSONField("月份", default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "海关统计导入"
        verbose_name_plural = "海关统计导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class OfficialTrade(models.Model):
    """The city's official trade (海关统计), aggregated: month × flow × HS code × partner ×
    trade mode. Re-importing a month and flow replaces it. Whole-city figures: read only by
    users who see the whole city (selectors check)."""

    period = models.DateField("年月")
    flow = models.CharField("进出口", max_length=6)
    hs_code = models.CharField("商品编码", max_length=10, blank=True)
    partner_code = models.CharField("贸易伙伴编码", max_length=3, blank=True)
    trade_mode = models.CharField("贸易方式", max_length=20, blank=True)
    value_usd = models.DecimalField("美元", max_digits=22, decimal_places=4, null=True)
    value_cny = models.DecimalField("人民币", max_digits=22, decimal_places=4, null=True)
    batch = models.ForeignKey(
        OfficialImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "海关统计（全市）"
        verbose_name_plural = "海关统计（全市）"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "hs_code", "partner_code", "trade_mode"],
                name="official_trade_unique",
            )
        ]
        indexes = [models.Index(fields=["period", "flow"])]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.hs_code} {self.partner_code}"
