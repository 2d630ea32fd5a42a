"""Analysis pages: figures, drill-down totals, exports (audited), scope on every route."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from urllib.parse import unquote, urlencode

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kaifang.core.models import AuditEntry

Q = {"year": "2025", "month": "3", "flow": "export", "currency": "usd"}
BREAKDOWN_BYS = [
    "partner",
    "group",
    "industry",
    "hs2",
    "hs4",
    "hs8",
    "mode",
    "district",
    "park",
    "enterprise",
]
DYNAMICS = ["new-exporters", "stopped", "markets", "concentration"]


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def url(name: str, *args, **params) -> str:
    return f"{reverse(name, args=args)}?{urlencode({**Q, **params})}"


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return [tuple(r) for r in book.active.iter_rows(values_only=True)]


def test_empty_state_says_where_to_import(city, client):
    response = login(client, city.leader).get(reverse("trade:analysis_overview"))
    assert response.status_code == 200
    assert "还没有海关数据，请先在“" in response.content.decode()
    assert reverse("trade:import_list") in response.content.decode()


def test_overview_shows_the_city_and_links_every_figure(trade_data, city, client):
    response = login(client, city.leader).get(url("trade:analysis_overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "外贸分析总览" in html and 'data-chart="trend"' in html
    assert 'id="trend-data" type="application/json"' in html
    assert "<script>" not in html  # CSP: no inline scripts
    cards = {label: row for label, row, _link in response.context["cards"]}
    assert cards["出口"].ytd == Decimal(200) and cards["进口"].ytd == Decimal(200)
    assert "各分组占比相加不等于100%" in html
    chart = response.context["chart"]
    assert len(chart["labels"]) == 36 and chart["labels"][-1] == "2025-03"


def test_overview_defaults_to_the_latest_month(trade_data, city, client):
    response = login(client, city.leader).get(reverse("trade:analysis_overview"))
    q = response.context["q"]
    assert (q.year, q.month, q.flow, q.currency) == (2025, 3, "total", "usd")


def test_overview_query_count_is_bounded(trade_data, city, client, django_assert_max_num_queries):
    login(client, city.leader)
    with django_assert_max_num_queries(40):
        assert client.get(url("trade:analysis_overview")).status_code == 200
    login(client, city.district_a_user)  # pair rollups: a fixed number, whatever the data
    with django_assert_max_num_queries(46):  # a cache miss: version, entry, write (with cull)
        assert client.get(url("trade:analysis_overview")).status_code == 200


@pytest.mark.parametrize("by", BREAKDOWN_BYS)
def test_every_breakdown_page_renders_and_exports(trade_data, city, client, by):
    login(client, city.officer)
    response = client.get(url("trade:analysis_breakdown", by, hs="61" if by == "hs8" else ""))
    assert response.status_code == 200
    table = response.context["table"]
    export = client.get(url("trade:analysis_breakdown_export", by, hs="61" if by == "hs8" else ""))
    rows = sheet_rows(export)
    # named in Chinese as titled, 外贸分析-分国别（地区）-20261205-1030.xlsx
    disposition = unquote(export["Content-Disposition"])
    assert f"外贸分析-分{table.label}-" in disposition and ".xlsx" in disposition
    assert rows[2][0] == table.label  # title, subtitle, header
    assert rows[-1][0] == "合计"
    assert Decimal(str(rows[-1][7])) == table.total.ytd
    entry = AuditEntry.objects.get(action=f"export.trade_by-{by}")
    assert entry.actor == city.officer


def test_every_figure_drills_to_records_whose_footer_equals_it(trade_data, city, client):
    login(client, city.officer)
    html = client.get(url("trade:analysis_breakdown", "partner")).content.decode()
    links = set(re.findall(r'href="(/trade/analysis/records/\?[^"]+)"', html))
    assert len(links) >= 9
    table = client.get(url("trade:analysis_breakdown", "partner")).context["table"]
    figures = {}
    for row in [*table.rows, table.total]:
        for span in ("month", "ytd", "ytd_prev"):
            figures[(row.keys.partner, span)] = getattr(row, span)
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200
        params = response.context["keys"]
        assert response.context["total"] == figures[(params.partner, response.context["span"])]


def test_records_page_paginates_and_totals_all_pages(trade_data, city, client):
    from kaifang.trade.tests.factories import CustomsRecordFactory

    for i in range(60):
        CustomsRecordFactory(
            enterprise=trade_data.e1,
            period="2025-01-01",
            hs_code=f"8471{i:04d}",
            value_usd=Decimal("0.5"),
        )
    from kaifang.trade.rollups import rebuild_rollups

    rebuild_rollups([dt.date(2025, 1, 1)])  # as every import does: the count reads them
    login(client, city.officer)
    response = client.get(url("trade:analysis_records", span="ytd", enterprise=trade_data.e1.pk))
    assert response.context["page"].paginator.count == 62
    assert len(response.context["rows"]) == 50
    assert response.context["total"] == Decimal(180)
    rows = sheet_rows(
        client.get(url("trade:analysis_records_export", span="ytd", enterprise=trade_data.e1.pk))
    )
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][8])) == Decimal(180)
    assert len(rows) == 3 + 62 + 1
    assert AuditEntry.objects.filter(action="export.trade_records").count() == 1


def test_a_records_export_past_the_limit_is_refused_with_a_reason(
    trade_data, city, client, monkeypatch
):
    """A city's year at 5.6 M records is millions of rows: the export says how many and asks
    for a narrower range instead of holding a worker for minutes (session 37)."""
    from kaifang.trade.views import analysis

    login(client, city.officer)
    total = client.get(url("trade:analysis_records", span="ytd")).context["page"].paginator.count
    assert total > 2
    monkeypatch.setattr(analysis, "RECORDS_EXPORT_MAX", 2)
    response = client.get(url("trade:analysis_records_export", span="ytd"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("trade:analysis_records"))
    assert f"共有 {total:,} 条明细" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export.trade_records").exists()
    monkeypatch.setattr(analysis, "RECORDS_EXPORT_MAX", total)
    assert len(sheet_rows(client.get(url("trade:analysis_records_export", span="ytd")))) > total


@pytest.mark.parametrize("kind", DYNAMICS)
def test_dynamics_pages_render_and_export(trade_data, city, client, kind):
    login(client, city.leader)
    response = client.get(url("trade:analysis_dynamic", kind))
    assert response.status_code == 200
    rows = sheet_rows(client.get(url("trade:analysis_dynamic_export", kind)))
    assert len(rows) >= 3
    assert AuditEntry.objects.filter(action=f"export.trade_{kind}").exists()


def test_dynamics_content(trade_data, city, client):
    login(client, city.leader)
    assert "丁服装" in client.get(url("trade:analysis_dynamic", "new-exporters")).content.decode()
    assert "戊贸易" in client.get(url("trade:analysis_dynamic", "stopped")).content.decode()
    markets = client.get(url("trade:analysis_dynamic", "markets")).context["markets"]
    assert [r.name for r in markets.gained] == ["日本"] and [r.name for r in markets.lost] == [
        "英国"
    ]


# --- scope ---------------------------------------------------------------------------------


def test_district_user_sees_only_their_district_on_every_page(trade_data, city, client):
    login(client, city.district_b_user)
    cards = {
        label: row for label, row, _ in client.get(url("trade:analysis_overview")).context["cards"]
    }
    assert cards["出口"].ytd == Decimal(50) and cards["进口"].ytd == Decimal(0)
    for by in BREAKDOWN_BYS:
        html = client.get(
            url("trade:analysis_breakdown", by, hs="61" if by == "hs8" else "")
        ).content.decode()
        assert "甲机电" not in html and "戊贸易" not in html
    ents = client.get(url("trade:analysis_breakdown", "enterprise")).context["page"]
    assert {r.name for r in ents.object_list} == {"乙纺织", "丁服装"}
    rows = sheet_rows(client.get(url("trade:analysis_breakdown_export", "enterprise")))
    assert {r[0] for r in rows[3:-1]} == {"乙纺织", "丁服装"}
    for kind in DYNAMICS:
        html = client.get(url("trade:analysis_dynamic", kind)).content.decode()
        assert "甲机电" not in html and "戊贸易" not in html
    records = client.get(url("trade:analysis_records", span="ytd"))
    assert records.context["total"] == Decimal(50)
    assert {r.enterprise.name for r, _ in records.context["rows"]} == {"乙纺织", "丁服装"}


def test_guessed_drill_url_for_another_districts_enterprise_is_404(trade_data, city, client):
    login(client, city.district_b_user)
    other = trade_data.e1.pk  # district A
    for name, args in [
        ("trade:analysis_records", ()),
        ("trade:analysis_records_export", ()),
        ("trade:analysis_breakdown", ("partner",)),
        ("trade:analysis_breakdown_export", ("partner",)),
        ("trade:analysis_dynamic", ("markets",)),
    ]:
        assert client.get(url(name, *args, span="ytd", enterprise=other)).status_code == 404
    # by district key: nothing of district A leaks
    response = client.get(url("trade:analysis_records", span="ytd", district=city.district_a.pk))
    assert response.context["total"] == 0 and response.context["page"].paginator.count == 0


def test_anonymous_is_sent_to_login(trade_data, client):
    for name, args in [
        ("trade:analysis_overview", ()),
        ("trade:analysis_breakdown", ("partner",)),
        ("trade:analysis_records", ()),
        ("trade:analysis_records_export", ()),
        ("trade:analysis_dynamic", ("stopped",)),
    ]:
        response = client.get(url(name, *args))
        assert response.status_code == 302 and "login" in response["Location"]


def test_unknown_dimension_is_404(trade_data, city, client):
    login(client, city.leader)
    assert client.get(url("trade:analysis_breakdown", "colour")).status_code == 404
    assert client.get(url("trade:analysis_dynamic", "colour")).status_code == 404


def test_breakdown_pages_its_rows_and_keeps_the_total_over_all(
    trade_data, city, client, monkeypatch
):
    from kaifang.trade.selectors import Keys, Query, drill_records, records_total
    from kaifang.trade.views import analysis

    monkeypatch.setattr(analysis, "BREAKDOWN_PAGE_SIZE", 2)
    login(client, city.leader)
    first = client.get(url("trade:analysis_breakdown", "enterprise"))
    second = client.get(url("trade:analysis_breakdown", "enterprise", page="2"))
    names = [[r.name for r in resp.context["page"].object_list] for resp in (first, second)]
    assert names == [["甲机电", "乙纺织"], ["丁服装"]]  # by 累计, largest first
    assert "第 1/2 页" in first.content.decode() and "合计为全部 3 项之和" in first.content.decode()
    for response in (first, second):
        total = response.context["table"].total
        records = drill_records(
            viewer=city.leader, q=Query(2025, 3, "export"), span="ytd", keys=Keys()
        )
        assert total.ytd == records_total(records, "usd") == Decimal(200)
    export = client.get(url("trade:analysis_breakdown_export", "enterprise"))
    assert sum(1 for row in sheet_rows(export) if row[0] in {"甲机电", "乙纺织", "丁服装"}) == 3


@pytest.mark.parametrize(
    "name", ["trade:analysis_breakdown_export", "trade:analysis_records_export"]
)
def test_exports_keep_formula_like_names_as_text(trade_data, city, client, name):
    from kaifang.core.tests.xlsx import EVIL, assert_stored_as_text
    from kaifang.enterprises.models import Enterprise

    Enterprise.objects.filter(pk=trade_data.e1.pk).update(name=EVIL)
    login(client, city.officer)
    args = ("enterprise",) if name.endswith("breakdown_export") else ()
    response = client.get(url(name, *args, span="ytd"))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert_stored_as_text(content)


def test_partner_groups_show_their_names_without_codes(trade_data, city, client):
    response = login(client, city.leader).get(url("trade:analysis_breakdown", "group"))
    text = re.sub(r"<[^>]+>", " ", response.content.decode())  # what the user reads
    assert "美日组" in text and "日本组" in text
    assert "g-ab" not in text and "g-b" not in text


def _page_reads(rows: int, params: dict[str, object]) -> int:
    """The queries a drill-down page reads the facts with: one on SQLite; on PostgreSQL its
    ids (an index-only walk, migration trade/0016), then those rows by id, unless its one
    key has a (key, value) index (partner, trade mode, firm: one query)."""
    from django.db import connection

    keyed = len(params) == 1 and next(iter(params)) in ("partner", "mode", "enterprise")
    return 1 + (connection.vendor == "postgresql" and rows > 0 and not keyed)


def test_records_page_reads_the_facts_once_only(trade_data, city, client):
    """Issue 17: the count and both totals come from the rollups, the facts are read for the
    page's rows alone (it used to count for the paginator and sum the records three times)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for user in (city.leader, city.district_a_user):
        login(client, user)
        for params in ({}, {"partner": "502"}, {"hs": "84"}, {"enterprise": trade_data.e1.pk}):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url("trade:analysis_records", span="ytd", **params))
            assert response.status_code == 200
            sql = [q["sql"] for q in queries.captured_queries]
            facts = [s for s in sql if "trade_customsrecord" in s]
            assert len(facts) == _page_reads(len(response.context["rows"]), params), facts
            assert not any("DISTINCT" in s.upper() for s in facts)
            assert response.context["page"].paginator.count == len(response.context["rows"])
            # the rows carry what the page shows, not the firm's long texts (a narrow plan
            # sorts whole rows), and nothing shown is loaded row by row afterwards
            assert "search_text" not in facts[-1] and "problems" not in facts[-1]
            assert "<td>" in response.content.decode()
            one_by_id = ('"enterprises_enterprise"."id" = ', '"trade_customsrecord"."id" = ')
            by_row = [s for s in sql if s.endswith("LIMIT 21") and any(w in s for w in one_by_id)]
            assert len(by_row) <= 1, by_row  # the firm key's label: one


def test_records_page_with_keys_the_rollups_lack_aggregates_the_facts_once(
    trade_data, city, client
):
    """Two keys at once (or an 8-digit code) have no rollup: one aggregate and the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, city.district_a_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("trade:analysis_records", span="ytd", partner="502", hs="8471"))
    assert response.status_code == 200
    facts = [q["sql"] for q in queries.captured_queries if "trade_customsrecord" in q["sql"]]
    two_keys = {"partner": "502", "hs": "8471"}
    assert len(facts) == 1 + _page_reads(len(response.context["rows"]), two_keys), facts
    assert not any("DISTINCT" in sql.upper() for sql in facts)


def test_the_scope_line_names_a_group_without_its_internal_code(trade_data, city, client):
    """Found by the QA crawl, session 37: 「分组：rcep RCEP」."""
    login(client, city.leader)
    page = client.get(url("trade:analysis_breakdown", "partner", group="g-ab")).content.decode()
    line = re.search(r'<p class="drill-keys">(.*?)</p>', page, re.S)
    assert line is not None and "分组：美日组" in line.group(1) and "g-ab" not in line.group(1)


def test_a_kept_table_is_named_where_shown_and_a_rename_shows_at_once(trade_data, city, client):
    """Session 51: the kept table carries no names (naming the city's 5,676 codes took 25–40
    ms of its first view); the page names the rows it shows, the export every row."""
    from kaifang.core.models import Partner
    from kaifang.trade.figures import kept_breakdown
    from kaifang.trade.selectors import Keys

    login(client, city.leader)
    response = client.get(url("trade:analysis_breakdown", "partner"))
    kept = kept_breakdown(city.leader, "partner", response.context["q"], Keys())
    assert kept.rows and all(r.name == "" for r in kept.rows)
    partner = Partner.objects.get(code=kept.rows[0].key)
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    assert partner.name_zh in text
    Partner.objects.filter(pk=partner.pk).update(name_zh="改名后的国别")  # no version moves
    again = re.sub(
        r"<[^>]+>", " ", client.get(url("trade:analysis_breakdown", "partner")).content.decode()
    )
    assert "改名后的国别" in again
    export = client.get(url("trade:analysis_breakdown_export", "partner"))
    content = b"".join(export.streaming_content) if export.streaming else export.content
    sheet = load_workbook(io.BytesIO(content)).active
    assert "改名后的国别" in [cell.value for row in sheet.iter_rows() for cell in row]


def test_each_exported_record_names_its_firm_flow_and_partner(trade_data, city, client):
    """The records export's rows, read as tuples: the month, the firm's name and its credit
    code (its customs code when it has none), the flow in words, the partner's name."""
    from kaifang.core.models import Partner
    from kaifang.trade.models import CustomsRecord

    firm = trade_data.e1
    login(client, city.officer)
    rows = sheet_rows(
        client.get(url("trade:analysis_records_export", span="ytd", enterprise=firm.pk))
    )
    records = CustomsRecord.objects.filter(
        enterprise=firm, period__year=2025, period__month__lte=3, flow="export"
    )
    assert records.count() > 1 and len(rows) == 3 + records.count() + 1
    names = dict(Partner.objects.values_list("code", "name_zh"))
    expected = sorted(
        (
            f"{r.period:%Y-%m}",
            firm.name,
            firm.uscc or firm.customs_code or "",
            "出口",
            r.hs_code,
            r.partner_code,
            names.get(r.partner_code, ""),
            r.trade_mode,
            r.value_usd,
        )
        for r in records
    )
    assert sorted((*row[:8], Decimal(str(row[8]))) for row in rows[3:-1]) == expected
