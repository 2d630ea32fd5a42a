"""Tasks ↔ enterprises: the picker on the task form (search within scope), the links saved and
audited, and the 督办事项 panel on the enterprise profile, scoped to the viewer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kaifang.core.models import AuditEntry
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.supervision.tests.conftest import make_task

pytestmark = pytest.mark.django_db


def edit_data(task, enterprises):
    return {
        "title": task.title,
        "lead_unit": task.lead_unit_id,
        "co_units": [],
        "leader": "",
        "officer": task.officer_id or "",
        "report_cycle": "monthly",
        "report_day": 25,
        "priority": "normal",
        "tags": "",
        "enterprises": [e.pk for e in enterprises],
    }


@pytest.fixture
def firms(city):
    east = EnterpriseFactory(name="东城华信进出口有限公司", district=city.district_a)
    west = EnterpriseFactory(name="西城远航国际贸易有限公司", district=city.district_b)
    return east, west


def test_office_links_enterprises_on_the_task_form(city, firms, client: Client):
    east, west = firms
    task = make_task(city)
    client.force_login(city.officer)
    response = client.post(f"/supervision/tasks/{task.pk}/edit/", edit_data(task, [east, west]))
    assert response.status_code == 302
    assert set(task.enterprises.all()) == {east, west}
    entry = AuditEntry.objects.filter(action="supervision.task.update").latest("id")
    assert sorted(entry.changes["enterprises"][1]) == sorted([east.name, west.name])
    form = client.get(f"/supervision/tasks/{task.pk}/edit/").content.decode()
    assert f'value="{east.pk}" checked' in form and east.uscc in form
    detail = client.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert east.name in detail and west.name in detail


def test_search_by_name_and_uscc_within_scope(city, firms, client: Client):
    east, west = firms
    client.force_login(city.officer)
    by_name = client.get("/supervision/enterprise-search/", {"enterprise_q": "华信"})
    assert east.name in by_name.content.decode() and west.name not in by_name.content.decode()
    by_code = client.get("/supervision/enterprise-search/", {"enterprise_q": west.uscc.lower()})
    assert west.name in by_code.content.decode()
    # A district user finds only the enterprises of its own district.
    client.force_login(city.district_a_user)
    found = client.get("/supervision/enterprise-search/", {"enterprise_q": "有限公司"})
    assert east.name in found.content.decode() and west.name not in found.content.decode()


def test_form_refuses_an_enterprise_outside_the_editors_scope(city, firms):
    from kaifang.supervision.forms import TaskEditForm

    east, west = firms
    task = make_task(city)
    form = TaskEditForm(edit_data(task, [west]), user=city.district_a_user, task=task)
    assert not form.is_valid() and "enterprises" in form.errors
    assert TaskEditForm(edit_data(task, [east]), user=city.district_a_user, task=task).is_valid()


def test_profile_panel_lists_tasks_with_light_within_scope(city, firms, client: Client):
    east, _ = firms
    own = make_task(city, title="东城区跟踪华信订单", deadline=dt.date(2026, 12, 31))
    other = make_task(
        city, title="西城区协调华信物流", lead=city.district_b, deadline=dt.date(2026, 12, 31)
    )
    own.enterprises.add(east)
    other.enterprises.add(east)

    client.force_login(city.officer)
    page = client.get(f"/enterprises/{east.pk}/").content.decode()
    assert 'id="panel-supervision"' in page
    assert "东城区跟踪华信订单" in page and "西城区协调华信物流" in page
    assert "正常推进" in page or "临期预警" in page or "逾期" in page

    client.force_login(city.district_a_user)
    page = client.get(f"/enterprises/{east.pk}/").content.decode()
    assert "东城区跟踪华信订单" in page
    assert "西城区协调华信物流" not in page


def test_panel_shows_the_light_of_an_overdue_task(city, firms, client: Client):
    east, _ = firms
    late = make_task(city, title="逾期的华信事项", deadline=dt.date(2020, 1, 10))
    late.enterprises.add(east)
    client.force_login(city.district_a_user)
    page = client.get(f"/enterprises/{east.pk}/").content.decode()
    panel = page.split('id="panel-supervision"')[1].split("</section>")[0]
    assert "逾期的华信事项" in panel and "tag-red" in panel


def test_panel_says_what_to_do_when_empty(city, firms, client: Client):
    east, _ = firms
    client.force_login(city.district_a_user)
    page = client.get(f"/enterprises/{east.pk}/").content.decode()
    assert "没有涉及该企业的督办事项" in page


def test_office_links_parks_and_only_parks(city, firms, client: Client):
    task = make_task(city)
    client.force_login(city.officer)
    data = edit_data(task, [])
    data["parks"] = [city.district_a_park.pk]
    response = client.post(f"/supervision/tasks/{task.pk}/edit/", data)
    assert response.status_code == 302
    assert list(task.parks.all()) == [city.district_a_park]
    detail = client.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert "东城经开区管委会" in detail
    # A district (not a park) is refused by the form.
    data["parks"] = [city.district_b.pk]
    response = client.post(f"/supervision/tasks/{task.pk}/edit/", data)
    assert response.status_code == 200
    assert list(task.parks.all()) == [city.district_a_park]
