"""A liaison officer's workbench opens with 「我包联的企业」, not yet visited this quarter first,
each with a one-tap 记录走访; the enterprise page shows 记录走访 before everything else."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.servicedesk.models import Visit
from kaifang.servicedesk.selectors import my_enterprises

TODAY = dt.date(2026, 11, 20)  # fourth quarter starts 2026-10-01


def visit(enterprise, officer, day):
    v = Visit.objects.create(enterprise=enterprise, visited_on=day, created_by=officer)
    v.officers.add(officer)
    return v


@pytest.fixture
def mine(city):
    a = city.district_a
    done = EnterpriseFactory(name="甲已走访", district=a, liaison=city.liaison)
    stale = EnterpriseFactory(name="乙上季度走访", district=a, liaison=city.liaison)
    never = EnterpriseFactory(name="丙从未走访", district=a, liaison=city.liaison)
    EnterpriseFactory(name="丁别人包联", district=a, liaison=city.district_a_user)
    visit(done, city.liaison, dt.date(2026, 10, 15))
    visit(stale, city.liaison, dt.date(2026, 8, 3))
    return done, stale, never


def test_not_visited_this_quarter_come_first(city, mine):
    done, stale, never = mine
    rows = my_enterprises(city.liaison, TODAY)
    assert [r.enterprise for r in rows] == [never, stale, done]
    assert [r.visited_this_quarter for r in rows] == [False, False, True]


@time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC))
def test_workbench_opens_with_my_enterprises_and_one_tap_visit(city, mine, client: Client):
    _, _, never = mine
    client.force_login(city.liaison)
    html = client.get("/").content.decode()
    assert "我包联的企业" in html
    panel = html[html.index('id="panel-liaison-title"') :]
    first_panel = re.search(r'<section class="card [^"]*"', html)
    assert first_panel is not None and "panel-liaison" in first_panel.group(0)
    order = [panel.index(n) for n in ("丙从未走访", "乙上季度走访", "甲已走访")]
    assert order == sorted(order)
    assert "丁别人包联" not in panel
    assert f'href="/servicedesk/visits/new/{never.pk}/">记录走访</a>' in panel
    assert "尚未走访 <strong>2</strong> 家" in panel


def test_no_panel_for_someone_who_is_nobodys_liaison(city, mine, client: Client):
    client.force_login(city.district_b_user)
    assert "我包联的企业" not in client.get("/").content.decode()


def test_enterprise_page_puts_record_visit_first(city, mine, client: Client):
    done, _, _ = mine
    client.force_login(city.liaison)
    html = client.get(f"/enterprises/{done.pk}/").content.decode()
    button = f'id="action-visit" href="/servicedesk/visits/new/{done.pk}/">记录走访</a>'
    assert button in html
    assert html.index(button) < html.index("编辑档案") < html.index('id="identity"')
