"""Objects of district A for the zones tests: a platform, a park on district A's park unit,
a project and a chain, all made through the real actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.enterprises.models import Enterprise
from kaifang.zones import actions
from kaifang.zones.actions import parks as actions_parks
from kaifang.zones.models import Chain, ChainSegment, Park, Platform, PlatformKind, Project


@dataclass
class Zone:
    kind: PlatformKind
    platform: Platform
    park: Park
    project: Project
    enterprise: Enterprise
    chain: Chain
    segment: ChainSegment


def make_zone(city) -> Zone:
    kind = PlatformKind.objects.get(name="中欧/中亚班列")
    enterprise = Enterprise.objects.create(
        name="东城精密机床有限公司",
        uscc=synthetic_uscc(7301),
        district=city.district_a,
        park=city.district_a_park,
    )
    platform = actions.platform_create(
        actor=city.officer,
        name="东城中欧班列集结中心",
        kind=kind,
        district=city.district_a,
        park=city.district_a_park,
        unit=city.district_a,
        status_on=dt.date(2025, 1, 10),
    )
    park = actions_parks.park_create(
        actor=city.officer,
        name="东城经开区",
        kind="development",
        unit=city.district_a_park,
        district=city.district_a,
        tier="10b",
    )
    project = actions.project_create(
        actor=city.officer,
        name="东城德资精密轴承项目",
        direction="inbound",
        investor="某某轴承集团",
        district=city.district_a,
        park=city.district_a_park,
        officer=city.officer,
        enterprise=enterprise,
        actual_usd=Decimal("500"),
        lead_on=dt.date(2025, 3, 1),
    )
    chain = Chain.objects.create(name="高端装备")
    segment = ChainSegment.objects.create(
        chain=chain, position="mid", name="数控机床", industry_codes="3421", hs_headings="8457"
    )
    return Zone(kind, platform, park, project, enterprise, chain, segment)


@pytest.fixture
def zone(city) -> Zone:
    return make_zone(city)
