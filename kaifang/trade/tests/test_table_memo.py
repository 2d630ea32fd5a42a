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
