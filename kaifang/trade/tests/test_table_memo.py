"""The breakdown tables are rendered once per content (trade/views/tables.py): a table whose
figures or names change is rendered anew, an unchanged one comes from the memo."""

from __future__ import annotations

from collections import OrderedDict

import pytest

from kaifang.core.models import Partner
from kaifang.trade.views import tables

pytestmark = pytest.mark.django_db


def test_a_renamed_partner_shows_at_once(trade_data, city, client):
    client.force_login(city.leader)
    first = client.get("/trade/analysis/by/partner/?year=2025&month=3").content.decode()
    assert "美国" in first
    Partner.objects.filter(code="502").update(name_zh="美利坚合众国", name_zh_clean="美利坚合众国")
    again = client.get("/trade/analysis/by/partner/?year=2025&month=3").content.decode()
    assert "美利坚合众国" in again


def test_the_same_table_is_rendered_once(trade_data, city, client, monkeypatch):
    client.force_login(city.leader)
    monkeypatch.setattr(tables, "_HTML", OrderedDict())  # as in a fresh process
    renders = []
    real = tables.render_to_string
    monkeypatch.setattr(
        tables, "render_to_string", lambda *a, **k: renders.append(a[0]) or real(*a, **k)
    )
    url = "/trade/analysis/by/partner/?year=2025&month=3"
    first, second = (client.get(url).content.decode() for _ in range(2))
    table = slice(first.index('<table class="table analysis-table"'), first.index("</table>"))
    assert first[table] == second[table]
    assert renders == [tables.TEMPLATE]


def test_only_the_rows_shown_are_named_afresh(trade_data, city, client, monkeypatch):
    """A page names its own rows, not every row of the table (the whole city's 8,051 codes
    took 57 ms of each view of a page showing 100; session 48); the export names them all."""
    from importlib import import_module

    from kaifang.trade.views import analysis

    breakdown = import_module("kaifang.trade.selectors.breakdown")  # the module, not the function

    client.force_login(city.leader)
    monkeypatch.setattr(analysis, "BREAKDOWN_PAGE_SIZE", 1)
    asked: list[list[str]] = []
    real = breakdown.names_for
    monkeypatch.setattr(
        breakdown, "names_for", lambda by, codes: asked.append(list(codes)) or real(by, codes)
    )
    page = client.get("/trade/analysis/by/partner/?year=2025&month=3&page=2").content.decode()
    assert len(asked) == 1 and len(asked[0]) == 1, asked
    assert real("partner", asked[0])[asked[0][0]] in page
    asked.clear()
    assert client.get("/trade/analysis/by/partner/export.xlsx?year=2025&month=3").status_code == 200
    assert len(asked) == 1 and len(asked[0]) > 1, asked
