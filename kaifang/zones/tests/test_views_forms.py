"""Creating and editing through the pages: the forms parse, the actions write, and pickers
offer only what the user's scope reaches."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kaifang.core.models import UnitKind
from kaifang.zones import actions
from kaifang.zones.actions import parks as actions_parks
from kaifang.zones.models import Park, Platform, PlatformKind, Project

pytestmark = pytest.mark.django_db


def test_district_user_creates_a_platform_a_park_and_a_project(city, client: Client):
    client.force_login(city.district_a_user)
    kind = PlatformKind.objects.get(name="综合保税区")
    response = client.post(
        reverse("zones:platform_new"),
        {"name": "东城保税物流中心", "kind": kind.pk, "district": city.district_a.pk},
    )
    platform = Platform.objects.get(name="东城保税物流中心")
    assert response.url == reverse("zones:platform_detail", args=[platform.pk])
    client.post(
        reverse("zones:park_new"),
        {"name": "东城数字贸易港", "kind": "industrial", "district": city.district_a.pk},
    )
    park = Park.objects.get(name="东城数字贸易港")
    assert park.unit.kind == UnitKind.PARK and park.unit.parent == city.district_a
    client.post(
        reverse("zones:project_new"),
        {
            "name": "东城外资研发中心",
            "direction": "inbound",
            "district": city.district_a.pk,
            "park": park.unit.pk,
            "platform": platform.pk,
            "contracted_usd": "1200",
        },
    )
    project = Project.objects.get(name="东城外资研发中心")
    assert project.platform == platform and project.stage == "lead"
    edit = reverse("zones:project_edit", args=[project.pk])
    assert client.get(edit).status_code == 200
    client.post(
        edit,
        {
            "name": "东城外资研发中心（一期）",
            "direction": "inbound",
            "district": city.district_a.pk,
        },
    )
    project.refresh_from_db()
    assert project.name == "东城外资研发中心（一期）"


def test_pickers_refuse_units_outside_scope(city, client: Client):
    client.force_login(city.district_b_user)
    kind = PlatformKind.objects.get(name="综合保税区")
    response = client.post(
        reverse("zones:platform_new"),
        {"name": "越界平台", "kind": kind.pk, "district": city.district_a.pk},
    )
    assert response.status_code == 200 and not Platform.objects.filter(name="越界平台").exists()
    assert "东城区商务局" not in client.get(reverse("zones:platform_new")).content.decode()


def test_people_pickers_offer_and_accept_only_people_in_scope(city, zone, client: Client):
    """The project officer and the park team member pickers: district A is offered its own
    people, and a forged choice of district B's officer is refused in Chinese."""
    from kaifang.zones import actions
    from kaifang.zones.models import ParkTeamMember

    client.force_login(city.district_a_user)
    page = client.get(reverse("zones:park_detail", args=[zone.park.pk])).content.decode()
    assert city.district_a_user.display_name in page
    assert city.district_b_user.display_name not in page
    response = client.post(
        reverse("zones:park_team_add", args=[zone.park.pk]),
        {"user": city.district_b_user.pk, "role": "联络员"},
        follow=True,
    )
    assert "选择" in response.content.decode()
    assert not ParkTeamMember.objects.exists()
    client.post(
        reverse("zones:park_team_add", args=[zone.park.pk]),
        {"user": city.district_a_user.pk, "role": "联络员"},
    )
    member = ParkTeamMember.objects.get()
    assert member.user == city.district_a_user
    assert member.name == city.district_a_user.display_name
    with pytest.raises(ValidationError, match="责任人只能选择"):
        actions.project_update(
            actor=city.district_a_user, project=zone.project, officer=city.district_b_user
        )
    zone.project.refresh_from_db()
    assert zone.project.officer == city.officer
    # an officer already on the project (chosen by the bureau) does not block other edits
    actions.project_update(
        actor=city.district_a_user, project=zone.project, officer=city.officer, name="改名项目"
    )


def test_a_leader_is_offered_no_create_button_the_server_refuses(city, client: Client):
    """Found by the QA crawl, session 37: 新建平台 and 新建园区 answered a leader 403."""
    for listing, new in (
        ("zones:platform_list", "zones:platform_new"),
        ("zones:park_list", "zones:park_new"),
    ):
        client.force_login(city.leader)
        assert reverse(new) not in client.get(reverse(listing)).content.decode()
        assert client.get(reverse(new)).status_code == 403
        client.force_login(city.officer)
        assert reverse(new) in client.get(reverse(listing)).content.decode()


def test_removing_a_team_member_or_a_platform_enterprise_asks_first(city, zone, client: Client):
    """Every destructive act asks first: 移出 a park's team member and 移除 a platform's
    operating enterprise had no confirmation (UX review, 2026-12-05)."""
    actions_parks.park_team_add(
        actor=city.officer, park=zone.park, name="王专班", role="联络员", phone=""
    )
    actions.platform_set_enterprises(
        actor=city.officer, platform=zone.platform, enterprises=[zone.enterprise]
    )
    client.force_login(city.officer)
    park_page = client.get(reverse("zones:park_detail", args=[zone.park.pk])).content.decode()
    assert 'data-confirm="确定将王专班（联络员）移出专班吗？"' in park_page
    platform_page = client.get(
        reverse("zones:platform_detail", args=[zone.platform.pk])
    ).content.decode()
    assert f"确定将“{zone.enterprise.name}”从本平台的运营企业中移除吗？" in platform_page


def test_park_page_says_when_it_lists_only_part_of_its_enterprises(
    city, zone, client: Client, monkeypatch
):
    """The park page titled 园区企业（237 家） listed 200 with a 合计 of all 237 and no word of
    the rest (UX review, 2026-12-05): it now says so and links the register filtered by park."""
    from kaifang.core.lib.uscc import synthetic_uscc
    from kaifang.enterprises.models import Enterprise
    from kaifang.zones.views import parks

    Enterprise.objects.create(
        name="东城第二精密机床有限公司",
        uscc=synthetic_uscc(7302),
        district=city.district_a,
        park=city.district_a_park,
    )
    client.force_login(city.district_a_user)
    url = reverse("zones:park_detail", args=[zone.park.pk])
    page = client.get(url).content.decode()
    assert "按名称列出前" not in page and "全部 2 家合计" not in page
    monkeypatch.setattr(parks, "ENTERPRISES_SHOWN", 1)
    page = client.get(url).content.decode()
    assert "按名称列出前 1 家，共 2 家" in page and "全部 2 家合计" in page
    assert f'href="/enterprises/?park={city.district_a_park.pk}"' in page


def test_the_admin_project_page_names_every_field_in_chinese(city, zone, client: Client):
    """The admin's project page read "Created by:" (UX review, 2026-12-05)."""
    client.force_login(city.admin)
    html = client.get(f"/admin/zones/project/{zone.project.pk}/change/").content.decode()
    assert "Created by" not in html and "登记人" in html


def test_a_filter_that_finds_nothing_says_so(city, zone, client: Client):
    """A search with no result read 还没有开放平台 (as if none existed; UX review, 2026-12-05)."""
    client.force_login(city.officer)
    page = client.get(reverse("zones:platform_list"), {"q": "不存在的平台"}).content.decode()
    assert "没有符合条件的开放平台。" in page and "还没有开放平台" not in page
    page = client.get(reverse("zones:park_list"), {"q": "不存在的园区"}).content.decode()
    assert "没有符合条件的园区。" in page and "还没有园区档案" not in page


def test_a_liaison_officer_does_not_open_park_or_platform_files(city, client):
    """A new park's or platform's file is opened by a unit's or the bureau's staff; a liaison
    officer (his scope: his firms) gets 403 and no 新建 button, a district user gets both."""
    from django.urls import reverse

    client.force_login(city.liaison)
    for listing, new, button in (
        ("zones:park_list", "zones:park_new", "新建园区"),
        ("zones:platform_list", "zones:platform_new", "新建平台"),
    ):
        assert button not in client.get(reverse(listing)).content.decode()
        assert client.get(reverse(new)).status_code == 403
        assert client.post(reverse(new), {"name": "包联干部建的"}).status_code == 403
    client.force_login(city.district_a_user)
    for listing, new, button in (
        ("zones:park_list", "zones:park_new", "新建园区"),
        ("zones:platform_list", "zones:platform_new", "新建平台"),
    ):
        assert button in client.get(reverse(listing)).content.decode()
        assert client.get(reverse(new)).status_code == 200
