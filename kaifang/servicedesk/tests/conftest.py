from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.servicedesk import actions
from kaifang.servicedesk.models import Category, Source

TZ = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


@pytest.fixture
def firm(city):
    return EnterpriseFactory(name="东城精密机械进出口有限公司", district=city.district_a)


@pytest.fixture
def firm_b(city):
    return EnterpriseFactory(name="西城纺织品进出口有限公司", district=city.district_b)


@pytest.fixture
def make_appeal(city):
    def make(
        enterprise,
        *,
        when=None,
        category=Category.CUSTOMS,
        description="出口货物通关查验时间过长，影响交货期，希望协调海关加快查验。",
        source=Source.PHONE,
        actor=None,
        **kw,
    ):
        return actions.appeal_create(
            actor=actor or city.officer,
            enterprise_name=enterprise.name,
            uscc=enterprise.uscc,
            category=category,
            description=description,
            source=source,
            contact_name="王经理",
            contact_phone="13800000000",
            at=when,
            **kw,
        )

    return make


@pytest.fixture
def accepted(city, firm, make_appeal):
    """An appeal routed to district A and accepted there, in progress."""

    def make(when=None, **kw):
        appeal = make_appeal(firm, when=when, **kw)
        appeal = actions.appeal_route(
            appeal=appeal, actor=city.officer, unit=city.district_a, at=when
        )
        appeal = actions.appeal_accept(appeal=appeal, actor=city.district_a_user, at=when)
        return actions.appeal_start(appeal=appeal, actor=city.district_a_user, at=when)

    return make


__all__ = ["at", "synthetic_uscc"]
