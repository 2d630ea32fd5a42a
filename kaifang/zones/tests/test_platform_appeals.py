"""The appeals (诉求) that concern a platform: raised from its page for an enterprise operating
on it (with the category the user picks), linked by tracking code, listed with their status,
scoped by the service desk, and a project problem's category."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kaifang.core import handover
from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.models import AuditEntry
from kaifang.enterprises.models import Enterprise
from kaifang.servicedesk.models import Appeal
from kaifang.zones import actions, selectors
from kaifang.zones.actions import appeals as actions_appeals
from kaifang.zones.models import PlatformAppeal, Project

pytestmark = pytest.mark.django_db
JUNE = time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC))
TEXT = "班列回程货源不足，希望协调集结中心增加回程班次"


def _on_platform(city, zone):
    actions.platform_set_enterprises(
        actor=city.district_a_user, platform=zone.platform, enterprises=[zone.enterprise]
    )


@JUNE
def test_an_operating_enterprise_raises_an_appeal_with_its_category(city, zone, client: Client):
    _on_platform(city, zone)
    client.force_login(city.district_a_user)
    detail = reverse("zones:platform_detail", args=[zone.platform.pk])
    page = client.get(detail).content.decode()
    assert "没有您可见的相关诉求" in page
    assert "物流运输" in page  # the service desk's categories are offered
    url = reverse("zones:platform_appeal_raise", args=[zone.platform.pk])
    client.post(url, {"enterprise": zone.enterprise.pk, "category": "", "text": TEXT})
    assert not Appeal.objects.exists()
    client.post(url, {"enterprise": zone.enterprise.pk, "category": "logistics", "text": TEXT})
    appeal = Appeal.objects.get()
    assert appeal.category == "logistics" and appeal.enterprise == zone.enterprise
    assert zone.platform.name in appeal.description
    link = PlatformAppeal.objects.get()
    assert link.raised and link.appeal_code == appeal.tracking_code
    page = client.get(detail).content.decode()
    assert appeal.tracking_code in page and "在平台页提出" in page
    assert AuditEntry.objects.filter(action="zones.platform.appeal_raise").count() == 1


@JUNE
def test_only_enterprises_on_the_platform_may_be_chosen(city, zone):
    other = Enterprise.objects.create(
        name="东城另一家公司", uscc=synthetic_uscc(7302), district=city.district_a
    )
    _on_platform(city, zone)
    with pytest.raises(ValidationError, match="在本平台运营"):
        actions_appeals.platform_raise_appeal(
            actor=city.district_a_user,
            platform=zone.platform,
            enterprise=other,
            category="logistics",
            text=TEXT,
        )
    assert not Appeal.objects.exists()


@JUNE
def test_an_appeal_is_linked_by_its_code_within_scope_and_unlinked(city, zone, client: Client):
    appeal = handover.call(
        "servicedesk.appeal_create",
        actor=city.officer,
        enterprise_name=zone.enterprise.name,
        uscc=zone.enterprise.uscc,
        category="customs",
        description="集结中心报关排队时间过长，影响班列发运",
        source="meeting",
        title="报关排队",
    )
    with pytest.raises(ValidationError, match="不在您的数据范围内"):
        actions_appeals.platform_link_appeal(
            actor=city.district_b_user, platform=zone.platform, code=appeal.tracking_code
        )
    client.force_login(city.district_a_user)
    url = reverse("zones:platform_appeal_link", args=[zone.platform.pk])
    client.post(url, {"code": appeal.tracking_code.lower()})
    link = PlatformAppeal.objects.get()
    assert link.appeal_ref == appeal.pk and not link.raised
    again = client.post(url, {"code": appeal.tracking_code}, follow=True).content.decode()
    assert "已关联本平台" in again
    page = client.get(reverse("zones:platform_detail", args=[zone.platform.pk])).content.decode()
    assert appeal.tracking_code in page and "通关" in page
    client.post(reverse("zones:platform_appeal_unlink", args=[zone.platform.pk, link.pk]))
    assert not PlatformAppeal.objects.exists()
    assert Appeal.objects.filter(pk=appeal.pk).exists()  # the appeal itself stays
    assert AuditEntry.objects.filter(action="zones.platform.appeal_unlink").count() == 1


@JUNE
def test_the_platform_lists_only_the_appeals_its_viewer_sees(city, zone):
    """A link stored on the platform does not open another district's appeal."""
    west = Enterprise.objects.create(
        name="西城物流有限公司", uscc=synthetic_uscc(7303), district=city.district_b
    )
    appeal = handover.call(
        "servicedesk.appeal_create",
        actor=city.officer,
        enterprise_name=west.name,
        uscc=west.uscc,
        category="logistics",
        description="西城企业的班列舱位需求无法满足",
        source="meeting",
        title="舱位",
    )
    actions_appeals.platform_link_appeal(
        actor=city.officer, platform=zone.platform, code=appeal.tracking_code
    )
    assert [
        a["code"] for a in selectors.platform_appeals(user=city.officer, platform=zone.platform)
    ] == [appeal.tracking_code]
    assert selectors.platform_appeals(user=city.district_a_user, platform=zone.platform) == []


@JUNE
def test_a_project_problem_on_the_platform_is_listed_with_its_project(city, zone, client: Client):
    Project.objects.filter(pk=zone.project.pk).update(platform=zone.platform)
    client.force_login(city.district_a_user)
    page = client.get(reverse("zones:project_detail", args=[zone.project.pk])).content.decode()
    assert "用地用能" in page  # the category picker
    client.post(
        reverse("zones:project_problem", args=[zone.project.pk]),
        {"category": "land_energy", "text": "项目用地指标尚未落实，影响开工"},
    )
    appeal = Appeal.objects.get()
    assert appeal.category == "land_energy"
    rows = selectors.platform_appeals(user=city.district_a_user, platform=zone.platform)
    assert [(r["code"], r["via"]) for r in rows] == [
        (appeal.tracking_code, f"项目：{zone.project.name}")
    ]


def test_appeal_routes_are_closed_to_other_districts(city, zone, client: Client):
    _on_platform(city, zone)
    link = zone.platform.appeals.create(appeal_ref=1, appeal_code="X")
    client.force_login(city.district_b_user)
    for url, data in (
        (
            reverse("zones:platform_appeal_raise", args=[zone.platform.pk]),
            {"enterprise": zone.enterprise.pk, "category": "logistics", "text": TEXT},
        ),
        (reverse("zones:platform_appeal_link", args=[zone.platform.pk]), {"code": "X"}),
        (reverse("zones:platform_appeal_unlink", args=[zone.platform.pk, link.pk]), {}),
    ):
        assert client.post(url, data).status_code == 404
    assert PlatformAppeal.objects.count() == 1 and not Appeal.objects.exists()
    client.force_login(city.leader)  # reads, does not write
    assert (
        client.post(
            reverse("zones:platform_appeal_unlink", args=[zone.platform.pk, link.pk])
        ).status_code
        == 403
    )
