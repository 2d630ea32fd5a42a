"""The scope gate on every zones route: district B gets 404 on district A's objects and does
not see them in lists or exports; anonymous is sent to login; district A and the bureau see
them. (The shared route matrix declares the same rows in routes.py.)"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

OBJECT_PAGES = [
    ("zones:platform_detail", "platform"),
    ("zones:platform_kpi", "platform"),
    ("zones:platform_kpi_export", "platform"),
    ("zones:platform_edit", "platform"),
    ("zones:park_detail", "park"),
    ("zones:park_edit", "park"),
    ("zones:park_enterprises_export", "park"),
    ("zones:park_kpi", "park"),
    ("zones:park_kpi_export", "park"),
    ("zones:project_detail", "project"),
    ("zones:project_edit", "project"),
]
OBJECT_POSTS = [
    ("zones:platform_status", "platform"),
    ("zones:milestone_add", "platform"),
    ("zones:platform_kpi_import", "platform"),
    ("zones:platform_target", "platform"),
    ("zones:platform_enterprises", "platform"),
    ("zones:platform_appeal_raise", "platform"),
    ("zones:platform_appeal_link", "platform"),
    ("zones:park_output", "park"),
    ("zones:park_team_add", "park"),
    ("zones:park_kpi", "park"),
    ("zones:park_kpi_import", "park"),
    ("zones:park_target", "park"),
    ("zones:project_move", "project"),
    ("zones:project_problem", "project"),
    ("zones:project_supervise", "project"),
]
LISTS = [
    ("zones:platform_list", "platform"),
    ("zones:park_list", "park"),
    ("zones:project_list", "project"),
    ("zones:project_reconcile", "project"),
]
EXPORTS = [
    ("zones:platform_export", "platform"),
    ("zones:park_export", "park"),
    ("zones:project_export", "project"),
    ("zones:project_reconcile_export", "project"),
]


def _obj(zone, name):
    return getattr(zone, name)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(c)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
    )


@pytest.mark.parametrize(("name", "attr"), OBJECT_PAGES)
def test_object_pages(city, zone, client: Client, name, attr):
    url = reverse(name, kwargs={"pk": _obj(zone, attr).pk})
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(city.district_b_user)
    assert client.get(url).status_code == 404
    client.force_login(city.district_a_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "attr"), OBJECT_POSTS)
def test_object_posts(city, zone, client: Client, name, attr):
    url = reverse(name, kwargs={"pk": _obj(zone, attr).pk})
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    client.force_login(city.district_b_user)
    assert client.post(url).status_code == 404


def test_nested_routes_404_for_district_b(city, zone, client: Client):
    milestone = zone.platform.milestones.create(title="节点", due="2030-01-01")
    member = zone.park.team.create(name="张三", role="组长")
    client.force_login(city.district_b_user)
    for url in (
        reverse("zones:milestone_done", args=[zone.platform.pk, milestone.pk]),
        reverse("zones:milestone_task", args=[zone.platform.pk, milestone.pk]),
        reverse("zones:park_team_remove", args=[zone.park.pk, member.pk]),
    ):
        assert client.post(url).status_code == 404
    milestone.refresh_from_db()
    assert milestone.done_on is None and milestone.task_ref is None


@pytest.mark.parametrize(("name", "attr"), LISTS)
def test_lists_hide_other_districts(city, zone, client: Client, name, attr):
    url = reverse(name)
    assert client.get(url).status_code == 302
    client.force_login(city.district_b_user)
    page = client.get(url)
    assert page.status_code == 200
    assert str(_obj(zone, attr)) not in page.content.decode()
    client.force_login(city.district_a_user)
    assert str(_obj(zone, attr)) in client.get(url).content.decode()


@pytest.mark.parametrize(("name", "attr"), EXPORTS)
def test_exports_hide_other_districts_and_are_audited(city, zone, client: Client, name, attr):
    from kaifang.core.models import AuditEntry

    url = reverse(name)
    assert client.get(url).status_code == 302
    client.force_login(city.district_b_user)
    response = client.get(url)
    assert response.status_code == 200
    assert str(_obj(zone, attr)) not in xlsx_text(response.content)
    client.force_login(city.leader)
    assert str(_obj(zone, attr)) in xlsx_text(client.get(url).content)
    assert AuditEntry.objects.filter(action__startswith="export.zones", actor=city.leader).exists()


def test_filters_offer_only_scoped_units_and_people(city, zone, client: Client):
    client.force_login(city.district_b_user)
    page = client.get(reverse("zones:project_list")).content.decode()
    assert city.district_a_park.name not in page
    assert city.officer.display_name not in page


def test_chain_pages_show_only_scoped_enterprises(city, zone, client: Client):
    zone.enterprise.industry = _industry("3421")
    zone.enterprise.save()
    url = reverse("zones:chain_segment", args=[zone.chain.pk, zone.segment.pk])
    client.force_login(city.district_a_user)
    assert zone.enterprise.name in client.get(url).content.decode()
    client.force_login(city.district_b_user)
    page = client.get(url)
    assert page.status_code == 200
    assert zone.enterprise.name not in page.content.decode()
    assert client.get(reverse("zones:chain_detail", args=[9999])).status_code == 404


def test_editors_only(city, zone, client: Client):
    client.force_login(city.leader)
    assert client.get(reverse("zones:platform_new")).status_code == 403
    assert client.get(reverse("zones:platform_edit", args=[zone.platform.pk])).status_code == 403
    client.force_login(city.district_a_user)
    assert client.get(reverse("zones:project_new")).status_code == 200


def _industry(code):
    from kaifang.core.models import Industry

    return Industry.objects.get_or_create(
        code=code, defaults={"name": f"行业{code}", "level": 4, "section_code": "C"}
    )[0]


def test_enterprise_profile_panel(city, zone, client: Client):
    zone.platform.enterprises.add(zone.enterprise)
    client.force_login(city.district_a_user)
    page = client.get(reverse("enterprises:detail", args=[zone.enterprise.pk])).content.decode()
    panel = page.split('id="zones-panel"', 1)[1]
    assert zone.platform.name in panel and zone.park.name in panel and zone.project.name in panel
