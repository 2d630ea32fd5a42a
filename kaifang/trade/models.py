"""Customs trade facts, FDI/ODI facts, the imports that brought them, and monthly rollups.

A customs record is enterprise × month × flow × HS code × partner × trade mode → value in USD
and CNY (full-precision Decimal). The key is unique: re-importing replaces, never adds.
Rollups are rebuilt from the facts for the periods an import touched, so every total on a
page equals the sum of the rows it drills down to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Func


class Flow(models.TextChoices):
    EXPORT = "export", "出口"
    IMPORT = "import", "进口"


class ImportKind(models.TextChoices):
    CUSTOMS = "customs", "海关进出口数据"
    ENTERPRISES = "enterprises", "企业名录"
    FDI = "fdi", "实际使用外资"
    ODI = "odi", "对外直接投资"


class DataSource(models.TextChoices):
    """Where imported figures come from; one source's months can be replaced as a whole.
    (The model fields stay free text so older batches with other values keep their label.)"""

    CUSTOMS = "customs", "海关统计"
    BUREAU = "bureau", "局内统计"
    COMMERCE = "commerce", "商务部门统计（外资、对外投资）"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "已上传"
    PARSING = "parsing", "解析中"
    PARSED = "parsed", "待确认"
    COMMITTING = "committing", "导入中"
    COMMITTED = "committed", "已导入"
    FAILED = "failed", "失败"
    CANCELLED = "cancelled", "已取消"


IMPORT_STATUS_COLOURS = {
    ImportStatus.UPLOADED: "gray",
    ImportStatus.PARSING: "blue",
    ImportStatus.PARSED: "yellow",
    ImportStatus.COMMITTING: "blue",
    ImportStatus.COMMITTED: "green",
    ImportStatus.FAILED: "red",
    ImportStatus.CANCELLED: "gray",
}


class ImportBatch(models.Model):
    """One uploaded file and what became of it."""

    scope_owner_fields = ("uploaded_by",)

    kind = models.CharField("数据类型", max_length=20, choices=ImportKind.choices)
    source = models.CharField(
        "数据来源", max_length=50, default="customs", help_text="同一来源按期间整体替换时使用"
    )
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件指纹", max_length=64, db_index=True)
    file_flow = models.CharField("整表进出口方向", max_length=10, choices=Flow.choices, blank=True)
    replace_period = models.BooleanField("按期间替换", default=False)
    status = models.CharField(
        "状态", max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    mapping = models.JSONField("表头对应", default=dict, blank=True)
    headers = models.JSONField("原始表头", default=list, blank=True)
    # {"chosen": the sheets the uploader named (empty: every data sheet), "read": the sheets
    # read, "skipped": why the others were not}
    sheets = models.JSONField("工作表", default=dict, blank=True)
    summary = models.JSONField("校验结果", default=dict, blank=True)
    rows_read = models.PositiveIntegerField("读取行数", default=0)
    rows_imported = models.PositiveIntegerField("导入行数", default=0)
    rows_rejected = models.PositiveIntegerField("拒绝行数", default=0)
    error_report = models.FileField("错误报告", upload_to="imports/errors/", blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    current_job = models.UUIDField("当前后台任务", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "数据导入批次"
        verbose_name_plural = "数据导入批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def status_colour(self) -> str:
        return IMPORT_STATUS_COLOURS.get(ImportStatus(self.status), "gray")

    @property
    def source_label(self) -> str:
        labels = dict(DataSource.choices)
        return str(labels.get(self.source, self.source))


class MappingTemplate(models.Model):
    """A named, saved header mapping (表头模板) for a recurring file layout."""

    kind = models.CharField("数据类型", max_length=20, choices=ImportKind.choices)
    name = models.CharField("模板名称", max_length=100)
    mapping = models.JSONField("表头对应", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "表头模板"
        verbose_name_plural = "表头模板"
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="mapping_template_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


ENTERPRISE_SCOPE_UNITS = ("enterprise__district", "enterprise__park")
ENTERPRISE_SCOPE_OWNERS = ("enterprise__liaison",)


class Heading(Func):
    """A customs code's four-digit HS heading (商品品目), the first four characters. Its
    positions are written into the SQL, not bound: SQLite uses an index on an expression
    only for a query that writes the same expression (bound parameters are not the same),
    and the drill-down's heading walk must meet the index made from this very class."""

    template = "SUBSTR(%(expressions)s, 1, 4)"
    arity = 1
    output_field = models.CharField()


class CustomsRecord(models.Model):
    scope_unit_fields = ENTERPRISE_SCOPE_UNITS
    scope_owner_fields = ENTERPRISE_SCOPE_OWNERS

    # No index of its own: the unique key starts with enterprise, so it serves these lookups,
    # and every index costs a bulk import about a tenth of its speed (docs/performance.md).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="customs_records",
        db_index=False,
    )
    period = models.DateField("年月")
    flow = models.CharField("进出口", max_length=6, choices=Flow.choices)
    hs_code = models.CharField("商品编码", max_length=10, blank=True)
    partner_code = models.CharField("贸易伙伴编码", max_length=3, blank=True)
    trade_mode = models.CharField("贸易方式", max_length=20, blank=True)
    qty1 = models.DecimalField("第一数量", max_digits=24, decimal_places=4, null=True)
    unit1 = models.CharField("第一计量单位", max_length=20, blank=True)
    qty2 = models.DecimalField("第二数量", max_digits=24, decimal_places=4, null=True)
    unit2 = models.CharField("第二计量单位", max_length=20, blank=True)
    value_usd = models.DecimalField("美元", max_digits=22, decimal_places=4, null=True)
    value_cny = models.DecimalField("人民币", max_digits=22, decimal_places=4, null=True)
    source = models.CharField("来源", max_length=50, default="customs")
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "海关进出口记录"
        verbose_name_plural = "海关进出口记录"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "hs_code", "partner_code", "trade_mode"],
                name="customs_record_unique_key",
            )
        ]
        # (period, flow) also serves --replace-period (source is filtered within the periods).
        # The two value indexes give the drill-down its first page (the largest records) by
        # walking values downwards instead of sorting a year's records (issue 17). The (key,
        # value) indexes let it walk within one partner, trade mode or firm in value order,
        # bounded by the page however deep (decision 0019). (period, flow, value) only
        # beside (period, flow) and partial: whoever reads whole months (the rollup rebuild,
        # SQLite's own plan for an export) keeps (period, flow) and so their rows in the
        # order they were written (SQLite takes the newest of two equal indexes, and cannot
        # take a partial one for them); the drill-down's month cut names a value
        # (decision 0023). (heading, value) lets it walk within one HS heading, which is a
        # range of codes whose values (hs_code, …) cannot order (decision 0025).
        indexes = [
            models.Index(fields=["period", "flow"]),
            models.Index(fields=["partner_code", "period"]),
            models.Index(fields=["hs_code", "period"]),
            models.Index(fields=["value_usd"], name="customs_record_usd"),
            models.Index(fields=["value_cny"], name="customs_record_cny"),
            models.Index(fields=["partner_code", "value_usd"], name="customs_record_partner_usd"),
            models.Index(fields=["trade_mode", "value_usd"], name="customs_record_mode_usd"),
            models.Index(fields=["enterprise", "value_usd"], name="customs_record_firm_usd"),
            models.Index(
                fields=["period", "flow", "value_usd"],
                name="customs_record_month_usd",
                condition=models.Q(value_usd__isnull=False),
            ),
            models.Index(Heading("hs_code"), F("value_usd"), name="customs_record_heading_usd"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.hs_code}"


class InvestmentKind(models.TextChoices):
    FDI = "fdi", "实际使用外资"
    ODI = "odi", "对外直接投资"


class InvestmentRecord(models.Model):
    """实际使用外资 (fdi: by investor country) and 对外直接投资 (odi: by destination), by
    enterprise and month. Key: kind × enterprise × month × country; re-import replaces."""

    scope_unit_fields = ENTERPRISE_SCOPE_UNITS
    scope_owner_fields = ENTERPRISE_SCOPE_OWNERS

    kind = models.CharField("类型", max_length=3, choices=InvestmentKind.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="investment_records",
    )
    period = models.DateField("年月")
    partner_code = models.CharField("国别(地区)编码", max_length=3, blank=True)
    amount_usd = models.DecimalField("金额(美元)", max_digits=22, decimal_places=4, null=True)
    amount_cny = models.DecimalField("金额(人民币)", max_digits=22, decimal_places=4, null=True)
    second_usd = models.DecimalField(
        "合同外资/协议投资(美元)", max_digits=22, decimal_places=4, null=True
    )
    second_cny = models.DecimalField(
        "合同外资/协议投资(人民币)", max_digits=22, decimal_places=4, null=True
    )
    counterparts = models.CharField("外国投资者/境外企业", max_length=300, blank=True)
    source = models.CharField("来源", max_length=50, default="commerce")
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "投资记录"
        verbose_name_plural = "投资记录"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "enterprise", "period", "partner_code"],
                name="investment_record_key",
            )
        ]
        indexes = [models.Index(fields=["kind", "period"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.enterprise_id} {self.period:%Y-%m}"


class Dimension(models.TextChoices):
    PARTNER = "partner", "国别(地区)"
    HS2 = "hs2", "商品章"
    HS4 = "hs4", "商品品目"
    MODE = "mode", "贸易方式"
    ENTERPRISE = "enterprise", "企业"


class TradeRollup(models.Model):
    """Monthly sums of customs records by one dimension: what pages read at 5 million rows.
    Rebuilt from the facts for every period an import touches (never edited by hand)."""

    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=20)
    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "贸易月度汇总"
        verbose_name_plural = "贸易月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "period", "flow", "key"], name="trade_rollup_unique"
            )
        ]
        indexes = [models.Index(fields=["dimension", "key", "period"])]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key} {self.period:%Y-%m} {self.flow}"


class ScopeRollup(models.Model):
    """Monthly sums by one dimension for the enterprises of one (district, park) pair: what a
    district or park user's pages read. Each enterprise has exactly one pair, so filtering
    "district in the user's units OR park in the user's units" counts it once even when both
    are in scope. 0 stands for "none" (unit ids start at 1). Rebuilt with TradeRollup, and for
    the pairs of an enterprise that moves (kaifang.trade.apps)."""

    district_id = models.PositiveIntegerField(default=0)
    park_id = models.PositiveIntegerField(default=0)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=20)
    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "贸易月度汇总（按县区园区）"
        verbose_name_plural = "贸易月度汇总（按县区园区）"
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "district_id", "park_id", "period", "flow", "key"],
                name="scope_rollup_unique",
            )
        ]
        # (key, dimension, period): a drill-down's count and totals for one key (an HS
        # heading, a partner) within a district or park user's units, which the unique key
        # (pair before period, key last) and the period index serve only by reading every
        # key of the months (a district user's HS heading: 3–17 ms on SQLite, 24 ms on
        # PostgreSQL at 5.6 M records, session 24). The key first: led by the dimension, the
        # index gives every key in order, and SQLite took it for the breakdowns' GROUP BY
        # key, reading every pair's rows (a district user's hs4 breakdown 5–28 → 62–74 ms).
        indexes = [
            models.Index(fields=["dimension", "park_id", "period"]),
            models.Index(fields=["period"]),
            models.Index(fields=["key", "dimension", "period"], name="scope_rollup_key"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key} {self.district_id}/{self.park_id} {self.period:%Y-%m}"


class LiaisonRollup(models.Model):
    """ScopeRollup's sums again, for enterprises that have a liaison officer only, split by
    that officer: what a liaison officer's pages read for the enterprises they see only as
    liaison (outside their units), which the (district, park) pair cannot isolate. Small,
    because few enterprises have a liaison. Rebuilt with ScopeRollup, by period and by pair
    (an enterprise whose liaison changes has its pair refreshed)."""

    liaison_id = models.PositiveIntegerField()
    district_id = models.PositiveIntegerField(default=0)
    park_id = models.PositiveIntegerField(default=0)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=20)
    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "贸易月度汇总（按包联干部）"
        verbose_name_plural = "贸易月度汇总（按包联干部）"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "liaison_id",
                    "dimension",
                    "period",
                    "flow",
                    "district_id",
                    "park_id",
                    "key",
                ],
                name="liaison_rollup_unique",
            )
        ]
        indexes = [models.Index(fields=["period"]), models.Index(fields=["district_id", "park_id"])]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key} liaison {self.liaison_id} {self.period:%Y-%m}"


class YearToDateRollup(models.Model):
    """Per enterprise, the sums from January to each month of that month's year (累计), read
    where a page needs 累计 and 上年同期累计 for every enterprise: two rows per firm and flow
    instead of up to twenty monthly ones. Summed from the enterprise rows of TradeRollup in
    the same rebuild, for each affected month through December (a month's change moves every
    later 累计 of its year). Months after the last data hold the year's sums so far."""

    key = models.CharField(max_length=20)  # the enterprise id, as in TradeRollup
    period = models.DateField()  # the last month summed; the first is January of its year
    flow = models.CharField(max_length=6, choices=Flow.choices)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "企业年内累计汇总"
        verbose_name_plural = "企业年内累计汇总"
        constraints = [
            models.UniqueConstraint(fields=["period", "flow", "key"], name="ytd_rollup_unique")
        ]

    def __str__(self) -> str:
        return f"enterprise:{self.key} 1–{self.period:%Y-%m} {self.flow}"


class _EnterpriseStage(models.Model):
    """The customs records of one enterprise, month and flow, grouped by a rollup stage's
    fields (trade/dimensions.py `STAGES`): the grouping every rollup of a rebuild is summed
    from, kept. Pages that need one enterprise's figures by partner, product or trade mode
    (the 一企一档 trade panel, concentration, the risk module's dependence) read these rows
    instead of the records. Rewritten with the other rollups for the months they rebuild,
    never edited. Scope: through the enterprise, as the records are.

    The unique key leads with (enterprise, period): one firm's months are one walk along it;
    on PostgreSQL it also carries the sums (INCLUDE, migration trade/0013), so that walk
    reads no table rows.
    No foreign-key constraint, as for the exposure rollup: rows are replaced by month, and an
    enterprise with customs records cannot be deleted (the records protect it)."""

    scope_unit_fields = ENTERPRISE_SCOPE_UNITS
    scope_owner_fields = ENTERPRISE_SCOPE_OWNERS

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class EnterprisePartnerRollup(_EnterpriseStage):
    """Stage "partner": per enterprise, month and flow, the sums by trade partner (summed from
    the partner × trade mode stage, trade/dimensions.py DERIVED)."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown

    class Meta:
        verbose_name = "企业分国别(地区)月度汇总"
        verbose_name_plural = "企业分国别(地区)月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "partner"],
                name="enterprise_partner_rollup_unique",
            )
        ]
        # (partner, period, enterprise): the firms trading with one partner or group (by firm
        # within a partner: 380 ms through the period index at 5.6 M records, session 41). The
        # enterprise last: SQLite, without statistics, takes this index for one firm's partner
        # too, and then seeks the firm's rows instead of reading every firm's (11,166 rows of
        # partner 143's year against the firm's 363).
        indexes = [
            models.Index(fields=["period"], name="enterprise_partner_period"),
            models.Index(
                fields=["partner", "period", "enterprise"], name="enterprise_partner_partner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.partner}"


class EnterpriseProductRollup(_EnterpriseStage):
    """Stage "product": per enterprise, month and flow, the sums by HS heading (the first four
    digits of the commodity code) and trade mode."""

    heading = models.CharField(max_length=4, blank=True)  # "" where the code is missing
    mode = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "企业分商品贸易方式月度汇总"
        verbose_name_plural = "企业分商品贸易方式月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "heading", "mode"],
                name="enterprise_product_rollup_unique",
            )
        ]
        indexes = [
            models.Index(fields=["period"], name="enterprise_product_period"),
            models.Index(  # the enterprise last, as in the partner stage's
                fields=["heading", "period", "enterprise"], name="enterprise_product_heading"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.heading} {self.mode}"


class EnterpriseModeRollup(_EnterpriseStage):
    """Stage "mode": per enterprise, month and flow, the sums by trade mode; the product stage
    without the heading, summed from it (trade/dimensions.py DERIVED). The firms within a
    trade mode (by firm within 一般贸易: 1.3 s of CPU reading the product stage's 1.5 M rows
    on a first view at 5.6 M records, session 42) and a firm's totals read a tenth of the rows
    here (decision 0038)."""

    mode = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "企业分贸易方式月度汇总"
        verbose_name_plural = "企业分贸易方式月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "mode"],
                name="enterprise_mode_rollup_unique",
            )
        ]
        indexes = [
            models.Index(fields=["period"], name="enterprise_mode_period"),
            models.Index(  # the enterprise last, as in the other stages'
                fields=["mode", "period", "enterprise"], name="enterprise_mode_mode"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.mode}"


class EnterpriseChapterRollup(_EnterpriseStage):
    """Stage "chapter": per enterprise, month and flow, the sums by HS chapter (the first two
    digits of the commodity code); the product stage with the heading cut and without the
    mode, summed from it (trade/dimensions.py DERIVED). 407 k rows at 5.6 M records against
    the product stage's 1.49 M: the firms within a chapter (200 → 28 ms of CPU on a first
    view for HS 85) and a scoped viewer's chapters read it, and the chapter rollups are summed
    from it (decision 0039). It keeps its rows when records come under another trade mode."""

    chapter = models.CharField(max_length=2, blank=True)  # "" where the code is missing

    class Meta:
        verbose_name = "企业分商品章月度汇总"
        verbose_name_plural = "企业分商品章月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "chapter"],
                name="enterprise_chapter_rollup_unique",
            )
        ]
        indexes = [
            models.Index(fields=["period"], name="enterprise_chapter_period"),
            models.Index(  # the enterprise last, as in the other stages'
                fields=["chapter", "period", "enterprise"], name="enterprise_chapter_chapter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.chapter}"


class EnterpriseGroupRollup(_EnterpriseStage):
    """Stage "group": per enterprise, month and flow, the sums by partner group (RCEP, 一带一路
    …), a firm's trade with a group's members; summed from the partner stage through the
    groups' members, so a partner counts in each of its groups. Not a dimension of
    trade/dimensions.py: its key is no column of the records but the members an administrator
    chooses, and editing them refreshes that group's rows (trade/invalidation.py). The firms
    within 一带一路 read its 106 k rows instead of the partner stage's 540 k (402 → 37 ms at 5.6
    M records, session 44; decision 0040). It keeps its rows when records come under another
    trade mode."""

    partner_group = models.CharField(max_length=30)  # the group's code

    class Meta:
        verbose_name = "企业分国别(地区)分组月度汇总"
        verbose_name_plural = "企业分国别(地区)分组月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "partner_group"],
                name="enterprise_group_rollup_unique",
            )
        ]
        indexes = [
            models.Index(fields=["period"], name="enterprise_group_period"),
            models.Index(  # the enterprise last, as in the other stages'
                fields=["partner_group", "period", "enterprise"], name="enterprise_group_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.partner_group}"


class PartnerProductRollup(models.Model):
    """City-wide monthly sums by trade partner and HS heading: the one cross of two trade
    dimensions the pages ask for that no stage holds (the partners within an HS chapter, the
    chapters within a partner or a partner group). Without the enterprise it is a fifth of the
    records; a row per firm as well would be nine tenths of them (decision 0035). So it
    answers only viewers who see the whole city, as TradeRollup does; it is rebuilt from the
    facts with the other rollups, never edited."""

    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown
    heading = models.CharField(max_length=4, blank=True)  # "" where the code is missing
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "分国别(地区)分商品月度汇总"
        verbose_name_plural = "分国别(地区)分商品月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "partner", "heading"],
                name="partner_product_rollup_unique",
            )
        ]
        # One partner's (or group's) months, or one heading range's: the rows a keyed page
        # reads, found without walking the month's other rows.
        indexes = [
            models.Index(fields=["partner", "period"], name="partner_product_partner"),
            models.Index(fields=["heading", "period"], name="partner_product_heading"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.partner} {self.heading}"


class EnterprisePartnerModeRollup(_EnterpriseStage):
    """Stage "partner_mode": per enterprise, month and flow, the sums by trade partner and
    trade mode; grouped from the facts, and the partner stage summed from it. It answers the
    partners within a trade mode, the modes within a partner and the firms within both, from
    the stage rather than the records (a district user's partners within 一般贸易: 9.9 s of
    CPU on a first view at 5.6 M records, session 43; decision 0038). 1.51 M rows at 5.6 M
    records against the partner stage's 1.31 M: pages without a mode keep reading that one,
    which does not grow when records come under another trade mode. The unique key serves
    the reads (a scoped viewer's firms, months and flows); the period index, the rebuilds."""

    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown
    mode = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "企业分国别(地区)分贸易方式月度汇总"
        verbose_name_plural = "企业分国别(地区)分贸易方式月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "flow", "partner", "mode"],
                name="enterprise_partner_mode_unique",
            )
        ]
        indexes = [models.Index(fields=["period"], name="enterprise_partner_mode_period")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.period:%Y-%m} {self.flow} {self.partner} {self.mode}"


class PartnerModeRollup(models.Model):
    """City-wide monthly sums by trade partner and trade mode: the partners within a trade
    mode and the modes within a partner or group, for viewers who see the whole city. The
    partner × mode stage holds the same cross per firm (decision 0038), but the leader's partners
    within 一般贸易 read a year of every firm's rows there (802 ms of CPU on a first view at
    5.6 M records); without the firm it is 10,724 rows for 36 months. Summed from the partner
    × mode stage with the other rollups, never edited."""

    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    partner = models.CharField(max_length=3, blank=True)  # the partner code; "" unknown
    mode = models.CharField(max_length=20, blank=True)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "分国别(地区)分贸易方式月度汇总"
        verbose_name_plural = "分国别(地区)分贸易方式月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "partner", "mode"], name="partner_mode_rollup_unique"
            )
        ]
        indexes = [
            models.Index(fields=["mode", "period"], name="partner_mode_mode"),
            models.Index(fields=["partner", "period"], name="partner_mode_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.partner} {self.mode}"


class ModeProductRollup(models.Model):
    """City-wide monthly sums by trade mode and HS heading: the chapters or headings within a
    trade mode and the modes within an HS chapter or heading, for viewers who see the whole
    city. The product stage holds the same cross per firm, a row per firm and heading: the
    leader's chapters within 一般贸易 read 519 ms of CPU there on a first view at 5.6 M
    records; without the firm it is 79,139 rows for 36 months. Summed from the product stage
    with the other rollups, never edited (decision 0038)."""

    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    heading = models.CharField(max_length=4, blank=True)  # "" where the code is missing
    mode = models.CharField(max_length=20, blank=True)
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "分贸易方式分商品月度汇总"
        verbose_name_plural = "分贸易方式分商品月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "heading", "mode"], name="mode_product_rollup_unique"
            )
        ]
        indexes = [
            models.Index(fields=["mode", "period"], name="mode_product_mode"),
            models.Index(fields=["heading", "period"], name="mode_product_heading"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.heading} {self.mode}"


class CommodityRollup(models.Model):
    """City-wide monthly sums by commodity code (商品编码, its first eight digits): the codes
    within an HS heading or chapter, a level no stage holds (the stages stop at the heading).
    The leader's codes within heading 8539 read 47,727 records through the (hs_code, period)
    index on a first view (190 ms of CPU at 5.6 M; 3.5 s before that range); this is a
    seventeenth of the records (decision 0036). City-wide only, as PartnerProductRollup;
    rebuilt from the facts with the other rollups, never edited."""

    period = models.DateField()
    flow = models.CharField(max_length=6, choices=Flow.choices)
    code = models.CharField(max_length=8, blank=True)  # "" where the record has none
    value_usd = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    value_cny = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "分商品编码月度汇总"
        verbose_name_plural = "分商品编码月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "flow", "code"], name="commodity_rollup_unique"
            )
        ]
        # a code range's months (a heading's or chapter's codes), without the month's others
        indexes = [models.Index(fields=["code", "period"], name="commodity_rollup_code")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.flow} {self.code}"


# stage (trade/dimensions.py) → the table that keeps it; each field of the stage is a column
StageModel = (
    type[EnterprisePartnerRollup]
    | type[EnterpriseProductRollup]
    | type[EnterpriseModeRollup]
    | type[EnterprisePartnerModeRollup]
    | type[EnterpriseChapterRollup]
    | type[EnterpriseGroupRollup]
)
STAGE_MODELS: dict[str, StageModel] = {
    "partner": EnterprisePartnerRollup,
    "product": EnterpriseProductRollup,
    "mode": EnterpriseModeRollup,
    "partner_mode": EnterprisePartnerModeRollup,
    "chapter": EnterpriseChapterRollup,
    # not a stage of trade/dimensions.py: summed from the partner stage through the groups'
    # members (rollups.group_stage)
    "group": EnterpriseGroupRollup,
}
