"""Notifications (消息通知): in-app rows for each recipient, and outgoing deliveries by e-mail
and to group robots (WeCom / DingTalk webhooks), each delivery recorded with its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationLevel(models.TextChoices):
    INFO = "info", "通知"
    SUCCESS = "success", "完成"
    WARNING = "warning", "提醒"
    DANGER = "danger", "紧急"


NOTIFICATION_LEVEL_COLOURS: dict[str, str] = {
    NotificationLevel.INFO: "blue",
    NotificationLevel.SUCCESS: "green",
    NotificationLevel.WARNING: "yellow",
    NotificationLevel.DANGER: "red",
}


class Notification(models.Model):
    """Personal: only the recipient sees it in the application, whatever their data scope."""

    scope_owner_fields = ("recipient",)
    scope_owner_only = True

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    level = models.CharField(
        "级别", max_length=10, choices=NotificationLevel.choices, default=NotificationLevel.INFO
    )
    category = models.CharField("类别", max_length=50, default="system", db_index=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def colour(self) -> str:
        return NOTIFICATION_LEVEL_COLOURS.get(self.level, "blue")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Per user: in-app is always on; e-mail and group-robot pushes can be switched off, and
    categories muted for those two channels."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField("邮件通知", default=True)
    webhook_enabled = models.BooleanField("群机器人推送", default=True)
    muted_categories = models.JSONField("免打扰类别", default=list, blank=True)

    class Meta:
        verbose_name = "通知偏好"
        verbose_name_plural = "通知偏好"

    def __str__(self) -> str:
        return f"{self.user} 的通知偏好"


class WebhookKind(models.TextChoices):
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    GENERIC = "generic", "通用 JSON"


class WebhookChannel(models.Model):
    """A group robot an administrator configured. `categories` limits what it receives."""

    name = models.CharField("名称", max_length=100, unique=True)
    url = models.URLField("Webhook 地址", max_length=500)
    kind = models.CharField("类型", max_length=20, choices=WebhookKind.choices)
    secret = models.CharField(
        "加签密钥",
        max_length=200,
        blank=True,
        help_text="钉钉机器人“加签”安全设置的密钥（SEC 开头）",
    )
    categories = models.CharField(
        "推送类别", max_length=300, blank=True, help_text="以逗号分隔的类别编码；留空表示全部类别"
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "群机器人"
        verbose_name_plural = "群机器人"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def accepts(self, category: str) -> bool:
        wanted = {c.strip() for c in self.categories.replace("，", ",").split(",") if c.strip()}
        return not wanted or category in wanted


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "邮件"
    WEBHOOK = "webhook", "群机器人"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


DELIVERY_STATUS_COLOURS: dict[str, str] = {
    DeliveryStatus.PENDING: "gray",
    DeliveryStatus.SENDING: "blue",
    DeliveryStatus.SENT: "green",
    DeliveryStatus.FAILED: "red",
}


class Delivery(models.Model):
    """One outgoing message: an e-mail to one recipient, or one post to one group robot.
    The payload is fixed when the notification is made; the worker only sends it."""

    channel = models.CharField("渠道", max_length=10, choices=DeliveryChannel.choices)
    notification = models.ForeignKey(
        Notification,
        verbose_name="站内通知",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    webhook = models.ForeignKey(
        WebhookChannel,
        verbose_name="群机器人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    target = models.CharField("发送对象", max_length=300)
    payload = models.JSONField("内容", default=dict)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知发送记录"
        verbose_name_plural = "通知发送记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.target}"

    @property
    def colour(self) -> str:
        return DELIVERY_STATUS_COLOURS.get(self.status, "gray")
