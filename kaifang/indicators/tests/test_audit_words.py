"""The audit page names indicators and their fields in words: an indicator export, an
official series import, a grid import and the seeding read 指标：跨境电商交易额, 进出口：出口,
never the stored codes (cbec, fdi, export) or the keys (indicator, skipped_errors)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from kaifang.core import audit, audit_labels
from kaifang.indicators.models import Indicator

pytestmark = pytest.mark.django_db


def _rows(action: str, object_type: str, changes: dict[str, object]) -> list[tuple[str, str]]:
    return [(r.label, r.new) for r in audit_labels.change_rows(action, object_type, changes)]


@pytest.fixture
def indicators(db: None) -> None:
    Indicator.objects.create(code="cbec", name="跨境电商交易额", unit="亿元")
    Indicator.objects.create(code="fdi", name="实际使用外资", unit="亿美元", investment_kind="fdi")


def test_an_indicator_export_names_the_indicator(indicators):
    rows = _rows(
        "export.indicator",
        "indicators.indicatorvalue",
        {"indicator": "cbec", "year": 2025, "month": 3, "rows": 12},
    )
    assert rows == [("指标", "跨境电商交易额"), ("年度", "2025"), ("月份", "3"), ("行数", "12")]
    # a code no indicator has any more stays as stored
    assert _rows("export.indicator", "indicators.indicatorvalue", {"indicator": "gone"}) == [
        ("指标", "gone")
    ]


def test_indicator_imports_and_seeding_read_in_words(indicators):
    assert _rows(
        "indicators.official_import",
        "indicators.officialimport",
        {"flow": "export", "periods": ["2025-01-01"], "rows": 3},
    ) == [("进出口", "出口"), ("月份", "2025-01-01"), ("行数", "3")]
    assert _rows(
        "indicators.import_commit", "indicators.valueimport", {"rows": 2, "skipped_errors": 1}
    ) == [("有效行", "2"), ("跳过的错误行", "1")]
    assert _rows("indicators.seed", "indicators.indicator", {"indicators": 12, "regions": 12}) == [
        ("新增指标", "12"),
        ("新增地区", "12"),
    ]


def test_a_change_to_an_indicator_reads_its_fields_and_values_in_words(indicators):
    rows = audit_labels.change_rows(
        "indicator.update",
        "indicators.indicator",
        {
            "investment_kind": ["", "fdi"],
            "flow": ["export", "total"],
            "currency": ["usd", "cny"],
            "source_kind": ["entered", "investment"],
        },
    )
    assert [(r.label, r.old, r.new) for r in rows] == [
        ("投资类型", "（空）", "实际使用外资"),
        ("进出口方向", "出口", "进出口"),
        ("币种", "美元", "人民币"),
        ("取得方式", "录入或导入", "外资/对外投资记录计算"),
    ]


def test_the_audit_page_and_its_export_show_the_indicators_name(indicators, city, client: Client):
    audit.record(
        actor=city.admin,
        action="export.indicator",
        object_type="indicators.indicatorvalue",
        object_repr="实际使用外资（8 行）",
        changes={"indicator": "fdi", "year": 2025, "month": 3, "rows": 8},
    )
    client.force_login(city.admin)
    html = client.get("/audit/").content.decode()
    assert '<th scope="row">指标</th><td>—</td><td>实际使用外资</td>' in html
    assert ">fdi<" not in html
    book = load_workbook(io.BytesIO(client.get("/audit/export.xlsx").content))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert any("指标：实际使用外资" in c for c in cells)


def test_the_audit_page_names_a_pages_indicators_in_one_query(indicators, city, client: Client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def record(code: str) -> None:
        audit.record(
            actor=city.admin,
            action="export.indicator",
            object_type="indicators.indicatorvalue",
            changes={"indicator": code, "year": 2025, "month": 3, "rows": 8},
        )

    client.force_login(city.admin)
    record("cbec")
    client.get("/audit/")
    with CaptureQueriesContext(connection) as one:
        client.get("/audit/")
    for code in ("fdi", "cbec", "fdi", "gone"):
        record(code)
    with CaptureQueriesContext(connection) as five:
        html = client.get("/audit/").content.decode()
    assert len(five) == len(one)
    assert html.count("<td>实际使用外资</td>") == 2 and "<td>gone</td>" in html
