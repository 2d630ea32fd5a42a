"""Tests for kaifang.supervision.decompose.docx, on documents built here with python-docx."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx

from kaifang.supervision.decompose import UnitRef, decompose, decompose_table, read_docx

from .conftest import DOC_DATE


def _document() -> bytes:
    document = docx.Document()
    document.add_paragraph("2026年对外开放重点任务分解表")
    document.add_paragraph("要加快推进跨境电商通道建设，力争年底前实现突破。")
    table = document.add_table(rows=4, cols=5)
    rows = [
        ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
        ["1", "加快推进综保区申建", "市商务局", "市发改委\n市财政局", "2026年12月31日前"],
        ["", "", "", "", ""],
        ["2", "推动自贸大厦投用", "自贸区某某片区管委会", "", "年内"],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    merged = table.cell(2, 0).merge(table.cell(2, 4))
    merged.text = "一、开放平台"
    document.add_paragraph("以上任务每月23日前报送进展。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_read_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    data = _document()
    path = tmp_path / "plan.docx"
    path.write_bytes(data)
    for source in (data, path, str(path)):
        content = read_docx(source)
        lines = content.text.split("\n")
        assert lines[0] == "2026年对外开放重点任务分解表"
        assert lines[2] == "序号\t重点任务\t牵头单位\t责任单位\t完成时限"
        assert lines[-1] == "以上任务每月23日前报送进展。"
        [table] = content.tables
        assert table[1][3] == "市发改委\n市财政局"
        assert table[2] == ["一、开放平台"] * 5


def test_docx_table_decomposes(directory: list[UnitRef]) -> None:
    content = read_docx(_document())
    from_text = decompose(content.text, doc_date=DOC_DATE, units=directory)
    assert [
        (c.kind, c.text, c.lead_unit, c.co_units, c.deadline, c.section) for c in from_text
    ] == [
        (
            "sentence",
            "加快推进跨境电商通道建设，力争年底前实现突破",
            None,
            [],
            dt.date(2026, 12, 31),
            None,
        ),
        (
            "table",
            "加快推进综保区申建",
            "市商务局",
            ["市发展和改革委员会", "市财政局"],
            dt.date(2026, 12, 31),
            None,
        ),
        (
            "table",
            "推动自贸大厦投用",
            "自贸区某某片区管委会",
            [],
            dt.date(2026, 12, 31),
            "一、开放平台",
        ),
        # The reporting instruction after the table, the document's last line, is a task too.
        ("sentence", "以上任务每月23日前报送进展", None, [], dt.date(2026, 3, 23), None),
    ]
    from_rows = decompose_table(content.tables[0], doc_date=DOC_DATE, units=directory)
    assert [c.text for c in from_rows] == ["加快推进综保区申建", "推动自贸大厦投用"]
