"""保姆式服务: liaison (包联), visits (走访), appeals (诉求) with their SLA clock and timeline,
the routing table, the SLA table and the API channels of other government systems."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models

from kaifang.core.scope import ScopedQuerySet


class Category(models.TextChoices):
    LABOUR = "labour", "用工"
    FINANCE = "finance", "融资"
    LOGISTICS = "logistics", "物流运输"
    CUSTOMS = "customs", "通关"
    FOREX = "forex", "外汇结算"
    TAX_REBATE = "tax_rebate", "出口退税"
    MARKET = "market", "订单市场"
    LAND_ENERGY = "land_energy", "用地用能"
    APPROVAL = "approval", "审批手续"
    POLICY = "policy", "政策咨询"
    IP = "ip", "知识产权"
    TRADE_FRICTION = "trade_friction", "贸易摩擦"
    OTHER = "other", "其他"


class Source(models.TextChoices):
    """How an appeal reached us (受理渠道)."""

    PUBLIC = "public", "企业网上提交"
    API = "api", "外部渠道接口"
    PHONE = "phone", "电话"
    VISIT = "visit", "走访"
    MEETING = "meeting", "座谈会"
    HOTLINE = "hotline", "12345转办"
    LETTER = "letter", "来信"


STAFF_SOURCES = [Source.PHONE, Source.VISIT, Source.MEETING, Source.HOTLINE, Source.LETTER]


class Priority(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    COMPLEX = "complex", "复杂"


class AppealStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ROUTED = "routed", "已派单"
    ACCEPTED = "accepted", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    WAITING = "waiting", "待企业补充"
    RESOLVED = "resolved", "已办结"
    RATED = "rated", "已评价"
    REOPENED = "reopened", "重办"
    MERGED = "merged", "已合并"


STATUS_COLOURS = {
    AppealStatus.REGISTERED: "gray",
    AppealStatus.ROUTED: "blue",
    AppealStatus.ACCEPTED: "blue",
    AppealStatus.IN_PROGRESS: "blue",
    AppealStatus.WAITING: "yellow",
    AppealStatus.RESOLVED: "green",
    AppealStatus.RATED: "green",
    AppealStatus.REOPENED: "red",
    AppealStatus.MERGED: "gray",
}

OPEN_STATUSES = [
    AppealStatus.REGISTERED,
    AppealStatus.ROUTED,
    AppealStatus.ACCEPTED,
    AppealStatus.IN_PROGRESS,
    AppealStatus.WAITING,
    AppealStatus.REOPENED,
]
# The handling unit owes a resolution in these statuses (the resolve clock runs).
WORKING_STATUSES = [AppealStatus.ACCEPTED, AppealStatus.IN_PROGRESS, AppealStatus.REOPENED]


class Channel(models.Model):
    """An outside channel (mini-program, 12345 platform) allowed to file appeals by API.
    Only the SHA-256 of its token is stored; the token is shown once when issued."""

    name = models.CharField("渠道名称", max_length=100, unique=True)
    token_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    token_prefix = models.CharField("令牌前缀", max_length=12, editable=False)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口渠道"
        verbose_name_plural = "接口渠道"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SlaRule(models.Model):
    """Working days allowed per category and priority; blank means "any"."""

    category = models.CharField("诉求类别", max_length=20, choices=Category.choices, blank=True)
    priority = models.CharField("优先级", max_length=10, choices=Priority.choices, blank=True)
    accept_days = models.PositiveSmallIntegerField("签收时限（工作日）", default=1)
    reply_days = models.PositiveSmallIntegerField("阶段答复时限（工作日）", default=3)
    resolve_days = models.PositiveSmallIntegerField("办结时限（工作日）", default=5)

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="sla_rule_unique")
        ]

    def __str__(self) -> str:
        who = (
            f"{self.get_category_display() or '全部类别'} / {self.get_priority_display() or '全部'}"
        )
        return f"{who}：{self.accept_days}/{self.reply_days}/{self.resolve_days}"


class RoutingRule(models.Model):
    """Category → responsible unit (an administrator edits it)."""

    category = models.CharField("诉求类别", max_length=20, choices=Category.choices, unique=True)
    unit = models.ForeignKey(
        "core.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "分办规则"
        verbose_name_plural = "分办规则"
        ordering = ["category"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.unit}"


class Appeal(models.Model):
    """One problem an enterprise raised. Changed only by servicedesk.actions."""

    scope_unit_fields = ("unit", "enterprise__district", "enterprise__park")
    scope_owner_fields = ("created_by", "enterprise__liaison")

    tracking_code = models.CharField("查询码", max_length=14, unique=True, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    enterprise_name = models.CharField("提交时企业名称", max_length=200)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    category = models.CharField("诉求类别", max_length=20, choices=Category.choices)
    priority = models.CharField(
        "优先级", max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    title = models.CharField("标题", max_length=100)
    description = models.TextField("诉求内容")
    source = models.CharField("受理渠道", max_length=10, choices=Source.choices)
    channel = models.ForeignKey(
        Channel,
        verbose_name="接口渠道",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    visit = models.ForeignKey(
        "servicedesk.Visit",
        verbose_name="来源走访",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    status = models.CharField(
        "状态", max_length=12, choices=AppealStatus.choices, default=AppealStatus.REGISTERED
    )
    # The clock: due dates are end of day, recomputed at each transition.
    clock_start = models.DateField("计时起点")
    paused_workdays = models.PositiveIntegerField("暂停工作日数", default=0)
    paused_since = models.DateTimeField("暂停开始", null=True, blank=True)
    pause_reason = models.CharField("暂停原因", max_length=300, blank=True)
    commitment_date = models.DateField("承诺办结日期", null=True, blank=True)
    accept_due = models.DateField("签收期限")
    reply_due = models.DateField("阶段答复期限")
    resolve_due = models.DateField("办结期限")
    due_provisional = models.BooleanField("期限为暂定", default=False)
    registered_at = models.DateTimeField("登记时间")
    routed_at = models.DateTimeField("派单时间", null=True, blank=True)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    replied_at = models.DateTimeField("阶段答复时间", null=True, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    resolved_on_time = models.BooleanField("按期办结", null=True, blank=True)
    resolution = models.TextField("办理结果", blank=True)
    rating = models.PositiveSmallIntegerField("满意度", null=True, blank=True)
    rating_comment = models.TextField("评价意见", blank=True)
    return_count = models.PositiveIntegerField("退回次数", default=0)
    transfer_count = models.PositiveIntegerField("转办次数", default=0)
    reopen_count = models.PositiveIntegerField("重办次数", default=0)
    escalation_level = models.PositiveSmallIntegerField("升级层级", default=0)
    reminder_key = models.CharField("已提醒", max_length=40, blank=True)
    leader_marked = models.BooleanField("领导督办标记", default=False)
    supervised = models.BooleanField("已转督办", default=False)
    supervision_ref = models.CharField("督办事项编号", max_length=40, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="疑似重复",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="possible_duplicates",
    )
    similarity = models.FloatField("相似度", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="合并至",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_appeals",
    )
    is_synthetic = models.BooleanField("演示数据", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "企业诉求"
        verbose_name_plural = "企业诉求"
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["status", "unit"]),
            models.Index(fields=["category", "registered_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="appeal_rating_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(AppealStatus(self.status), "gray")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class AppealEvent(models.Model):
    """The appeal's timeline. `public_text` (when set) is what the enterprise sees on its
    tracking page; internal notes stay internal."""

    appeal = models.ForeignKey(
        Appeal, verbose_name="诉求", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("类型", max_length=30)
    text = models.CharField("内容", max_length=1000)
    public_text = models.CharField("企业可见内容", max_length=1000, blank=True)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name="相关单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = "诉求办理记录"
        verbose_name_plural = "诉求办理记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


def attachment_path(instance: AppealAttachment, filename: str) -> str:
    """A random stored name (the extension kept): the path says nothing about the appeal or
    the enterprise. The name the user gave lives in `original_name`; files are only ever
    handed out by the gated download view."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"servicedesk/appeals/{uuid.uuid4().hex}{suffix}"


class AppealAttachment(models.Model):
    """A file sent with an appeal; read through the appeal's scope (views.appeals)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name="诉求", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "诉求附件"
        verbose_name_plural = "诉求附件"

    def __str__(self) -> str:
        return self.original_name


class LiaisonLeader(models.Model):
    """The optional leader (包联领导) beside the enterprise's officer (Enterprise.liaison)."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="liaison_leader",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包联领导",
        on_delete=models.CASCADE,
        related_name="led_enterprises",
    )

    class Meta:
        verbose_name = "包联领导"
        verbose_name_plural = "包联领导"

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.leader}"


class Visit(models.Model):
    """走访: what an officer heard on site. Problems and plans feed the enterprise's profile.

    Scoped like its enterprise (what the enterprise said is the enterprise's record), and
    visible to the officer who recorded it; the visiting unit gives no window."""

    scope_unit_fields = ("enterprise__district", "enterprise__park")
    scope_owner_fields = ("created_by", "enterprise__liaison")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField("走访日期")
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="走访人员", related_name="visits"
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name="走访单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    people_met = models.CharField("接待人员", max_length=200, blank=True)
    enterprise_said = models.TextField("企业反映情况", blank=True)
    problems = models.TextField("发现问题", blank=True)
    plans = models.TextField("发展计划", blank=True)
    follow_ups = models.TextField("后续跟进", blank=True)
    is_synthetic = models.BooleanField("演示数据", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.enterprise}"


class VisitTarget(models.Model):
    """A quarterly visit target per officer (走访计划)."""

    scope_unit_fields = ("officer__unit",)
    scope_owner_fields = ("officer",)

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包联干部",
        on_delete=models.CASCADE,
        related_name="visit_targets",
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField(
        "季度", choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)]
    )
    target = models.PositiveSmallIntegerField("目标走访次数")

    class Meta:
        verbose_name = "走访计划"
        verbose_name_plural = "走访计划"
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "year", "quarter"], name="visit_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.year}Q{self.quarter}: {self.target}"
