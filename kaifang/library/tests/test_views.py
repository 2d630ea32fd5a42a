"""The pages and the API as users reach them: upload, read with clause links, versions,
support items, ledger, and scope (district B gets 404 on district A's records, anonymous is
sent to login)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library.actions import support_item_save
from kaifang.library.models import Document, LedgerEntry, LedgerStatus, Match

pytestmark = pytest.mark.django_db

TEXT = (
    "示范市跨境电商扶持办法\n第一条 支持跨境电商发展。\n第二条 奖励标准。\n"
    "（一）新设海外仓的，奖励20万元。\n"
)


def _docx(*paragraphs: str) -> io.BytesIO:
    word = docx.Document()
    for p in paragraphs:
        word.add_paragraph(p)
    out = io.BytesIO()
    word.save(out)
    out.seek(0)
    out.name = "办法.docx"
    return out


def test_upload_docx_search_and_read_a_clause(city, client: Client):
    client.force_login(city.officer)
    response = client.post(
        reverse("library:document_create"),
        {
            "title": "示范市海外仓建设扶持办法",
            "kind": "policy",
            "level": "city",
            "doc_number": "示商发〔2026〕20号",
            "upload": _docx(
                "示范市海外仓建设扶持办法",
                "第一条 为支持公共海外仓建设，制定本办法。",
                "第二条 支持内容。",
                "（一）对新建公共海外仓的企业给予补助。",
            ),
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert document.versions.get().original_name == "办法.docx"
    page = client.get(reverse("library:document_list"), {"q": "海外仓"}).content.decode()
    assert "示范市海外仓建设扶持办法" in page
    assert "<mark>海外仓</mark>" in page
    page = client.get(reverse("library:document_detail", args=[document.pk])).content.decode()
    assert 'id="a2.s1"' in page
    assert 'href="#a2.s1"' in page


def test_upload_refuses_a_file_that_is_not_what_it_claims(city, client: Client):
    client.force_login(city.officer)
    fake = io.BytesIO(b"not a pdf")
    fake.name = "x.pdf"
    response = client.post(
        reverse("library:document_create"),
        {"title": "x", "kind": "policy", "level": "city", "upload": fake},
    )
    assert response.status_code == 200
    assert Document.objects.count() == 0


def test_versions_keep_anchors(city, client: Client, make_document):
    document = make_document(TEXT)
    client.force_login(city.officer)
    client.post(
        reverse("library:version_create", args=[document.pk]),
        {"text": TEXT.replace("20万元", "30万元"), "note": "提高奖励"},
    )
    document.refresh_from_db()
    assert document.version == 2
    page = client.get(reverse("library:document_detail", args=[document.pk])).content.decode()
    assert 'id="a2.s1"' in page and "30万元" in page
    old = client.get(reverse("library:version_detail", args=[document.pk, 1])).content.decode()
    assert "20万元" in old and "历史版本" in old


def test_districts_read_documents_but_cannot_edit(city, client: Client, make_document):
    document = make_document(TEXT)
    client.force_login(city.district_b_user)
    assert client.get(reverse("library:document_detail", args=[document.pk])).status_code == 200
    assert client.get(reverse("library:document_create")).status_code == 403
    assert client.get(reverse("library:item_create", args=[document.pk])).status_code == 403


def test_anonymous_is_sent_to_login(city, client: Client, make_document):
    document = make_document(TEXT)
    for url in (
        reverse("library:document_list"),
        reverse("library:document_detail", args=[document.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"]
    assert client.get("/api/v1/library/documents").status_code == 401


@pytest.fixture
def matched(city: Any, make_document: Any) -> dict[str, Any]:
    east = EnterpriseFactory(name="东城跨境电商公司", district=city.district_a, ownership="private")
    west = EnterpriseFactory(name="西城跨境电商公司", district=city.district_b, ownership="private")
    item = support_item_save(
        actor=city.officer,
        document=make_document(TEXT),
        title="海外仓奖励",
        anchor="a2.s1",
        amount=Decimal("20"),
        no_application=True,
        conditions=[{"type": "ownership", "values": ["private"]}],
    )
    return {"east": east, "west": west, "item": item}


def test_item_page_shows_reasons_within_scope(city, client: Client, matched):
    url = reverse("library:item_detail", args=[matched["item"].pk])
    client.force_login(city.district_b_user)
    page = client.get(url).content.decode()
    assert "西城跨境电商公司" in page
    assert "东城跨境电商公司" not in page
    client.force_login(city.officer)
    page = client.get(url).content.decode()
    assert "东城跨境电商公司" in page and "企业性质：民营" in page


def test_enterprise_matches_page_and_profile_panel_are_scoped(city, client: Client, matched):
    east = matched["east"]
    client.force_login(city.district_b_user)
    assert client.get(reverse("library:enterprise_matches", args=[east.pk])).status_code == 404
    assert client.get(f"/api/v1/library/enterprises/{east.pk}/matches").status_code == 404
    client.force_login(city.district_a_user)
    page = client.get(reverse("enterprises:detail", args=[east.pk])).content.decode()
    assert "可享政策" in page and "海外仓奖励" in page
    data = client.get(f"/api/v1/library/enterprises/{east.pk}/matches").json()
    assert data[0]["eligible"] is True
    assert data[0]["clause_url"].endswith("#a2.s1")


def test_ledger_advance_through_the_page(city, client: Client, matched):
    entry = LedgerEntry.objects.get(enterprise=matched["east"])
    url = reverse("library:ledger_advance", args=[entry.pk])
    client.force_login(city.district_b_user)
    assert client.post(url, {"to": "confirmed"}).status_code == 404
    client.force_login(city.officer)
    client.post(url, {"to": "confirmed"})
    client.post(url, {"to": "paid"})
    entry.refresh_from_db()
    assert entry.status == LedgerStatus.PAID
    page = client.get(reverse("library:item_detail", args=[matched["item"].pk])).content.decode()
    assert "已兑现" in page


def test_api_documents_search_and_schema(city, client: Client, matched):
    client.force_login(city.district_b_user)
    docs = client.get("/api/v1/library/documents").json()
    assert docs[0]["title"] == "示范市跨境电商扶持办法"
    detail = client.get(f"/api/v1/library/documents/{docs[0]['id']}").json()
    assert [c["label"] for c in detail["clauses"]] == ["第一条", "第二条", "第二条(一)"]
    found = client.get("/api/v1/library/search", {"q": "电商"}).json()
    assert found["total"] == 1
    assert "<mark>电商</mark>" in found["results"][0]["snippet"]
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/library/search" in schema["paths"]
    assert "/api/v1/library/enterprises/{pk}/matches" in schema["paths"]
    assert Match.objects.count() == 2


def test_item_page_pages_its_matches_and_ledger(city, client: Client, matched, monkeypatch):
    """A city-wide item listed all its matches and ledger rows on one page (1,742 of each, a
    1.5 MB page, in the demo; UX review, 2026-12-05): a page of each, totals over all."""
    from kaifang.library import views

    monkeypatch.setattr(views, "ITEM_PAGE", 1)
    url = reverse("library:item_detail", args=[matched["item"].pk])
    client.force_login(city.officer)
    page = client.get(url).content.decode()
    assert page.count("跨境电商公司</a>") == 1  # one match on this page
    assert "?matches_page=2#matches" in page and "?ledger_page=2#ledger" in page
    assert "<td>合计</td><td>2 家</td>" in page  # the ledger's total counts both firms
    second = client.get(url + "?matches_page=2&ledger_page=2").content.decode()
    assert second.count("跨境电商公司</a>") == 1 and "matches_page=1#matches" in second


def test_marking_a_ledger_entry_paid_asks_first(city, client: Client, matched):
    entry = LedgerEntry.objects.get(enterprise=matched["east"])
    client.force_login(city.officer)
    client.post(reverse("library:ledger_advance", args=[entry.pk]), {"to": "confirmed"})
    page = client.get(reverse("library:item_detail", args=[matched["item"].pk])).content.decode()
    assert "确定将“东城跨境电商公司”标记为已兑现吗？标记后不能撤回。" in page
