"""The administration pages of third-party apps read in Chinese (the project is zh-hans):
django-axes ships no zh-hans catalogue, so locale/zh_Hans and a named AppConfig supply it."""

from __future__ import annotations

import pytest
from django.test import Client

ENGLISH = [
    "Access attempts",
    "Access attempt",
    "Access logs",
    "Access failures",
    "Axes",
    "Attempt Time",
    "User Agent",
    "IP Address",
    "Failed Logins",
    "Successful tasks",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/axes/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
        "/admin/axes/accessfailurelog/",
        "/admin/django_q/",
        "/admin/django_q/success/",
    ],
)
def test_third_party_admin_pages_are_in_chinese(city, client: Client, path):
    client.force_login(city.admin)
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    found = [word for word in ENGLISH if f">{word}<" in html or f"{word} |" in html]
    assert found == []


@pytest.mark.django_db
def test_axes_names(city, client: Client):
    client.force_login(city.admin)
    html = client.get("/admin/axes/accessattempt/").content.decode()
    assert "登录安全" in html and "登录尝试" in html and "尝试时间" in html


def test_core_keeps_its_own_app_config():
    from django.apps import apps

    from kaifang.core.apps import CoreConfig

    assert type(apps.get_app_config("core")) is CoreConfig
    assert apps.get_app_config("axes").verbose_name == "登录安全"


@pytest.mark.django_db
def test_the_admin_index_headers_are_in_chinese(city, client: Client):
    """Django 5.2's index table headers are not in its zh_Hans catalogue (QA crawl, session 37)."""
    client.force_login(city.admin)
    html = client.get("/admin/").content.decode()
    assert "Model name" not in html and "Add link" not in html and "数据类型" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "chinese"),
    [
        ("/admin/django_q/schedule/add/", ["函数", "关键字参数", "此任务多久加入一次队列。"]),
        ("/admin/django_q/schedule/", ["名称", "函数", "计划类型"]),
    ],
)
def test_django_q_field_names_and_help_texts_are_in_chinese(city, client: Client, path, chinese):
    """django-q2's zh_Hans catalogue leaves its field names and help texts empty: the schedule
    form read Function / Keyword arguments / How often this task should be enqueued
    (UX review, 2026-12-05)."""
    from django_q.models import Schedule

    Schedule.objects.create(name="到期提醒", func="kaifang.core.tasks.noop")
    client.force_login(city.admin)
    html = client.get(path).content.decode()
    for english in ("Function", "Keyword arguments", "How often", "Time Taken", "Pickled"):
        assert english not in html, english
    for word in chinese:
        assert word in html, word


@pytest.mark.django_db
def test_the_group_page_names_permissions_in_chinese(city, client: Client):
    """Django stores permission names in English ("Can add Failed task", "Can view 企业");
    the group page's picker names them from the model's Chinese name instead."""
    client.force_login(city.admin)
    html = client.get("/admin/auth/group/add/").content.decode()
    assert "Can add" not in html and "Can view" not in html and "reminder log" not in html
    assert "后台任务队列 | 失败的任务 | 删除失败的任务" in html
    assert "政策库 | 到期提醒记录 | 查看到期提醒记录" in html


def test_a_permission_outside_the_four_default_actions_keeps_its_own_name():
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from kaifang.core.admin.accounts import permission_label
    from kaifang.core.models import Unit

    content_type = ContentType(app_label="core", model="unit")
    permission = Permission(codename="export_unit", name="导出组织机构", content_type=content_type)
    assert permission_label(permission) == f"基础平台 | {Unit._meta.verbose_name} | 导出组织机构"


@pytest.mark.django_db
def test_the_login_attempts_list_titles_its_columns_in_chinese(city, client: Client):
    """django-axes' 状态 column (remaining attempts or locked out) was titled "Status"."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="x", failures_since_start=2
    )
    client.force_login(city.admin)
    html = client.get("/admin/axes/accessattempt/").content.decode()
    assert "column-status" in html and ">Status<" not in html and ">状态<" in html
