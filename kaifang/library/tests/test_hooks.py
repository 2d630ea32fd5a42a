"""The service desk's appeal page shows the policy clauses that answer a 政策咨询 appeal (the
library registers a record panel; neither app imports the other's code)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from kaifang.core import record_panels
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library.actions import support_item_save

pytestmark = pytest.mark.django_db

RAIL = (
    "示范市支持中欧班列发展的若干措施\n第一条 为降低物流成本，制定本措施。\n"
    "第二条 运费补助。\n（一）对通过中欧班列出口的企业，每标准箱补助500元。\n"
    "（二）单个企业年度补助不超过50万元。\n"
)
FAIR = "示范市境外展会补贴实施细则\n第一条 对参加境外展会的企业，按展位费的50%给予补贴。\n"


def _panels(city, appeal, query=""):
    """The clause panel only (the reply-template panel beside it is tested elsewhere)."""
    request = RequestFactory().get("/" + query)
    request.user = city.officer
    rendered = record_panels.render("servicedesk.appeal", request, appeal)
    return [p for p in rendered if p["key"] == "library-clauses"]


def test_policy_appeal_gets_the_answering_clauses_first(city, make_document):
    rail = make_document(RAIL, doc_number="示商发〔2026〕3号")
    make_document(FAIR, doc_number="示商发〔2026〕9号")
    firm = EnterpriseFactory(district=city.district_a, ownership="private")
    support_item_save(
        actor=city.officer,
        document=rail,
        title="班列运费补助",
        anchor="a2.s1",
        amount=Decimal("5"),
        conditions=[{"type": "ownership", "values": ["private"]}],
    )
    appeal = SimpleNamespace(
        category="policy",
        title="咨询中欧班列运费补助",
        description="我公司通过中欧班列出口，想了解运费补助标准和每标准箱补助多少。",
        enterprise_id=firm.pk,
    )
    [panel] = _panels(city, appeal)
    html = panel["html"]
    assert "示商发〔2026〕3号 第二条(一)" in html
    assert f'href="/library/{rail.pk}/#a2.s1"' in html
    assert "该企业符合此条款" in html
    assert html.index("第二条(一)") < html.index("该企业符合此条款") + 200
    assert "展位费" not in html


def test_other_appeals_only_on_request(city, make_document):
    make_document(RAIL)
    appeal = SimpleNamespace(
        category="logistics", title="班列运费", description="中欧班列运费太高", enterprise_id=None
    )
    [panel] = _panels(city, appeal)
    assert "查找可答复此诉求的政策条款" in panel["html"]
    [panel] = _panels(city, appeal, "?clauses=1")
    assert "第二条(一)" in panel["html"]


def test_the_appeal_page_shows_the_panel(city, client: Client, make_document):
    from kaifang.servicedesk.actions import appeal_create  # the page under test is theirs

    make_document(RAIL, doc_number="示商发〔2026〕3号")
    firm = EnterpriseFactory(district=city.district_a)
    appeal = appeal_create(
        actor=city.officer,
        enterprise_name=firm.name,
        uscc=firm.uscc,
        category="policy",
        description="请问通过中欧班列出口有没有运费补助？",
        source="phone",
    )
    client.force_login(city.officer)
    page = client.get(reverse("servicedesk:appeal_detail", args=[appeal.pk])).content.decode()
    assert "相关政策条款" in page and "示商发〔2026〕3号 第二条" in page
