"""A notification that names an appeal goes only to the unit's people who may open it: a
liaison officer of the unit sees his own firms alone (found by the scope audit, session 37)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kaifang.core.models import Notification
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.servicedesk import actions

pytestmark = pytest.mark.django_db


def test_a_routed_appeal_is_announced_to_those_of_the_unit_who_see_it(city: Any) -> None:
    firm = EnterpriseFactory(name="东城保密外贸有限公司", district=city.district_a)
    appeal = actions.appeal_create(
        actor=city.officer,
        enterprise_name=firm.name,
        uscc=firm.uscc,
        category="customs",
        description="出口通关查验时间过长，希望协调。",
        source="phone",
        contact_name="王经理",
        contact_phone="13800000000",
    )
    actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    liaison = Client()
    liaison.force_login(city.liaison)
    assert liaison.get(f"/servicedesk/appeals/{appeal.pk}/").status_code == 404
    assert not Notification.objects.filter(recipient=city.liaison).exists()
    assert firm.name not in liaison.get("/notifications/").content.decode()
    # the district's own staff, who handle it, are told
    told = Notification.objects.get(recipient=city.district_a_user)
    assert firm.name in told.body
