"""Word files in the official-document layout (党政机关公文格式, GB/T 9704 in spirit):
title in 方正小标宋简体 centred, body in 仿宋_GB2312, headings in 黑体, with the CJK
(east-asian) font set on every run so Word does not fall back to a Latin font."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"


@dataclass
class OfficialDocument:
    """What to print: a title, an optional subtitle line, paragraphs, then one table."""

    title: str
    subtitle: str = ""
    paragraphs: Sequence[str] = ()
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()
    widths_cm: Sequence[float] = ()
    landscape: bool = True
    footer: Sequence[str] = field(default_factory=tuple)


def _font(run: object, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run.font.bold = bold  # type: ignore[attr-defined]
    r_pr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = r_pr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def render_official(doc: OfficialDocument) -> bytes:
    document = Document()
    section = document.sections[0]
    if doc.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(doc.title), TITLE_FONT, 22)
    if doc.subtitle:
        sub = document.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(sub.add_run(doc.subtitle), "楷体_GB2312", 16)
    for text in doc.paragraphs:
        para = document.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(32)
        _font(para.add_run(text), BODY_FONT, 16)
    if doc.columns:
        table = document.add_table(rows=1, cols=len(doc.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, name in zip(table.rows[0].cells, doc.columns, strict=True):
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(para.add_run(name), HEADING_FONT, 12, bold=True)
        for values in doc.rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 12)
        for i, width in enumerate(doc.widths_cm):
            for row in table.rows:
                row.cells[i].width = Cm(width)
    for text in doc.footer:
        para = document.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(para.add_run(text), BODY_FONT, 16)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
