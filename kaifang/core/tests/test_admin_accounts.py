"""Administrators maintain units and users in the admin; changes are audited."""

from __future__ import annotations

import pytest
from django.test import Client

from kaifang.core.models import AuditEntry, Unit

pytestmark = pytest.mark.django_db


def test_admin_can_add_unit_and_it_is_audited(city, client: Client):
    client.force_login(city.admin)
    response = client.post(
        "/admin/core/unit/add/",
        {
            "name": "北城区商务局",
            "kind": "district",
            "parent": city.bureau.pk,
            "order": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    unit = Unit.objects.get(name="北城区商务局")
    assert AuditEntry.objects.filter(action="unit.create", object_id=str(unit.pk)).exists()


def test_user_and_unit_changelists_load_for_admin_only(city, client: Client):
    client.force_login(city.admin)
    for url in (
        "/admin/core/unit/",
        "/admin/core/user/",
        "/admin/core/role/",
        "/admin/core/auditentry/",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(city.district_a_user)
    assert client.get("/admin/core/user/").status_code == 302
