"""Customs trade facts, FDI/ODI facts and the imports that brought them.

A customs record is enterprise × month × flow × HS code × partner × trade mode → value in USD
and CNY (full-precision Decimal). The key is unique: re-importing replaces, never adds."""

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
        # range of codes whose values (hs_code, …) cannot order (decision 0025). (partner,
        # period, …) carries every column a breakdown's sums read, so a partner's records in
        # the months are read on the index alone, an HS chapter or heading within them sought
        # per month (decision 0052).
        indexes = [
            models.Index(fields=["period", "flow"]),
            models.Index(
                fields=[
                    "partner_code",
                    "period",
                    "hs_code",
                    "trade_mode",
                    "flow",
                    "enterprise",
                    "value_usd",
                    "value_cny",
                ],
                name="customs_record_partner_cover",
            ),
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
