"""Unit pages: listing within scope, and administrators' changes audited."""

from __future__ import annotations

import pytest
from django.test import Client

from kaifang.core.models import AuditEntry, Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_unit_list_shows_only_scope(city, client: Client):
    client.force_login(city.district_b_user)
    page = client.get("/units/").content.decode()
    assert "西城区商务局" in page
    assert "东城区商务局" not in page


def test_anonymous_is_sent_to_login(city, client: Client):
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_create_update_delete_are_audited(city, client: Client):
    client.force_login(city.admin)
    response = client.post(
        "/units/new/",
        {"name": "南城区商务局", "kind": UnitKind.DISTRICT, "parent": city.bureau.pk, "order": 3},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="南城区商务局")
    client.post(
        f"/units/{unit.pk}/edit/",
        {
            "name": "南城区商务和投资促进局",
            "kind": UnitKind.DISTRICT,
            "parent": city.bureau.pk,
            "order": 3,
        },
    )
    client.post(f"/units/{unit.pk}/delete/")
    actions = list(
        AuditEntry.objects.filter(object_id=str(unit.pk), object_type="core.unit")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["unit.create", "unit.update", "unit.delete"]
    update = AuditEntry.objects.get(action="unit.update", object_id=str(unit.pk))
    assert update.changes["name"] == ["南城区商务局", "南城区商务和投资促进局"]
    assert update.actor == city.admin
    assert not Unit.objects.filter(pk=unit.pk).exists()


def test_duplicate_name_is_refused_in_chinese(city, client: Client):
    client.force_login(city.admin)
    response = client.post(
        "/units/new/", {"name": "西城区商务局", "kind": UnitKind.DISTRICT, "order": 0}
    )
    assert response.status_code == 200
    assert "已存在" in response.content.decode()


def test_unit_cannot_become_its_own_descendant(city, client: Client):
    client.force_login(city.admin)
    response = client.post(
        f"/units/{city.district_a.pk}/edit/",
        {
            "name": city.district_a.name,
            "kind": UnitKind.DISTRICT,
            "parent": city.district_a_park.pk,
            "order": 0,
        },
    )
    assert "上级单位不能是本单位或其下级单位" in response.content.decode()


def test_non_staff_cannot_edit(city, client: Client):
    client.force_login(city.district_a_user)
    response = client.get(f"/units/{city.district_a.pk}/edit/")
    assert response.status_code == 302  # to the admin login


def test_audit_page_is_admin_only(city, client: Client):
    client.force_login(city.leader)
    assert client.get("/audit/").status_code == 302
    client.force_login(city.admin)
    assert client.get("/audit/").status_code == 200
