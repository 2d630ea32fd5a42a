"""Industry chain segments maintained in the UI: added, edited, moved, removed (after a
confirmation) by the bureau's city-wide editors only, each with a timeline line and an audit
entry; bad codes are refused in Chinese."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from kaifang.core.models import AuditEntry
from kaifang.zones.actions import chains as actions_chains
from kaifang.zones.models import Chain, ChainSegment, ZoneEvent

pytestmark = pytest.mark.django_db


def _names(chain: Chain) -> list[str]:
    return list(chain.segments.values_list("name", flat=True))


def test_segments_are_added_in_position_order_and_moved_within_it(city, zone):
    chain = zone.chain  # 中游 · 数控机床
    add = actions_chains.segment_add
    add(actor=city.officer, chain=chain, position="down", name="整机装配", hs_headings="8458")
    add(actor=city.officer, chain=chain, position="up", name="特种钢材", industry_codes="31")
    add(actor=city.officer, chain=chain, position="up", name="轴承", hs_headings="8482，8483")
    assert _names(chain) == ["特种钢材", "轴承", "数控机床", "整机装配"]
    bearing = chain.segments.get(name="轴承")
    assert bearing.hs_headings == "8482,8483"
    actions_chains.segment_move(actor=city.officer, segment=bearing, up=True)
    assert _names(chain) == ["轴承", "特种钢材", "数控机床", "整机装配"]
    with pytest.raises(ValidationError, match="已在上游的最前"):
        actions_chains.segment_move(actor=city.officer, segment=bearing, up=True)
    actions_chains.segment_update(actor=city.officer, segment=bearing, position="down")
    assert _names(chain) == ["特种钢材", "数控机床", "整机装配", "轴承"]
    actions_chains.segment_remove(actor=city.officer, segment=chain.segments.get(name="特种钢材"))
    assert _names(chain) == ["数控机床", "整机装配", "轴承"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="zones.chain.").values_list(
            "action", flat=True
        )
    )
    assert sorted(set(actions)) == [
        "zones.chain.segment_add",
        "zones.chain.segment_move",
        "zones.chain.segment_remove",
        "zones.chain.segment_update",
    ]
    assert ZoneEvent.objects.filter(chain=chain, kind="segment").count() == len(actions)


def test_bad_segments_are_refused_in_chinese(city, zone):
    add = actions_chains.segment_add
    with pytest.raises(ValidationError, match="HS 品目“84A7”格式不对"):
        add(actor=city.officer, chain=zone.chain, position="up", name="刀具", hs_headings="84A7")
    with pytest.raises(ValidationError, match="行业代码“34211”格式不对"):
        add(
            actor=city.officer, chain=zone.chain, position="up", name="刀具", industry_codes="34211"
        )
    with pytest.raises(ValidationError, match="已有同名细分环节"):
        add(actor=city.officer, chain=zone.chain, position="mid", name="数控机床")
    with pytest.raises(ValidationError, match="请填写细分环节名称"):
        add(actor=city.officer, chain=zone.chain, position="mid", name=" ")
    assert _names(zone.chain) == ["数控机床"]


def test_only_city_wide_editors_change_chains(city, zone, client: Client):
    for user in (city.leader, city.district_a_user, city.liaison):
        with pytest.raises(PermissionDenied):
            actions_chains.segment_remove(actor=user, segment=zone.segment)
    client.force_login(city.district_a_user)
    detail = client.get(reverse("zones:chain_detail", args=[zone.chain.pk])).content.decode()
    assert "维护环节" not in detail
    remove = reverse("zones:segment_remove", args=[zone.chain.pk, zone.segment.pk])
    assert client.post(remove).status_code == 403
    assert client.get(reverse("zones:chain_edit", args=[zone.chain.pk])).status_code == 403
    assert ChainSegment.objects.filter(pk=zone.segment.pk).exists()


def test_the_maintenance_pages(city, zone, client: Client):
    client.force_login(city.officer)
    detail = reverse("zones:chain_detail", args=[zone.chain.pk])
    assert "维护环节" in client.get(detail).content.decode()
    edit = reverse("zones:chain_edit", args=[zone.chain.pk])
    page = client.get(edit).content.decode()
    assert "数控机床" in page and "data-confirm=" in page and "确定删除环节“数控机床”吗" in page
    client.post(
        reverse("zones:segment_new", args=[zone.chain.pk]),
        {
            "position": "up",
            "name": "数控系统",
            "industry_codes": "3424",
            "hs_headings": "8537",
            "min_enterprises": 2,
        },
    )
    added = zone.chain.segments.get(name="数控系统")
    assert added.min_enterprises == 2 and _names(zone.chain) == ["数控系统", "数控机床"]
    url = reverse("zones:segment_edit", args=[zone.chain.pk, added.pk])
    response = client.post(
        url, {"position": "up", "name": "数控系统", "hs_headings": "85x", "min_enterprises": 1}
    )
    assert "HS 品目“85X”格式不对" in response.content.decode()
    client.post(
        url,
        {
            "position": "up",
            "name": "数控系统及伺服",
            "hs_headings": "8537,8501",
            "min_enterprises": 1,
        },
    )
    added.refresh_from_db()
    assert added.name == "数控系统及伺服" and added.hs_list == ["8537", "8501"]
    client.post(
        reverse("zones:segment_move", args=[zone.chain.pk, zone.segment.pk]),
        {"direction": "up"},
        follow=True,
    )  # 中游 has one segment: refused, nothing changes
    assert _names(zone.chain) == ["数控系统及伺服", "数控机床"]
    client.post(reverse("zones:segment_remove", args=[zone.chain.pk, added.pk]))
    assert _names(zone.chain) == ["数控机床"]
    assert "删除环节：上游·数控系统及伺服" in client.get(edit).content.decode()


def test_a_new_chain(city, client: Client):
    client.force_login(city.officer)
    response = client.post(reverse("zones:chain_new"), {"name": "生物医药", "description": ""})
    chain = Chain.objects.get(name="生物医药")
    assert response["Location"] == reverse("zones:chain_edit", args=[chain.pk])
    response = client.post(reverse("zones:chain_new"), {"name": "生物医药"})
    assert "已有同名产业链" in response.content.decode()
    assert AuditEntry.objects.filter(action="zones.chain.create").count() == 1
