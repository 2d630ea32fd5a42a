"""Notifications: `notify()` for every module, the delivery workers, and the reads and
writes behind the bell, the list and the preferences page (kept together here, not in the
app-wide actions/selectors, because the subsystem is self-contained).

    from kaifang.core.notifications import notify, register_category

    register_category("appeal", "企业诉求")          # in the app's AppConfig.ready()
    notify(recipients=[user], title="新诉求待受理", body="……", url="/appeals/12/",
           category="appeal", level=NotificationLevel.WARNING)

In-app rows are written in the caller's transaction; e-mails and group-robot posts become
`Delivery` rows sent by the worker after commit, so a slow mail server never blocks a request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.jobs import defer
from kaifang.core.models import (
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    NotificationLevel,
    NotificationPreference,
    User,
    WebhookChannel,
    WebhookKind,
)
from kaifang.core.scope import get_for_user, visible_to, who_sees

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3

_CATEGORIES: dict[str, str] = {}


def register_category(code: str, label: str) -> None:
    """Name a category so users can mute it on their preferences page."""
    _CATEGORIES[code] = label


def categories() -> dict[str, str]:
    return dict(sorted(_CATEGORIES.items()))


register_category("system", "系统消息")
register_category("jobs", "后台任务")


# --- notify ----------------------------------------------------------------------------------


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url else ""


def preference_for(user: User) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.get_or_create(user=user)
    return pref


def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    category: str = "system",
    level: str = NotificationLevel.INFO,
    about: models.Model | None = None,
) -> list[Notification]:
    """Notify each distinct active recipient in-app, and by e-mail and group robot where their
    preferences allow. `url` is a path inside Kaifang ("/appeals/12/"). A notification that
    names a record passes it as `about`: only the recipients who may see it get it (the data
    scope's gate, `scope.who_sees`). Returns the rows."""
    if url and not url.startswith("/"):
        raise ValueError("notify(url=...) must be a path inside Kaifang, starting with '/'")
    if level not in NotificationLevel.values:
        raise ValueError(f"unknown notification level {level!r}")
    people = {u.pk: u for u in recipients if u.pk and u.is_active}
    if about is not None:
        people = {u.pk: u for u in who_sees(about, people.values())}
    if not people:
        return []
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=people)}
    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            Notification(
                recipient=user,
                title=title[:200],
                body=body,
                url=url,
                level=level,
                category=category,
            )
            for user in people.values()
        )
        deliveries: list[Delivery] = []
        pushed_to: list[str] = []
        for row in rows:
            user = people[row.recipient_id]
            pref = prefs.get(user.pk) or NotificationPreference(user=user)
            if category in (pref.muted_categories or []):
                continue
            if settings.EMAIL_ENABLED and pref.email_enabled and user.email:
                deliveries.append(
                    Delivery(
                        channel=DeliveryChannel.EMAIL,
                        notification=row,
                        target=user.email,
                        payload=_email_payload(user, title, body, url),
                    )
                )
            if pref.webhook_enabled:
                pushed_to.append(user.display_name)
        if pushed_to:
            for channel in WebhookChannel.objects.filter(is_active=True):
                if channel.accepts(category):
                    deliveries.append(
                        Delivery(
                            channel=DeliveryChannel.WEBHOOK,
                            webhook=channel,
                            target=channel.name,
                            payload={
                                "title": title,
                                "body": body,
                                "url": _absolute(url),
                                "level": level,
                                "category": category,
                                "recipients": pushed_to,
                            },
                        )
                    )
        for delivery in Delivery.objects.bulk_create(deliveries):
            defer("kaifang.core.notifications.deliver", delivery.pk)
    return rows


def _email_payload(user: User, title: str, body: str, url: str) -> dict[str, Any]:
    lines = [f"{user.display_name}：", "", body or title]
    if url:
        lines += ["", f"查看详情：{_absolute(url)}"]
    lines += ["", "—— 开放通（本邮件由系统自动发送，请勿回复）"]
    return {"to": [user.email], "subject": f"【开放通】{title}", "body": "\n".join(lines)}


# --- delivery (runs in the worker) -------------------------------------------------------------


def deliver(delivery_id: int) -> None:
    """Send one delivery; claims the row first so two workers never send it twice.
    Failures are logged and kept on the row (status, attempts, error); never raises."""
    claimed = Delivery.objects.filter(
        pk=delivery_id,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        attempts__lt=MAX_ATTEMPTS,
    ).update(status=DeliveryStatus.SENDING)
    if not claimed:
        return
    delivery = Delivery.objects.select_related("webhook").get(pk=delivery_id)
    try:
        if delivery.channel == DeliveryChannel.EMAIL:
            _send_email(delivery.payload)
        else:
            if delivery.webhook is None:
                raise RuntimeError("群机器人已被删除")
            _post_webhook(delivery.webhook, delivery.payload)
    except Exception as exc:
        logger.warning("delivery %s to %s failed: %s", delivery_id, delivery.target, exc)
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED,
            attempts=delivery.attempts + 1,
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENT, attempts=delivery.attempts + 1, error="", sent_at=timezone.now()
    )


def retry_failed() -> int:
    """Queue failed deliveries that still have attempts left (run periodically)."""
    ids = list(
        Delivery.objects.filter(
            status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for pk in ids:
            defer("kaifang.core.notifications.deliver", pk)
    return len(ids)


def _send_email(payload: Mapping[str, Any]) -> None:
    message = EmailMessage(
        subject=str(payload["subject"]),
        body=str(payload["body"]),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(payload["to"]),
    )
    message.send(fail_silently=False)


def webhook_body(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON a group robot expects (WeCom and DingTalk markdown messages)."""
    title, body, url = str(payload["title"]), str(payload["body"]), str(payload.get("url", ""))
    names = "、".join(payload.get("recipients", []))
    link = f"\n\n[查看详情]({url})" if url else ""
    people = f"\n\n通知对象：{names}" if names else ""
    if kind == WebhookKind.WECOM:
        quoted = "\n".join(f"> {line}" for line in body.splitlines()) if body else ""
        return {
            "msgtype": "markdown",
            "markdown": {"content": f"**{title}**\n{quoted}{people}{link}"},
        }
    if kind == WebhookKind.DINGTALK:
        return {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": f"#### {title}\n\n{body}{people}{link}"},
        }
    return {key: payload.get(key) for key in ("title", "body", "url", "level", "category")} | {
        "recipients": list(payload.get("recipients", []))
    }


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: HMAC-SHA256 of "timestamp\\nsecret", base64, URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def _post_webhook(channel: WebhookChannel, payload: Mapping[str, Any]) -> None:
    url = channel.url
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise ValueError("Webhook 地址必须以 http:// 或 https:// 开头")
    if channel.kind == WebhookKind.DINGTALK and channel.secret:
        url = dingtalk_signed_url(url, channel.secret, int(time.time() * 1000))
    data = json.dumps(webhook_body(channel.kind, payload), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310
        text = response.read().decode("utf-8", "replace")
    # WeCom and DingTalk answer HTTP 200 with {"errcode": 0}; anything else is a failure.
    try:
        answer = json.loads(text) if text.strip() else {}
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        raise RuntimeError(f"errcode={answer.get('errcode')} {answer.get('errmsg', '')}")


# --- reads ------------------------------------------------------------------------------------


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = visible_to(Notification.objects.all(), user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: User) -> int:
    return notifications_for(user, unread_only=True).count()


def notification_for_user(user: User, pk: int) -> Notification:
    """The user's own notification, or 404 (someone else's is never revealed)."""
    return get_for_user(Notification.objects.all(), user, pk)


# --- writes -----------------------------------------------------------------------------------
# Reading a notification is personal state, not a change to the bureau's records: not audited.


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user: User) -> int:
    return notifications_for(user, unread_only=True).update(read_at=timezone.now())


@transaction.atomic
def preference_update(
    *,
    user: User,
    email_enabled: bool,
    webhook_enabled: bool,
    muted_categories: list[str],
) -> NotificationPreference:
    pref = preference_for(user)
    before = {
        "email_enabled": pref.email_enabled,
        "webhook_enabled": pref.webhook_enabled,
        "muted_categories": list(pref.muted_categories or []),
    }
    pref.email_enabled = email_enabled
    pref.webhook_enabled = webhook_enabled
    pref.muted_categories = sorted(set(muted_categories))
    pref.save()
    after = {
        "email_enabled": email_enabled,
        "webhook_enabled": webhook_enabled,
        "muted_categories": pref.muted_categories,
    }
    audit.record(
        actor=user,
        action="notification_preference.update",
        obj=pref,
        changes=audit.diff(before, after),
    )
    return pref
