"""The calendar in the interface: the administrators' warning on every page, the admin pages
where the schedule is entered, and the 「暂定」 tag on provisional dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.test import Client
from django.utils import formats

from kaifang.core import calendar
from kaifang.core.models import AuditEntry, CalendarDay, CalendarDayKind, CalendarYear

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
LATE_2026 = dt.datetime(2026, 11, 26, 9, tzinfo=SHANGHAI)
WARNING_2027 = "2027 年节假日安排尚未录入，涉及 2027 年的期限按周一至周五临时计算"


def enter_2027(client: Client, **extra: str) -> object:
    data = {
        "year": "2027",
        "is_complete": "on",
        "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "days-TOTAL_FORMS": "2",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-01-01",
        "days-0-kind": CalendarDayKind.HOLIDAY,
        "days-0-name": "元旦",
        "days-1-date": "2027-02-20",
        "days-1-kind": CalendarDayKind.MAKEUP_WORKDAY,
        "days-1-name": "春节",
        **extra,
    }
    return client.post("/admin/core/calendaryear/add/", data)


@time_machine.travel(LATE_2026, tick=False)
def test_warning_on_every_page_for_administrators_only(city, client: Client):
    client.force_login(city.admin)
    for url in ["/", "/profile/", "/units/", "/admin/"]:
        page = client.get(url).content.decode()
        assert WARNING_2027 in page, url
        assert "/admin/core/calendaryear/add/?year=2027" in page
    for user in [city.officer, city.leader, city.district_a_user]:
        client.force_login(user)
        assert WARNING_2027 not in client.get("/").content.decode()


@time_machine.travel(LATE_2026, tick=False)
def test_warning_disappears_once_2027_is_entered(city, client: Client):
    client.force_login(city.admin)
    response = enter_2027(client)
    assert response.status_code == 302, response.content.decode()
    assert CalendarYear.objects.get(year=2027).is_complete
    assert CalendarDay.objects.filter(year=2027).count() == 2
    assert WARNING_2027 not in client.get("/").content.decode()
    assert calendar.is_workday(dt.date(2027, 2, 20))  # the Saturday make-up day
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"calendar_year.create", "calendar_day.save"} <= actions


@time_machine.travel(LATE_2026, tick=False)
def test_an_incomplete_year_still_warns_and_links_to_its_page(city, client: Client):
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    client.force_login(city.admin)
    page = client.get("/").content.decode()
    assert WARNING_2027 in page
    assert "/admin/core/calendaryear/2027/change/" in page


@time_machine.travel(LATE_2026, tick=False)
def test_cannot_mark_a_year_complete_with_nothing_entered(city, client: Client):
    client.force_login(city.admin)
    response = enter_2027(client, **{"days-TOTAL_FORMS": "0"})
    assert response.status_code == 200
    assert "请先录入后再勾选" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_make_up_day_on_a_weekday_is_rejected(city, client: Client):
    client.force_login(city.admin)
    response = client.post(
        "/admin/core/calendarday/add/",
        {"date": "2027-03-03", "kind": CalendarDayKind.MAKEUP_WORKDAY, "name": "春节"},
    )
    assert response.status_code == 200
    assert "调休上班日应为周六或周日" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_calendar_admin_pages_are_in_chinese(city, client: Client):
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    client.force_login(city.admin)
    years = client.get("/admin/core/calendaryear/").content.decode()
    assert "年度节假日安排" in years
    assert "未内置，需人工录入" in years
    listing = client.get("/admin/core/calendarday/").content.decode()
    assert "周五" in listing
    assert "放假" in listing


@time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI), tick=False)
def test_next_year_is_what_matters_not_the_season(city, client: Client):
    client.force_login(city.admin)
    assert WARNING_2027 in client.get("/").content.decode()


@time_machine.travel(dt.datetime(2025, 6, 2, 9, tzinfo=SHANGHAI), tick=False)
def test_no_warning_when_next_year_is_in_the_package(city, client: Client):
    client.force_login(city.admin)
    assert "节假日安排尚未录入" not in client.get("/").content.decode()


@time_machine.travel(LATE_2026, tick=False)
def test_a_deadline_reaching_further_adds_its_year(city, client: Client, monkeypatch):
    monkeypatch.setattr(calendar, "_deadline_providers", [])
    calendar.register_deadline_years(lambda: [2028, 2020])
    assert calendar.years_needing_schedule() == [2027, 2028]
    client.force_login(city.admin)
    assert "2028 年节假日安排尚未录入" in client.get("/").content.decode()


def render(value: object) -> str:
    return Template("{% load workdays %}{{ value|workday_date }}").render(Context({"value": value}))


def test_provisional_dates_carry_a_tag():
    provisional = calendar.add_workdays_checked(dt.date(2026, 12, 25), 10)
    assert "暂定" in render(provisional)
    assert 'datetime="2027-01-08"' in render(provisional)
    official = calendar.add_workdays_checked(dt.date(2026, 9, 30), 1)
    shown = formats.date_format(dt.date(2026, 10, 8), "DATE_FORMAT")  # the site's date format
    assert render(official) == f'<time datetime="2026-10-08">{shown}</time>'
    assert "暂定" in render(dt.date(2027, 5, 6))  # a stored due date
    assert "暂定" not in render(dt.date(2026, 5, 6))
    assert render(None) == ""
