"""政策直达 through the public channel, and the clause a reply cites: the enterprise's tracking
page lists the policies it qualifies for (its own, eligible only, no figures) and shows the
clause an answer cites with a link to its public reading page; the tracking code opens only
the documents cited to it; the channel API gives the same to a mini-program, for its own
appeals only. Reply templates are offered per category on the appeal page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library.actions import document_create, support_item_save
from kaifang.library.actions.fairs import reply_template_save
from kaifang.library.selectors.service import citations, public_policies
from kaifang.servicedesk import actions as appeal_actions
from kaifang.servicedesk.channels import channel_issue

pytestmark = pytest.mark.django_db

POLICY = (
    "示范市外贸稳增长若干措施\n第一条 支持外贸企业开拓市场。\n"
    "（一）参加境外展会的，按展位费50%给予补贴。\n（二）单个企业年度补贴不超过20万元。\n"
    "第二条 支持出口信用保险。\n"
)


@pytest.fixture
def world(city: Any) -> dict[str, Any]:
    east = EnterpriseFactory(name="东城外贸示范公司", district=city.district_a)
    west = EnterpriseFactory(name="西城外贸示范公司", district=city.district_b)
    policy = document_create(
        actor=city.officer,
        title="示范市外贸稳增长若干措施",
        text=POLICY,
        doc_number="示商发〔2026〕5号",
    )
    speech = document_create(
        actor=city.officer, title="局长在内部会议上的讲话", text="一、内部要求。\n", kind="speech"
    )
    east_item = support_item_save(
        actor=city.officer,
        document=policy,
        title="境外展会补贴",
        anchor="a1.s1",
        amount=Decimal("5"),
        no_application=True,
        conditions=[{"type": "district", "units": [city.district_a.pk]}],
    )
    west_item = support_item_save(
        actor=city.officer,
        document=policy,
        title="西城专属出口信保补贴",
        conditions=[{"type": "district", "units": [city.district_b.pk]}],
    )
    _, token = channel_issue(name="示范小程序", actor=None)
    appeal = appeal_actions.appeal_create(
        actor=None,
        enterprise_name=east.name,
        uscc=east.uscc,
        category="policy",
        description="请问参加境外展会有没有补贴？",
        source="api",
        channel=_channel(),
        contact_name="王经理",
        contact_phone="13800000000",
    )
    appeal = appeal_actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    appeal = appeal_actions.appeal_accept(appeal=appeal, actor=city.district_a_user)
    appeal_actions.appeal_reply(
        appeal=appeal,
        actor=city.district_a_user,
        text=(
            f"可申请展位费补贴，依据 示商发〔2026〕5号 第一条（一） "
            f"https://kaifang.example/library/{policy.pk}/#a1.s1 ；"
            f"另见 /library/{speech.pk}/#p1"
        ),
    )
    return {
        "east": east,
        "west": west,
        "policy": policy,
        "speech": speech,
        "east_item": east_item,
        "west_item": west_item,
        "appeal": appeal,
        "token": token,
    }


def _channel() -> Any:
    from kaifang.servicedesk.models import Channel

    return Channel.objects.get(name="示范小程序")


def test_citations_are_found_by_path_whatever_the_host():
    text = "见 http://a.b/library/12/#a5.s2。又见 /library/3/versions/2/#p1 与 /library/12/#a5.s2"
    assert citations([text]) == [(12, "a5.s2"), (3, "p1")]


def test_tracking_page_shows_the_cited_clause_and_the_enterprises_own_policies(
    client: Client, world
):
    page = client.get(reverse("service:track_code", args=[world["appeal"].tracking_code]))
    html = page.content.decode()
    assert page.status_code == 200
    # The cited clause, in full, with the link to its public page at the clause's anchor.
    assert "答复引用的政策条款" in html
    assert "《示范市外贸稳增长若干措施》示商发〔2026〕5号 第一条(一)" in html
    assert "按展位费50%给予补贴" in html
    public_url = reverse(
        "library_public:cited_document",
        args=[world["appeal"].tracking_code, world["policy"].pk],
    )
    assert f'href="{public_url}#a1.s1"' in html
    # A cited speech (not a published kind) is not shown to the public.
    assert "内部要求" not in html
    # Its own eligible policy, with the 免申即享 status; never another district's.
    assert "贵企业可享的惠企政策" in html
    assert "境外展会补贴" in html and "免申即享 · 应享" in html
    assert "西城专属出口信保补贴" not in html
    assert "西城外贸示范公司" not in html


def test_the_public_reading_page_opens_only_documents_cited_to_that_code(client: Client, world):
    code = world["appeal"].tracking_code
    url = reverse("library_public:cited_document", args=[code, world["policy"].pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="a1.s1"' in html and "第一条(一)" in html
    # The speech is cited but not a published kind; another document is not cited at all.
    other = document_create(actor=None, title="未引用的政策", text="第一条 其他。\n")
    for pk in (world["speech"].pk, other.pk):
        assert (
            client.get(reverse("library_public:cited_document", args=[code, pk])).status_code == 404
        )
    assert (
        client.get(
            reverse("library_public:cited_document", args=["ABCD-EFGH-JKMN", world["policy"].pk])
        ).status_code
        == 404
    )


def test_no_panel_when_nothing_is_cited_and_nothing_matches(client: Client, city, world):
    west = world["west"]
    west_item = world["west_item"]
    west_item.matches.all().delete()
    appeal = appeal_actions.appeal_create(
        actor=city.officer,
        enterprise_name=west.name,
        uscc=west.uscc,
        category="customs",
        description="出口通关查验时间过长，影响交货。",
        source="phone",
    )
    html = client.get(reverse("service:track_code", args=[appeal.tracking_code])).content.decode()
    assert "答复引用的政策条款" not in html and "贵企业可享的惠企政策" not in html


def test_public_policies_state_the_policys_conditions_and_drop_closed_windows(city, world):
    item = world["east_item"]
    policies = public_policies(world["east"].pk)
    assert [p.item_title for p in policies] == ["境外展会补贴"]
    shown = policies[0].as_dict()
    assert shown["clause"] == "第一条(一)" and shown["ledger_status"] == "应享"
    assert shown["conditions"] == [f"所属县区：{city.district_a.name}"]
    assert shown["is_new"] is True
    item.window_end = dt.date(2020, 1, 1)
    item.save()
    assert public_policies(world["east"].pk) == []
    assert public_policies(None) == []


def test_channel_api_gives_the_policies_and_cited_clauses_of_its_own_appeals(client: Client, world):
    code = world["appeal"].tracking_code
    auth = {"HTTP_AUTHORIZATION": f"Bearer {world['token']}"}
    response = client.get(f"/api/v1/public/appeals/{code}/policies", **auth)
    assert response.status_code == 200
    data = response.json()
    assert data["enterprise"] == "东城外贸示范公司"
    assert [p["title"] for p in data["policies"]] == ["境外展会补贴"]
    assert data["policies"][0]["no_application"] is True
    assert data["cited_clauses"][0]["citation"] == (
        "《示范市外贸稳增长若干措施》示商发〔2026〕5号 第一条(一)"
    )
    assert data["cited_clauses"][0]["url"].endswith(
        f"/service/policies/{code}/{world['policy'].pk}/#a1.s1"
    )
    # `since` after the match: nothing new.
    later = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    newer = client.get(f"/api/v1/public/appeals/{code}/policies?since={later}", **auth).json()
    assert newer["policies"] == []
    bad = client.get(f"/api/v1/public/appeals/{code}/policies?since=明天", **auth)
    assert bad.status_code == 422 and "since" in bad.json()["errors"]
    # Another channel's token does not open this appeal; no token is 401.
    _, other = channel_issue(name="12345平台", actor=None)
    foreign = client.get(
        f"/api/v1/public/appeals/{code}/policies", HTTP_AUTHORIZATION=f"Bearer {other}"
    )
    assert foreign.status_code == 404
    assert client.get(f"/api/v1/public/appeals/{code}/policies").status_code == 401


# --- reply templates on the appeal page ---------------------------------------------------


def test_templates_of_the_appeals_category_are_offered_with_the_clause_link(
    client: Client, city, world
):
    reply_template_save(
        actor=city.officer,
        category="policy",
        title="展会补贴常用答复",
        text="您好，贵企业可按规定申报展位费补贴。",
        document=world["policy"],
        anchor="a1.s1",
    )
    reply_template_save(
        actor=city.officer, category="customs", title="通关常用答复", text="请联系海关。"
    )
    client.force_login(city.district_a_user)
    html = client.get(
        reverse("servicedesk:appeal_detail", args=[world["appeal"].pk])
    ).content.decode()
    assert "展会补贴常用答复" in html and "通关常用答复" not in html
    assert f"/library/{world['policy'].pk}/#a1.s1" in html
    assert 'data-fill="#act-reply textarea[name=reply-text]"' in html
    # A district user uses templates but does not keep them.
    assert "新建答复模板" not in html
    client.force_login(city.officer)
    assert (
        "为“政策咨询”类新建答复模板"
        in client.get(
            reverse("servicedesk:appeal_detail", args=[world["appeal"].pk])
        ).content.decode()
    )


def test_templates_are_kept_by_editors_only(client: Client, city, world):
    client.force_login(city.district_a_user)
    assert client.get(reverse("library:template_create")).status_code == 403
    client.force_login(city.officer)
    response = client.post(
        reverse("library:template_create"),
        {
            "category": "policy",
            "title": "模板",
            "text": "答复",
            "document": world["policy"].pk,
            "anchor": "a9",
        },
    )
    assert response.status_code == 200
    assert "中没有条款 a9" in response.content.decode()
    response = client.post(
        reverse("library:template_create"),
        {
            "category": "policy",
            "title": "模板",
            "text": "答复",
            "document": world["policy"].pk,
            "anchor": "#a1.s2",
        },
    )
    assert response.status_code == 302
    listing = client.get(reverse("library:template_list"), {"category": "policy"}).content.decode()
    assert "政策咨询" in listing and "a1.s2" in listing
