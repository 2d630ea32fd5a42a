"""List pages cost the same number of queries for one row or many (no N+1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.zones import actions
from kaifang.zones.models import PlatformKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_session_touch")]


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more(city, n: int) -> None:
    kind = PlatformKind.objects.get(name="综合保税区")
    for i in range(n):
        actions.platform_create(
            actor=city.officer,
            name=f"平台{i}",
            kind=kind,
            district=city.district_a,
            unit=city.division,
        )
        actions.project_create(
            actor=city.officer,
            name=f"项目{i}",
            direction="outbound",
            district=city.district_a,
            park=city.district_a_park,
            officer=city.officer,
            lead_on=dt.date(2025, 1, 1),
        )


@pytest.mark.parametrize("name", ["zones:platform_list", "zones:project_list", "zones:park_list"])
def test_list_queries_do_not_grow_with_rows(city, zone, client: Client, name):
    client.force_login(city.district_a_user)
    url = reverse(name)
    _count(client, url)  # warm the per-process caches
    one = _count(client, url)
    _more(city, 6)
    assert _count(client, url) == one


def _appeal(city, zone, number: int) -> None:
    from kaifang.core import handover
    from kaifang.zones.actions import appeals as actions_appeals

    appeal = handover.call(
        "servicedesk.appeal_create",
        actor=city.officer,
        enterprise_name=zone.enterprise.name,
        uscc=zone.enterprise.uscc,
        category="customs",
        description=f"第{number}件：集结中心报关排队时间过长，影响发运",
        source="meeting",
        title=f"报关排队{number}",
    )
    actions_appeals.platform_link_appeal(
        actor=city.officer, platform=zone.platform, code=appeal.tracking_code
    )


def test_platform_appeals_and_chain_segments_cost_the_same_for_many(city, zone, client: Client):
    from kaifang.zones.actions import chains as actions_chains

    client.force_login(city.officer)
    platform = reverse("zones:platform_detail", args=[zone.platform.pk])
    chain = reverse("zones:chain_edit", args=[zone.chain.pk])
    _appeal(city, zone, 0)
    _count(client, platform)
    _count(client, chain)
    one = (_count(client, platform), _count(client, chain))
    for number in range(1, 6):
        _appeal(city, zone, number)
        actions_chains.segment_add(
            actor=city.officer, chain=zone.chain, position="up", name=f"环节{number}"
        )
    assert (_count(client, platform), _count(client, chain)) == one
