"""The briefing's appeals paragraph: the month's appeals, resolved, on time, satisfaction."""

from __future__ import annotations

import pytest

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.reports.briefing import _appeals_section
from kaifang.servicedesk import actions
from kaifang.servicedesk.models import Category, Source
from kaifang.servicedesk.tests.conftest import at

pytestmark = pytest.mark.django_db


def _appeal(city, firm, when):
    appeal = actions.appeal_create(
        actor=city.officer,
        enterprise_name=firm.name,
        uscc=firm.uscc,
        category=Category.CUSTOMS,
        description="出口货物通关查验时间过长，影响交货期，希望协调海关加快查验。",
        source=Source.PHONE,
        contact_name="王经理",
        contact_phone="13800000000",
        at=when,
    )
    appeal = actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a, at=when)
    return actions.appeal_accept(appeal=appeal, actor=city.district_a_user, at=when)


def test_the_paragraph_counts_the_months_appeals_and_the_resolved_on_time(city):
    firm = EnterpriseFactory(name="东城精密机械进出口有限公司", district=city.district_a)
    done = _appeal(city, firm, at(2026, 11, 4))
    actions.appeal_start(appeal=done, actor=city.district_a_user, at=at(2026, 11, 4))
    done.refresh_from_db()
    actions.appeal_resolve(
        appeal=done, actor=city.district_a_user, resolution="已协调办结。", at=at(2026, 11, 6)
    )
    _appeal(city, firm, at(2026, 11, 20))  # still open
    _appeal(city, firm, at(2026, 10, 31))  # the month before
    text = " ".join(_appeals_section(2026, 11).paragraphs)
    assert "受理企业诉求2件，办结1件，按期办结率100.0%" in text and "在办1件" in text
