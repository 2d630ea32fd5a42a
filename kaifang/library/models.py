"""政策库: documents with their versions and search index; support items (支持条款) with
structured conditions, the enterprises they match, and the 免申即享 ledger.

Documents are public to staff (every signed-in user reads them); matches and the ledger are
per enterprise and scoped like the enterprise (district, park, liaison).

Clauses are not stored: the read page parses the current text (`parsing.parse`), whose anchors
are numbering paths, so links survive a corrected version. Supervision's source documents are
indexed here (a `SearchEntry` with source "supervision") and read through from supervision's
own table, never copied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DocumentKind(models.TextChoices):
    POLICY = "policy", "政策文件"
    NOTICE = "notice", "通知公告"
    SPEECH = "speech", "领导讲话"
    MINUTES = "minutes", "会议纪要"
    PLAN = "plan", "规划方案"


class Level(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCIAL = "provincial", "省"
    CITY = "city", "市"
    DISTRICT = "district", "县区"


class DocumentStatus(models.TextChoices):
    VALID = "valid", "有效"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "已到期"


STATUS_COLOURS = {
    DocumentStatus.VALID: "green",
    DocumentStatus.REPEALED: "gray",
    DocumentStatus.EXPIRED: "yellow",
}


class Document(models.Model):
    title = models.CharField("标题", max_length=200)
    kind = models.CharField(
        "类型", max_length=20, choices=DocumentKind.choices, default=DocumentKind.POLICY
    )
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    doc_number = models.CharField("文号", max_length=60, blank=True, db_index=True)
    level = models.CharField("层级", max_length=12, choices=Level.choices, default=Level.CITY)
    issued = models.DateField("发布日期", null=True, blank=True)
    effective = models.DateField("施行日期", null=True, blank=True)
    expiry = models.DateField("有效期至", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.VALID
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="被以下文件替代",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    tags = models.CharField("标签（主题、行业、企业类型）", max_length=300, blank=True)
    responsible_unit = models.ForeignKey(
        "core.Unit",
        verbose_name="责任科室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField("正文（当前版本）")
    version = models.PositiveIntegerField("当前版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["-issued", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(DocumentStatus(self.status), "gray")

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.replace("，", ",").replace("、", ",").split(",") if t.strip()]


class DocumentVersion(models.Model):
    """Every uploaded text is kept; the document shows the newest."""

    document = models.ForeignKey(
        Document, verbose_name="文件", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    text = models.TextField("正文")
    original = models.FileField("原始文件", upload_to="library/%Y/", blank=True)
    original_name = models.CharField("原始文件名", max_length=200, blank=True)
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "文件版本"
        verbose_name_plural = "文件版本"
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="library_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} 第{self.number}版"


class SearchSource(models.TextChoices):
    LIBRARY = "library", "政策库"
    SUPERVISION = "supervision", "督查来源文件"


class SearchEntry(models.Model):
    """One indexed document: its segmented title and text (`tokens`), and the fields search
    filters on. The full-text index over it is FTS5 on SQLite (`library_fts`, rowid = id) and a
    generated tsvector column with a GIN index on PostgreSQL (see the migration)."""

    source = models.CharField("来源", max_length=20, choices=SearchSource.choices)
    object_id = models.PositiveIntegerField("对象编号")
    title = models.CharField("标题", max_length=200)
    title_tokens = models.TextField("标题分词", blank=True)
    tokens = models.TextField("正文分词", blank=True)
    kind = models.CharField("类型", max_length=20, blank=True)
    level = models.CharField("层级", max_length=12, blank=True)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, blank=True)
    issued = models.DateField("日期", null=True, blank=True)
    tags = models.CharField("标签", max_length=300, blank=True)

    class Meta:
        verbose_name = "检索条目"
        verbose_name_plural = "检索条目"
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="library_entry_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Benefit(models.TextChoices):
    SUBSIDY = "subsidy", "补贴"
    REWARD = "reward", "奖励"
    INTEREST = "interest", "贴息"
    FACILITATION = "facilitation", "便利措施"


class SupportItem(models.Model):
    """支持条款: what a policy gives, to whom (structured conditions, see `matching.py`), when
    and through which unit. `anchor` names the clause it comes from."""

    document = models.ForeignKey(
        Document, verbose_name="政策文件", on_delete=models.CASCADE, related_name="support_items"
    )
    anchor = models.CharField("对应条款", max_length=60, blank=True)
    title = models.CharField("名称", max_length=200)
    benefit = models.CharField("支持方式", max_length=20, choices=Benefit.choices)
    amount = models.DecimalField(
        "金额（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    rate = models.CharField("标准或比例", max_length=100, blank=True)
    no_application = models.BooleanField("免申即享", default=False)
    window_start = models.DateField("申报开始", null=True, blank=True)
    window_end = models.DateField("申报截止", null=True, blank=True)
    responsible_unit = models.ForeignKey(
        "core.Unit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    conditions = models.JSONField("条件", default=list, blank=True)
    evaluated_at = models.DateTimeField("最近匹配时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "支持条款"
        verbose_name_plural = "支持条款"
        ordering = ["document", "id"]

    def __str__(self) -> str:
        return self.title


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", "符合"
    NEAR = "near", "接近"
    UNKNOWN = "unknown", "待核实"


OUTCOME_COLOURS = {Outcome.ELIGIBLE: "green", Outcome.NEAR: "yellow", Outcome.UNKNOWN: "gray"}

ENTERPRISE_UNITS = ("enterprise__district", "enterprise__park")
ENTERPRISE_OWNERS = ("enterprise__liaison",)


class Match(models.Model):
    """An enterprise that meets a support item (or nearly, or cannot be decided for lack of
    data), with the reason for each condition. Enterprises a condition rules out are not
    stored."""

    scope_unit_fields = ENTERPRISE_UNITS
    scope_owner_fields = ENTERPRISE_OWNERS

    item = models.ForeignKey(
        SupportItem, verbose_name="支持条款", on_delete=models.CASCADE, related_name="matches"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="policy_matches",
    )
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices)
    reasons = models.JSONField("逐条理由", default=list)
    first_seen_at = models.DateTimeField("首次匹配", auto_now_add=True)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "政策匹配"
        verbose_name_plural = "政策匹配"
        ordering = ["item", "enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "enterprise"], name="library_match_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.item}"

    @property
    def outcome_colour(self) -> str:
        return OUTCOME_COLOURS.get(Outcome(self.outcome), "gray")


class LedgerStatus(models.TextChoices):
    DUE = "due", "应享"
    CONFIRMED = "confirmed", "已确认"
    PAID = "paid", "已兑现"


LEDGER_COLOURS = {LedgerStatus.DUE: "blue", LedgerStatus.CONFIRMED: "yellow"}
LEDGER_COLOURS |= {LedgerStatus.PAID: "green"}


class LedgerEntry(models.Model):
    """免申即享台账: a qualifying enterprise of a no-application item, confirmed by the
    responsible unit and paid (应享 → 已确认 → 已兑现)."""

    scope_unit_fields = ENTERPRISE_UNITS
    scope_owner_fields = ENTERPRISE_OWNERS

    item = models.ForeignKey(
        SupportItem, verbose_name="支持条款", on_delete=models.CASCADE, related_name="ledger"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=LedgerStatus.choices, default=LedgerStatus.DUE
    )
    amount = models.DecimalField("金额（万元）", max_digits=14, decimal_places=2, null=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    paid_at = models.DateTimeField("兑现时间", null=True, blank=True)
    created_at = models.DateTimeField("列入时间", auto_now_add=True)

    class Meta:
        verbose_name = "免申即享台账"
        verbose_name_plural = "免申即享台账"
        ordering = ["item", "enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "enterprise"], name="library_ledger_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.item}"

    @property
    def status_colour(self) -> str:
        return LEDGER_COLOURS.get(LedgerStatus(self.status), "gray")


class ReminderLog(models.Model):
    """One expiry reminder sent, so the daily job never sends the same one twice."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    expiry = models.DateField()
    sent_on = models.DateField()

    class Meta:
        verbose_name = "到期提醒记录"
        verbose_name_plural = "到期提醒记录"
        constraints = [
            models.UniqueConstraint(fields=["document", "expiry"], name="library_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.expiry}"


class Fair(models.Model):
    """A trade fair (展会) whose exhibitors support items may require (参展条件). Its exhibitor
    list comes from an Excel import; until one is imported (`list_imported_at` empty) nobody's
    participation is known, and a fair condition answers 待核实, never 不符合."""

    name = models.CharField("展会名称", max_length=120)
    session = models.CharField("届次或年份", max_length=40, blank=True)
    city = models.CharField("举办地", max_length=60, blank=True)
    starts = models.DateField("开幕日期", null=True, blank=True)
    ends = models.DateField("闭幕日期", null=True, blank=True)
    list_imported_at = models.DateTimeField("参展名单导入时间", null=True, blank=True)
    list_file = models.CharField("参展名单文件", max_length=200, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "展会"
        verbose_name_plural = "展会"
        ordering = ["-starts", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "session"], name="library_fair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.session}）" if self.session else self.name


class FairExhibitor(models.Model):
    """One enterprise on a fair's exhibitor list (参展企业). Scoped like its enterprise."""

    scope_unit_fields = ENTERPRISE_UNITS
    scope_owner_fields = ENTERPRISE_OWNERS

    fair = models.ForeignKey(
        Fair, verbose_name="展会", on_delete=models.CASCADE, related_name="exhibitors"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    booth = models.CharField("展位号", max_length=40, blank=True)
    area = models.DecimalField("展位面积（平方米）", max_digits=8, decimal_places=1, null=True)
    row = models.PositiveIntegerField("导入行号", null=True)

    class Meta:
        verbose_name = "参展企业"
        verbose_name_plural = "参展企业"
        ordering = ["fair", "enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "enterprise"], name="library_exhibitor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fair} · {self.enterprise}"


class ReplyTemplate(models.Model):
    """答复模板: a frequent answer kept for one appeal category (the service desk's category
    code), optionally citing a library clause. Kept by the library's editors (the bureau's
    divisions); offered on every appeal of its category to whoever handles it."""

    category = models.CharField("诉求类别", max_length=20, db_index=True)
    title = models.CharField("模板名称", max_length=100)
    text = models.TextField("答复内容")
    document = models.ForeignKey(
        Document,
        verbose_name="引用政策文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    anchor = models.CharField("引用条款", max_length=60, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="维护人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "答复模板"
        verbose_name_plural = "答复模板"
        ordering = ["category", "title", "id"]

    def __str__(self) -> str:
        return self.title
