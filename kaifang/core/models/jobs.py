"""Background jobs (后台任务): one row per long piece of work, the source of its progress bar.

The queue itself (django-q2's tables) only carries the job id; everything a person sees lives
here, so the page survives a restart of the web process and of the worker.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


JOB_STATUS_COLOURS: dict[str, str] = {
    JobStatus.QUEUED: "gray",
    JobStatus.RUNNING: "blue",
    JobStatus.SUCCEEDED: "green",
    JobStatus.FAILED: "red",
}

FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED)


def result_upload_to(instance: Job, filename: str) -> str:
    return f"jobs/{instance.created_at:%Y/%m}/{instance.pk}/{filename}"


class Job(models.Model):
    """A job is personal: only its owner sees it in the application (administrators use the
    admin), whatever their data scope."""

    scope_owner_fields = ("owner",)
    scope_owner_only = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("任务类型", max_length=80, db_index=True)
    title = models.CharField("任务名称", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    percent = models.PositiveSmallIntegerField("进度（%）", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    result_file = models.FileField("结果文件", upload_to=result_upload_to, blank=True)
    result = models.JSONField("结果", null=True, blank=True)
    error = models.TextField("错误说明", blank=True)
    traceback = models.TextField("错误堆栈（管理员）", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    worker = models.CharField(
        "执行进程", max_length=100, blank=True, help_text="主机名:进程号，用于发现中断的任务"
    )
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def colour(self) -> str:
        return JOB_STATUS_COLOURS.get(self.status, "gray")

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def kind_label(self) -> str:
        """The kind in words, as its job function registered it (kaifang.core.jobs.job)."""
        from kaifang.core.jobs import kind_label

        return kind_label(self.kind)

    @property
    def result_filename(self) -> str:
        """The name the file is offered under: the one its job gave (`result["filename"]`:
        storage names drop full-width brackets, 外贸明细（累计）), else the stored one."""
        if not self.result_file:
            return ""
        given = self.result.get("filename") if isinstance(self.result, dict) else None
        return str(given) if given else self.result_file.name.rsplit("/", 1)[-1]

    @property
    def duration_seconds(self) -> int | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds())
