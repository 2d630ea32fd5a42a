"""The audit page reads in Chinese: each action code described, each change a row with its
field's name and its old and new values (是/否, （空）, choice labels), never a Python dict."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.test import Client

from kaifang.core import audit, audit_labels
from kaifang.core.models import AuditEntry, UnitKind


def test_every_action_code_written_by_the_code_has_a_description():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    codes = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        codes |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text("utf-8")))
    missing = sorted(c for c in codes if audit_labels.describe(c) == c)
    assert missing == []


@pytest.mark.parametrize(
    ("code", "object_type", "words"),
    [
        ("export.supervision.ledger_docx", "", "导出督办台账（Word）"),
        ("appeal.route", "servicedesk.appeal", "诉求派单"),
        ("import.commit.fdi", "trade.importbatch", "确认导入实际使用外资"),
        ("export.trade_by-hs2", "", "导出外贸分析表"),
        ("user.update", "core.user", "修改用户"),
    ],
)
def test_dynamic_codes_are_described(code, object_type, words):
    assert audit_labels.describe(code, object_type) == words


def test_changes_become_rows_with_field_names_and_words():
    rows = audit_labels.change_rows(
        "unit.update",
        "core.unit",
        {"name": ["东城区商务局", "东城区商务和投资促进局"], "is_active": [True, False]},
    )
    by_label = {r.label: (r.old, r.new) for r in rows}
    assert by_label["单位名称"] == ("东城区商务局", "东城区商务和投资促进局")
    assert any(v == ("是", "否") for v in by_label.values())
    kinds = audit_labels.change_rows("unit.create", "core.unit", {"kind": UnitKind.DISTRICT})
    assert kinds[0].new == UnitKind.DISTRICT.label and kinds[0].old is None
    empty = audit_labels.change_rows("enterprise.update", "", {"note": [None, "新备注"]})
    assert (empty[0].label, empty[0].old, empty[0].new) == ("说明", "（空）", "新备注")


@pytest.mark.django_db
def test_audit_page_shows_descriptions_and_a_change_table(city, client: Client):
    audit.record(
        actor=city.admin,
        action="unit.update",
        obj=city.district_a,
        changes=audit.diff(
            {"name": "东城区商务局", "note": None}, {"name": "东城商务局", "note": None}
        ),
    )
    audit.record(actor=city.admin, action="export.supervision.ledger_docx", changes={"count": 3})
    client.force_login(city.admin)
    html = client.get("/audit/").content.decode()
    assert "修改单位" in html and "导出督办台账（Word）" in html
    assert '<th scope="row">单位名称</th><td>东城区商务局</td><td>东城商务局</td>' in html
    assert "None" not in html
    assert "{&#x27;" not in html and "{'" not in html  # no Python dicts


def test_a_trade_exports_filters_read_in_words():
    """Found by the QA crawl, session 37: the audit page showed `usd`, `total`, `hs` and the
    risk scenario's export codes as stored."""
    assert audit_labels.describe("export.risk_scenario_docx") == "导出风险情景报告（Word）"
    assert audit_labels.describe("export.risk_scenario_xlsx") == "导出风险情景明细（Excel）"
    rows = audit_labels.change_rows(
        "export.trade_by-partner", "", {"currency": "usd", "flow": "total", "hs": "85", "by": "hs4"}
    )
    assert [(r.label, r.new) for r in rows] == [
        ("币种", "美元"),
        ("进出口", "进出口"),
        ("商品编码", "85"),
        ("维度", "商品品目"),
    ]


@pytest.mark.django_db
def test_audit_search_finds_what_the_page_shows(city, client: Client):
    """The 操作 filter matched the stored codes only: 导出 found nothing although the page
    read 导出督办台账（Word） (UX review, 2026-12-05)."""
    audit.record(actor=city.admin, action="export.supervision.ledger_docx", changes={"count": 3})
    audit.record(actor=city.admin, action="unit.update", obj=city.district_a, changes={})
    client.force_login(city.admin)
    html = client.get("/audit/?action=导出").content.decode()
    assert "导出督办台账（Word）" in html and "修改单位" not in html
    html = client.get("/audit/?action=修改单位").content.decode()
    assert "修改单位" in html and "导出督办台账" not in html
    html = client.get("/audit/?action=export").content.decode()  # the codes still match
    assert "导出督办台账（Word）" in html and "修改单位" not in html


@pytest.mark.django_db
def test_the_audit_log_exports_what_the_page_lists(city, client: Client):
    """The audit log had no export (UX review, 2026-12-05): 导出 Excel writes the filtered
    entries in words, is itself audited, and is for administrators only."""
    import io

    from openpyxl import load_workbook

    audit.record(
        actor=city.admin,
        action="unit.update",
        obj=city.district_a,
        changes=audit.diff({"name": "东城区商务局"}, {"name": "东城商务局"}),
    )
    audit.record(actor=city.admin, action="export.supervision.ledger_docx", changes={"count": 3})
    client.force_login(city.admin)
    assert "/audit/export.xlsx?" in client.get("/audit/").content.decode()
    response = client.get("/audit/export.xlsx?action=修改")
    assert response.status_code == 200
    cells = [
        str(c)
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    assert "修改单位" in cells and "单位名称：东城区商务局 → 东城商务局" in cells
    assert "导出督办台账（Word）" not in cells
    assert AuditEntry.objects.filter(action="export.audit", actor=city.admin).exists()
    client.force_login(city.district_a_user)
    assert client.get("/audit/export.xlsx").status_code == 302  # the admin login


def test_a_long_audit_export_is_written_by_the_worker_with_the_pages_filters(
    city, client, settings, django_capture_on_commit_callbacks
):
    from kaifang.core.audit_export import AUDIT_HEADERS, audit_file
    from kaifang.core.tests.queue import export_through_worker

    for _ in range(2):
        audit.record(actor=city.admin, action="unit.update", obj=city.district_a, changes={})
    audit.record(actor=city.admin, action="export.supervision.ledger_docx", changes={"count": 3})
    client.force_login(city.admin)
    settings.EXPORT_SYNC_CELLS = 2 * len(AUDIT_HEADERS) - 1  # the two edits, a cell fewer
    job, rows = export_through_worker(
        client, "/audit/export.xlsx?action=修改", django_capture_on_commit_callbacks
    )
    assert [row[2] for row in rows[3:]] == ["修改单位", "修改单位"]
    assert job.owner == city.admin and job.result["rows"] == 2
    entry = AuditEntry.objects.get(action="export.audit")
    assert entry.actor == city.admin and entry.changes["filters"] == {"action": "修改"}
    # the writer refuses anyone but an administrator, should the job's owner have lost it
    with pytest.raises(PermissionDenied):
        audit_file(user=city.district_a_user, params=QueryDict(""))
