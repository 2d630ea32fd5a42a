"""Notifications: in-app rows and the bell, e-mail to a fake SMTP server, group-robot posts
to a fake webhook endpoint, preferences, and that nobody reads another's notifications."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest
from django.test import Client

from kaifang.core.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationLevel,
    NotificationPreference,
    WebhookChannel,
    WebhookKind,
)
from kaifang.core.notifications import dingtalk_signed_url, notify, retry_failed
from kaifang.core.tests.fakes import FakeSMTP, FakeWebhook, serve
from kaifang.core.tests.queue import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    server = FakeSMTP()
    serve(server)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_ENABLED = True
    settings.DEFAULT_FROM_EMAIL = "kaifang@bureau.example"
    settings.SITE_URL = "https://kaifang.example"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def webhook(settings):
    server = FakeWebhook()
    serve(server)
    settings.SITE_URL = "https://kaifang.example"
    yield server
    server.shutdown()
    server.server_close()


def _bell_count(client: Client) -> int:
    html = client.get("/notifications/bell/").content.decode()
    found = re.search(r'data-unread="(\d+)"', html)
    return int(found.group(1)) if found else 0


def test_notify_sends_email_through_smtp_after_commit(
    city, smtp, django_capture_on_commit_callbacks
):
    city.officer.email = "officer@bureau.example"
    city.officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            recipients=[city.officer],
            title="新诉求待受理",
            body="示范科技有限公司反映出口退税进度问题。",
            url="/appeals/12/",
            category="system",
            level=NotificationLevel.WARNING,
        )
    assert len(rows) == 1 and Notification.objects.count() == 1
    assert smtp.messages == []  # nothing sent inside the request
    assert run_queued_tasks() == ["kaifang.core.notifications.deliver"]
    [message] = smtp.messages
    assert message["Subject"] == "【开放通】新诉求待受理"
    assert message["To"] == "officer@bureau.example"
    text = message.get_content()
    assert "示范科技有限公司反映出口退税进度问题。" in text
    assert "https://kaifang.example/appeals/12/" in text
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1


def test_wecom_robot_receives_markdown(city, webhook, django_capture_on_commit_callbacks):
    WebhookChannel.objects.create(
        name="外贸工作群", url=f"{webhook.url}/wecom", kind=WebhookKind.WECOM
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[city.officer, city.district_a_user],
            title="督办事项即将到期",
            body="综保区申建材料报送\n还有 3 个工作日",
            url="/tasks/5/",
            category="system",
        )
    run_queued_tasks()
    [post] = webhook.posts
    assert post["path"] == "/wecom"
    assert post["content_type"].startswith("application/json")
    assert post["json"]["msgtype"] == "markdown"
    content = post["json"]["markdown"]["content"]
    assert content.startswith("**督办事项即将到期**\n> 综保区申建材料报送\n> 还有 3 个工作日")
    assert f"通知对象：{city.officer.display_name}、{city.district_a_user.display_name}" in content
    assert "[查看详情](https://kaifang.example/tasks/5/)" in content
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_dingtalk_robot_gets_signed_markdown(city, webhook, django_capture_on_commit_callbacks):
    secret = "SEC0123456789abcdef"
    WebhookChannel.objects.create(
        name="钉钉群",
        url=f"{webhook.url}/robot/send?access_token=abc",
        kind=WebhookKind.DINGTALK,
        secret=secret,
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[city.officer], title="月度简报已生成", body="请审阅。", category="system"
        )
    run_queued_tasks()
    [post] = webhook.posts
    assert post["json"] == {
        "msgtype": "markdown",
        "markdown": {
            "title": "月度简报已生成",
            "text": f"#### 月度简报已生成\n\n请审阅。\n\n通知对象：{city.officer.display_name}",
        },
    }
    query = post["query"]
    assert query["access_token"] == "abc"
    expected = base64.b64encode(
        hmac.new(
            secret.encode(), f"{query['timestamp']}\n{secret}".encode(), hashlib.sha256
        ).digest()
    ).decode()
    assert query["sign"] == expected


def test_dingtalk_sign_matches_the_documented_algorithm():
    url = dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=x", "SECabc", 1700000000000
    )
    digest = hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()
    sign = (
        base64.b64encode(digest)
        .decode()
        .replace("+", "%2B")
        .replace("/", "%2F")
        .replace("=", "%3D")
    )
    assert (
        url
        == f"https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=1700000000000&sign={sign}"
    )


def test_generic_webhook_and_category_filter(city, webhook, django_capture_on_commit_callbacks):
    WebhookChannel.objects.create(name="通用", url=f"{webhook.url}/g", kind=WebhookKind.GENERIC)
    WebhookChannel.objects.create(
        name="只要诉求", url=f"{webhook.url}/appeals", kind=WebhookKind.GENERIC, categories="appeal"
    )
    WebhookChannel.objects.create(
        name="停用", url=f"{webhook.url}/off", kind=WebhookKind.GENERIC, is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[city.officer], title="自检完成", body="", url="/jobs/", category="jobs")
    run_queued_tasks()
    [post] = webhook.posts
    assert post["path"] == "/g"
    assert post["json"] == {
        "title": "自检完成",
        "body": "",
        "url": "https://kaifang.example/jobs/",
        "level": "info",
        "category": "jobs",
        "recipients": [city.officer.display_name],
    }


def test_failed_webhook_is_recorded_and_retried(city, webhook, django_capture_on_commit_callbacks):
    WebhookChannel.objects.create(name="企微", url=f"{webhook.url}/w", kind=WebhookKind.WECOM)
    webhook.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[city.officer], title="测试", category="system")
    run_queued_tasks()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert "93000" in delivery.error
    webhook.answer = {"errcode": 0, "errmsg": "ok"}
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed() == 1
    run_queued_tasks()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert len(webhook.posts) == 2


def test_unreachable_smtp_is_a_failed_delivery_not_an_error(
    city, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_ENABLED = True
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    city.officer.email = "officer@bureau.example"
    city.officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[city.officer], title="测试", category="system")
    run_queued_tasks()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.error


def test_preferences_switch_channels_off_and_mute_categories(
    city, smtp, webhook, django_capture_on_commit_callbacks
):
    WebhookChannel.objects.create(name="企微", url=f"{webhook.url}/w", kind=WebhookKind.WECOM)
    for user in (city.officer, city.leader):
        user.email = f"{user.username}@bureau.example"
        user.save()
    NotificationPreference.objects.create(
        user=city.officer, email_enabled=False, webhook_enabled=False
    )
    NotificationPreference.objects.create(user=city.leader, muted_categories=["jobs"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[city.officer, city.leader], title="任务完成", category="jobs")
        notify(recipients=[city.officer, city.leader], title="系统维护", category="system")
    run_queued_tasks()
    # In-app is always on: four rows.
    assert Notification.objects.count() == 4
    assert [m["Subject"] for m in smtp.messages] == ["【开放通】系统维护"]
    assert smtp.envelopes[0][1] == ["leader@bureau.example"]
    [post] = webhook.posts
    assert "系统维护" in post["json"]["markdown"]["content"]
    assert city.officer.display_name not in post["json"]["markdown"]["content"]


def test_preferences_page_saves_and_audits(city, client: Client):
    client.force_login(city.officer)
    page = client.get("/notifications/settings/").content.decode()
    assert "后台任务" in page and "站内通知始终开启" in page
    response = client.post(
        "/notifications/settings/", {"email_enabled": "on", "muted_categories": ["jobs"]}
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=city.officer)
    assert pref.email_enabled and not pref.webhook_enabled and pref.muted_categories == ["jobs"]
    from kaifang.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="notification_preference.update").exists()


def test_notify_refuses_external_urls(city):
    with pytest.raises(ValueError):
        notify(recipients=[city.officer], title="x", url="https://evil.example/")


def test_bell_count_follows_notify_and_mark_read(city, client: Client):
    client.force_login(city.officer)
    assert _bell_count(client) == 0
    notify(recipients=[city.officer], title="第一条", category="system")
    notify(recipients=[city.officer], title="第二条", category="system")
    notify(recipients=[city.leader], title="别人的", category="system")
    assert _bell_count(client) == 2
    bell = client.get("/notifications/bell/").content.decode()
    assert 'hx-trigger="every 30s"' in bell and 'hx-get="/notifications/bell/"' in bell
    page = client.get("/").content.decode()
    assert 'data-unread="2"' in page  # the bell in the top bar of every page
    assert "最新通知" in page and "第一条" in page and "别人的" not in page
    first = Notification.objects.get(title="第一条")
    client.post(f"/notifications/{first.pk}/read/")
    assert _bell_count(client) == 1
    client.post("/notifications/read-all/")
    assert _bell_count(client) == 0
    assert Notification.objects.get(title="别人的").read_at is None


def test_list_filters_unread_and_paginates(city, client: Client, django_assert_max_num_queries):
    for i in range(25):
        notify(recipients=[city.officer], title=f"通知{i:02d}", category="system")
    Notification.objects.filter(title="通知24").update(read_at="2026-11-26T10:00:00+08:00")
    client.force_login(city.officer)
    with django_assert_max_num_queries(12):
        page = client.get("/notifications/").content.decode()
    assert "通知24" in page and "通知04" not in page and "第 1/2 页" in page
    unread = client.get("/notifications/?filter=unread").content.decode()
    assert "通知24" not in unread and "通知23" in unread


def test_empty_list_says_what_happens_next(city, client: Client):
    client.force_login(city.officer)
    page = client.get("/notifications/").content.decode()
    assert "暂无通知" in page


def test_open_marks_read_and_follows_the_link(city, client: Client):
    [row] = notify(recipients=[city.officer], title="去看看", url="/jobs/", category="system")
    client.force_login(city.officer)
    response = client.get(f"/notifications/{row.pk}/")
    assert response.status_code == 302 and response["Location"] == "/jobs/"
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize("who", ["district_b_user", "leader", "admin"])
def test_nobody_reads_or_marks_another_users_notification(city, client: Client, who):
    [row] = notify(recipients=[city.officer], title="内部提醒：仅本人可见", category="system")
    client.force_login(getattr(city, who))
    assert client.get(f"/notifications/{row.pk}/").status_code == 404
    assert client.post(f"/notifications/{row.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    assert "内部提醒" not in client.get("/notifications/").content.decode()
    row.refresh_from_db()
    assert row.read_at is None
