"""A read-only user (a leader) is offered no link to a change the server refuses: no 新增企业,
编辑 or 合并 in the register, and the create form itself answers 403 (found by the QA crawl,
session 37: a leader opened /enterprises/new/ and could have saved a firm)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_a_leader_sees_no_edit_links_and_may_not_create(city: Any) -> None:
    firm = EnterpriseFactory(name="东城只读公司", district=city.district_a)
    edit, merge = f"/enterprises/{firm.pk}/edit/", f"/enterprises/{firm.pk}/merge/"
    leader = Client()
    leader.force_login(city.leader)
    listing = leader.get("/enterprises/").content.decode()
    assert firm.name in listing and edit not in listing and "/enterprises/new/" not in listing
    assert edit not in leader.get(f"/enterprises/{firm.pk}/").content.decode()
    assert merge not in leader.get(f"/enterprises/{firm.pk}/").content.decode()
    assert leader.get("/enterprises/new/").status_code == 403
    assert leader.post("/enterprises/new/", {"name": "领导新建公司"}).status_code == 403
    assert not Enterprise.objects.filter(name="领导新建公司").exists()
    officer = Client()
    officer.force_login(city.officer)
    listing = officer.get("/enterprises/").content.decode()
    assert edit in listing and "/enterprises/new/" in listing
    assert merge in officer.get(f"/enterprises/{firm.pk}/").content.decode()
    assert officer.get("/enterprises/new/").status_code == 200
