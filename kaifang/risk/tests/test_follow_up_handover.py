"""A risk follow-up is scoped through its enterprise: after a handover the former liaison
officer no longer sees it (list, workbench, scenario count), the new one does (found by the
scope audit, session 37)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from kaifang.core.tests.factories import UserFactory
from kaifang.enterprises import actions as enterprise_actions
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.risk.models import FollowUp, Scenario

pytestmark = pytest.mark.django_db


def test_a_follow_up_passes_to_the_new_liaison_officer_on_handover(city: Any) -> None:
    firm = EnterpriseFactory(
        name="东城移交出口企业", district=city.district_a, liaison=city.liaison
    )
    scenario = Scenario.objects.create(
        name="东城关税情景", unit=city.district_a, created_by=city.district_a_user
    )
    FollowUp.objects.create(
        scenario=scenario, enterprise=firm, liaison=city.liaison, rank=1, exposed=Decimal("1234567")
    )
    former = Client()
    former.force_login(city.liaison)
    assert firm.name in former.get("/risk/my-visits/").content.decode()  # before: his

    successor = UserFactory(
        username="liaison_new", unit=city.district_a, roles=list(city.liaison.roles.all())
    )
    enterprise_actions.enterprise_update(
        actor=city.district_a_user, enterprise=firm, liaison=successor
    )
    assert former.get(f"/enterprises/{firm.pk}/").status_code == 404
    assert firm.name not in former.get("/risk/my-visits/").content.decode()
    assert firm.name not in former.get("/").content.decode()  # the workbench panel
    new = Client()
    new.force_login(successor)
    assert firm.name in new.get("/risk/my-visits/").content.decode()
    assert firm.name in new.get("/").content.decode()
