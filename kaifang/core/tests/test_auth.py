"""Login, throttling, passwords and sessions, as a civil servant meets them: in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD
from kaifang.core.models import User

pytestmark = pytest.mark.django_db

WRONG_PASSWORD_MESSAGE = "用户名或密码不正确"
LOCKOUT_MESSAGE = "登录已暂时锁定"


def login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_login_page_is_in_chinese(db, client: Client):
    page = client.get("/login/").content.decode()
    for text in ["登录", "用户名", "密码", "开放通"]:
        assert text in page
    assert 'lang="zh-CN"' in page


def test_correct_password_logs_in(city, client: Client):
    response = login(client, "officer", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_in_chinese(city, client: Client):
    response = login(client, "officer", "not-the-password")
    assert response.status_code == 200
    assert WRONG_PASSWORD_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sixth_attempt_is_locked_out_even_with_the_right_password(city, client: Client):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert WRONG_PASSWORD_MESSAGE in login(client, "officer", "wrong").content.decode()
    # The fifth failure reaches the limit: axes answers with the lockout page at once.
    fifth = login(client, "officer", "wrong")
    assert fifth.status_code == 429
    assert LOCKOUT_MESSAGE in fifth.content.decode()

    sixth = login(client, "officer", PASSWORD)
    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert LOCKOUT_MESSAGE in page
    assert "15 分钟后再试" in page
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="officer").exists()


def test_lockout_is_per_user_and_address(city, client: Client):
    for _ in range(5):
        login(client, "officer", "wrong")
    # Another account from the same address is not locked.
    assert login(client, "leader", PASSWORD).status_code == 302


def test_success_resets_the_failure_count(city, client: Client):
    for _ in range(4):
        login(client, "officer", "wrong")
    assert login(client, "officer", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "officer", "wrong").status_code == 200


# --- Password change ---------------------------------------------------------------


def change_password(client: Client, new: str):
    return client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


def test_password_change_page_is_in_chinese(city, client: Client):
    client.force_login(city.officer)
    page = client.get("/password/").content.decode()
    for text in ["修改密码", "旧密码", "新密码", "至少需要 10 个字符", "字母、数字和符号"]:
        assert text in page
    assert "Your password" not in page


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Ab1!xyz", "密码太短，至少需要 10 个字符"),  # 7 characters
        ("abcdefghijkl", "密码必须同时包含字母、数字和符号"),  # letters only
        ("abcdefgh1234", "密码必须同时包含字母、数字和符号"),  # no symbol
        ("!@#$%^&*()12", "密码必须同时包含字母、数字和符号"),  # no letter
        ("1234567890", "密码只包含数字"),
        ("password1!", "这个密码太常见了"),  # in Django's list of common passwords
    ],
)
def test_weak_passwords_are_refused_with_chinese_reasons(city, client: Client, new, message):
    client.force_login(city.officer)
    response = change_password(client, new)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "This password" not in page  # no untranslated Django message
    city.officer.refresh_from_db()
    assert city.officer.check_password(PASSWORD)


def test_wrong_old_password_is_refused_in_chinese(city, client: Client):
    client.force_login(city.officer)
    response = client.post(
        "/password/",
        {"old_password": "wrong", "new_password1": "Zx9#qLm2!vR", "new_password2": "Zx9#qLm2!vR"},
    )
    assert "旧密码不正确" in response.content.decode()


def test_strong_password_is_accepted_and_keeps_the_session(city, client: Client):
    client.force_login(city.officer)
    response = change_password(client, "Zx9#qLm2!vR")
    assert response.status_code == 302
    assert response["Location"] == "/password/done/"
    assert User.objects.get(pk=city.officer.pk).check_password("Zx9#qLm2!vR")
    assert client.get("/").status_code == 200  # still logged in after the change


# --- Sessions and logout -------------------------------------------------------------


def test_sessions_expire_when_idle_and_at_browser_close(city, client: Client):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY
    response = login(client, "officer", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == ""  # a browser-session cookie, gone when the browser closes
    assert client.session.get_expiry_age() == 8 * 3600
    assert client.session.get_expire_at_browser_close()


def test_idle_expiry_refreshes_the_session_at_most_once_a_minute(city, client: Client):
    """The age counts from the last request, but a page view does not write the session each
    time (on SQLite a write waits for an import's whole transaction)."""
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        login(client, "officer", PASSWORD)
        first = Session.objects.get().expire_date
        clock.shift(dt.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
        assert Session.objects.get().expire_date == first
        clock.shift(dt.timedelta(seconds=40))
        assert client.get("/").status_code == 200
        refreshed = Session.objects.get().expire_date
        assert refreshed - first == dt.timedelta(seconds=70)
        clock.shift(dt.timedelta(hours=8, seconds=1))  # idle past the age: logged out
        assert client.get("/")["Location"].startswith("/login/")


def test_logout_is_post_only(city, client: Client):
    client.force_login(city.officer)
    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 200  # a GET (e.g. a prefetched link) did nothing
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/")["Location"].startswith("/login/")
