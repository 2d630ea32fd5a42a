"""Search over the index on the database the tests run on (SQLite locally, PostgreSQL in CI and
with DATABASE_URL): the same documents come back on both, words inside longer words are found,
snippets are highlighted, filters and scope apply."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import call_command

from kaifang.library.actions import document_add_version, document_update
from kaifang.library.models import Document, DocumentStatus
from kaifang.library.search import Filters
from kaifang.library.selectors import related_documents, search_documents

pytestmark = pytest.mark.django_db


def _titles(page: Any) -> list[str]:
    return [r.title for r in page.results]


def test_a_word_inside_a_longer_word_is_found(city, three):
    rail = search_documents(user=city.officer, query="班列")
    assert _titles(rail) == ["示范市支持中欧班列发展的若干措施"]
    invest = search_documents(user=city.officer, query="外资")
    assert _titles(invest) == ["示范市关于进一步做好利用外资工作的意见"]
    assert search_documents(user=city.officer, query="利用外资").total == 1


def test_every_query_word_must_occur_and_titles_rank_first(city, three):
    page = search_documents(user=city.officer, query="展会 补贴")
    assert _titles(page) == ["示范市境外展会补贴实施细则"]
    page = search_documents(user=city.officer, query="企业")
    assert page.total == 3
    assert search_documents(user=city.officer, query="班列 展位费").total == 0


def test_snippet_highlights_the_words(city, three):
    result = search_documents(user=city.officer, query="标准箱").results[0]
    assert ("标准箱", True) in result.snippet
    assert "<mark>标准箱</mark>" in result.snippet_html
    assert result.doc_number == "示商发〔2026〕3号"


def test_snippet_escapes_html(city, make_document):
    make_document("关于<script>alert(1)</script>跨境电商的通知\n跨境电商<b>企业</b>")
    html = search_documents(user=city.officer, query="跨境电商").results[0].snippet_html
    assert "<script>" not in html
    assert "&lt;b&gt;" in html


def test_filters(city, three):
    assert (
        search_documents(user=city.officer, query="企业", filters=Filters(level="provincial")).total
        == 1
    )
    assert _titles(
        search_documents(user=city.officer, query="企业", filters=Filters(tag="展会"))
    ) == ["示范市境外展会补贴实施细则"]
    document_update(actor=city.officer, document=three["fair"], status=DocumentStatus.REPEALED)
    assert (
        search_documents(user=city.officer, query="企业", filters=Filters(status="valid")).total
        == 2
    )
    document_update(actor=city.officer, document=three["rail"], issued=dt.date(2026, 3, 1))
    since = Filters(since=dt.date(2026, 1, 1))
    assert _titles(search_documents(user=city.officer, query="企业", filters=since)) == [
        "示范市支持中欧班列发展的若干措施"
    ]


def test_a_corrected_version_replaces_the_indexed_text(city, three):
    document_add_version(
        actor=city.officer,
        document=three["rail"],
        text=three["rail"].text.replace("每标准箱补助500元", "每标准箱补助800元，冷链箱另加200元"),
        note="提高标准",
    )
    assert search_documents(user=city.officer, query="冷链箱").total == 1
    assert three["rail"].versions.count() == 2


def test_related_documents_share_words(city, make_document):
    a = make_document("跨境电商海外仓建设支持办法\n支持跨境电商企业建设海外仓。")
    b = make_document("跨境电商综试区建设方案\n推动跨境电商和海外仓协同发展。")
    make_document("消费券发放通知\n发放餐饮消费券。")
    related = related_documents(user=city.officer, source="library", object_id=a.pk)
    assert [r.object_id for r in related] == [b.pk]


def test_cli_add_and_search(city, tmp_path: Path):
    path = tmp_path / "措施.docx"
    word = docx.Document()
    word.add_paragraph("示范市服务外包发展扶持办法")
    word.add_paragraph("第一条 对离岸服务外包执行额增长的企业给予奖励。")
    word.save(str(path))
    out = StringIO()
    call_command("library-add", str(path), "--level", "city", "--issued", "2026-02-01", stdout=out)
    pk = int(out.getvalue().strip())
    document = Document.objects.get(pk=pk)
    assert document.title == "示范市服务外包发展扶持办法"
    assert document.issued == dt.date(2026, 2, 1)
    assert document.versions.get().original_name == "措施.docx"
    out = StringIO()
    call_command("library-search", "外包", "--limit", "5", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["id"] for r in rows] == [str(pk)]
    assert set(rows[0]) == {"id", "title", "snippet", "score"}
    assert "<mark>" in rows[0]["snippet"]


def test_same_results_as_a_substring_scan_for_dictionary_words(city, make_document):
    """The index finds what LIKE '%词%' finds, for words jieba knows (the benchmark's check)."""
    texts = [
        "推动中欧班列扩容提质",
        "积极利用外资稳外贸",
        "跨境电商综合试验区",
        "外贸企业开拓新兴市场",
        "对外投资合作走出去",
    ]
    for n, text in enumerate(texts):
        make_document(f"文件{n}\n{text}")
    for word in ("班列", "外资", "外贸", "跨境", "电商", "市场", "投资", "合作"):
        expected = set(Document.objects.filter(text__contains=word).values_list("pk", flat=True))
        found = {r.object_id for r in search_documents(user=city.officer, query=word).results}
        assert found == expected, word
