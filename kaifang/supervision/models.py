"""督查督办: source documents, the candidates proposed from them, and the tasks confirmed from
those candidates with their milestones, progress reports, extension requests and timeline.

The status light is not stored: `selectors.with_light()` computes it from the deadline, the
milestones and the calendar, so it can never disagree with the dates.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class DocumentKind(models.TextChoices):
    SPEECH = "speech", "讲话"
    MINUTES = "minutes", "会议纪要"
    INSTRUCTION = "instruction", "领导批示"
    PLAN = "plan", "工作方案"
    TABLE = "table", "任务分解表"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "待分解"
    REVIEW = "review", "审核中"
    CONFIRMED = "confirmed", "已确认"


DOCUMENT_STATUS_COLOURS = {
    DocumentStatus.DRAFT: "gray",
    DocumentStatus.REVIEW: "yellow",
    DocumentStatus.CONFIRMED: "green",
}


class SourceDocument(models.Model):
    """A speech, minutes, instruction, plan or decomposition table; `text` is the cleaned text
    that every candidate's offsets refer to."""

    scope_unit_fields = ("tasks__lead_unit", "tasks__co_units")
    scope_owner_fields = ("created_by",)

    title = models.CharField("标题", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=DocumentKind.choices)
    date = models.DateField("日期")
    issuer = models.CharField("讲话人/发文单位", max_length=100, blank=True)
    text = models.TextField("正文")
    original = models.FileField("原始文件", upload_to="supervision/sources/%Y/", blank=True)
    original_name = models.CharField("原始文件名", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "来源文件"
        verbose_name_plural = "来源文件"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class CandidateStatus(models.TextChoices):
    PROPOSED = "proposed", "待审核"
    CONFIRMED = "confirmed", "已确认"
    DISCARDED = "discarded", "已舍弃"
    MERGED = "merged", "已合并"


class Candidate(models.Model):
    """A task proposed by decomposition, reviewed by a person before it becomes a Task."""

    scope_unit_fields = ("lead_unit",)
    scope_owner_fields = ("document__created_by",)

    document = models.ForeignKey(
        SourceDocument, verbose_name="来源文件", on_delete=models.CASCADE, related_name="candidates"
    )
    order = models.PositiveIntegerField("顺序", default=0)
    text = models.TextField("任务内容")
    source_sentence = models.TextField("原文句子", blank=True)
    start = models.PositiveIntegerField("起始位置", default=0)
    end = models.PositiveIntegerField("结束位置", default=0)
    sentence_start = models.PositiveIntegerField(default=0)
    sentence_end = models.PositiveIntegerField(default=0)
    section = models.CharField("所在部分", max_length=200, blank=True)
    kind = models.CharField("识别方式", max_length=20, blank=True)
    lead_unit = models.ForeignKey(
        "core.Unit",
        verbose_name="牵头单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_unit_text = models.CharField("原文牵头单位", max_length=200, blank=True)
    co_units = models.ManyToManyField(
        "core.Unit", verbose_name="责任单位", blank=True, related_name="+"
    )
    co_units_text = models.CharField("原文责任单位", max_length=500, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    deadline_text = models.CharField("原文时限", max_length=100, blank=True)
    recurring = models.BooleanField("周期性", default=False)
    recurrence = models.CharField("周期", max_length=30, blank=True)
    # The dated stages the text gives before the final deadline ("9月底前完成方案；12月底前建
    # 成"): [{"text", "deadline" (ISO date or null), "deadline_text"}]; they become the task's
    # milestones when it is confirmed.
    milestones = models.JSONField("阶段节点", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.PROPOSED
    )
    task = models.ForeignKey(
        "supervision.Task",
        verbose_name="督办事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidates",
    )

    class Meta:
        verbose_name = "候选任务"
        verbose_name_plural = "候选任务"
        ordering = ["document", "start", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", "交办"
    SIGNED = "signed", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    COMPLETION_REQUESTED = "completion_requested", "办结申请"
    DONE = "done", "办结销号"


TASK_STATUS_COLOURS = {
    TaskStatus.ASSIGNED: "gray",
    TaskStatus.SIGNED: "blue",
    TaskStatus.IN_PROGRESS: "blue",
    TaskStatus.COMPLETION_REQUESTED: "yellow",
    TaskStatus.DONE: "green",
}


class Light(models.TextChoices):
    BLUE = "blue", "正常推进"
    YELLOW = "yellow", "临期预警"
    RED = "red", "逾期"
    GREEN = "green", "已办结"


class ReportCycle(models.TextChoices):
    NONE = "none", "一次性报送"
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"


class Priority(models.TextChoices):
    HIGH = "high", "重点"
    NORMAL = "normal", "一般"


class Task(models.Model):
    """督办事项: what a unit must do by when, traced to the sentence that asked for it."""

    scope_unit_fields = ("lead_unit", "co_units")
    scope_owner_fields = ("officer", "leader", "created_by")

    document = models.ForeignKey(
        SourceDocument,
        verbose_name="来源文件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    source_sentence = models.TextField("原文句子", blank=True)
    source_start = models.PositiveIntegerField("原文起始位置", default=0)
    source_end = models.PositiveIntegerField("原文结束位置", default=0)
    title = models.TextField("任务内容")
    lead_unit = models.ForeignKey(
        "core.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField(
        "core.Unit", verbose_name="责任单位", blank=True, related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="督办专员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="交办人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField("完成时限")
    original_deadline = models.DateField("原定时限")
    deadline_text = models.CharField("原文时限", max_length=100, blank=True)
    report_cycle = models.CharField(
        "报送周期", max_length=10, choices=ReportCycle.choices, default=ReportCycle.MONTHLY
    )
    report_day = models.PositiveSmallIntegerField(
        "报送日",
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="每周：1-5 表示周一至周五；每月：1-28 日",
    )
    priority = models.CharField(
        "优先级", max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    tags = models.CharField("标签", max_length=200, blank=True, help_text="多个标签用逗号分隔")
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name="涉及企业",
        blank=True,
        related_name="supervision_tasks",
    )
    parks = models.ManyToManyField(
        "core.Unit",
        verbose_name="涉及园区",
        blank=True,
        related_name="park_tasks",
        limit_choices_to={"kind": "park"},
        help_text="园区是组织机构中的“园区管委会”单位",
    )
    status = models.CharField(
        "状态", max_length=30, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    percent = models.PositiveSmallIntegerField("进度", default=0)
    assigned_at = models.DateTimeField("交办时间")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completion_requested_on = models.DateField("办结申请日期", null=True, blank=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    on_time = models.BooleanField("按期办结", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    is_synthetic = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.title[:60]

    def tag_list(self) -> list[str]:
        raw = self.tags.replace("，", ",").replace("、", ",")
        return [t.strip() for t in raw.split(",") if t.strip()]

    @property
    def status_colour(self) -> str:
        return TASK_STATUS_COLOURS[TaskStatus(self.status)]

    @property
    def is_extended(self) -> bool:
        return self.deadline != self.original_deadline


class Milestone(models.Model):
    task = models.ForeignKey(
        Task, verbose_name="督办事项", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("节点", max_length=200)
    due = models.DateField("节点时限")
    done_at = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "节点"
        verbose_name_plural = "节点"
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    task = models.ForeignKey(
        Task, verbose_name="督办事项", on_delete=models.CASCADE, related_name="reports"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField(
        "完成进度", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    reported_on = models.DateField("报送日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "进展报送"
        verbose_name_plural = "进展报送"
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.percent}%"


class ReportAttachment(models.Model):
    scope_unit_fields = ("report__task__lead_unit", "report__task__co_units")
    scope_owner_fields = ("report__task__officer", "report__task__leader")

    report = models.ForeignKey(
        ProgressReport,
        verbose_name="进展报送",
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField("附件", upload_to="supervision/reports/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField("类型", max_length=100)

    class Meta:
        verbose_name = "进展附件"
        verbose_name_plural = "进展附件"

    def __str__(self) -> str:
        return self.name


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "未同意"


class ExtensionRequest(models.Model):
    scope_unit_fields = ("task__lead_unit", "task__co_units")
    scope_owner_fields = ("task__officer", "task__leader", "task__created_by")

    task = models.ForeignKey(
        Task, verbose_name="督办事项", on_delete=models.CASCADE, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField("延期理由")
    requested_deadline = models.DateField("申请延至")
    previous_deadline = models.DateField("原时限")
    status = models.CharField(
        "状态", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    note = models.TextField("审批意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} → {self.requested_deadline}"


class EventKind(models.TextChoices):
    ASSIGN = "assign", "交办"
    SIGN = "sign", "签收"
    REPORT = "report", "报送进展"
    MILESTONE = "milestone", "完成节点"
    REQUEST_COMPLETION = "request_completion", "申请办结"
    ACCEPT = "accept", "审核通过，办结销号"
    RETURN = "return", "驳回重办"
    EXTENSION_REQUEST = "extension_request", "申请延期"
    EXTENSION_APPROVE = "extension_approve", "同意延期"
    EXTENSION_REFUSE = "extension_refuse", "不同意延期"
    EDIT = "edit", "修改"
    REMIND = "remind", "提醒"
    ESCALATE = "escalate", "逾期督办"


class TaskEvent(models.Model):
    """One line of a task's timeline (the domain history; the audit log is the legal one)."""

    task = models.ForeignKey(
        Task, verbose_name="督办事项", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事件", max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField("说明", blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.message}"[:80]


class ReminderLog(models.Model):
    """One reminder sent: (task, kind, due) is unique, so the daily job can run any number of
    times a day and each reminder goes out once."""

    task = models.ForeignKey(
        Task, verbose_name="督办事项", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField("提醒类型", max_length=40)
    due = models.DateField("对应日期")
    sent_on = models.DateField("发送日期")
    recipients = models.PositiveIntegerField("接收人数", default=0)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "due"], name="supervision_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind} {self.due}"
