"""The monthly briefing (对外开放工作月报) in the official-document layout, and its Excel annex
with every table. Plain data in, bytes out; no ORM (STYLE.md §13).

Layout (GB/T 9704 in spirit): A4, margins 3.7/3.5/2.8/2.6 cm; the title in 方正小标宋简体 二号
centred; the number line (文号行: 期数, 编发单位, 日期) in 仿宋 三号 above a red rule; body in
仿宋_GB2312 三号 with a two-character first-line indent; level-one headings in 黑体, level-two
in 楷体_GB2312; tables in 仿宋 小四 with 黑体 headers, their captions (表N) above; charts as
PNG pictures 15 cm wide with their captions (图N) below; the page number "— N —" in the
footer."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kaifang.reports.renderers.charts import Chart, render_chart
from kaifang.reports.renderers.docx import BODY_FONT, HEADING_FONT, TITLE_FONT, _font

KAITI = "楷体_GB2312"
Cell = str | int | float | None


@dataclass
class Table:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]


@dataclass
class Section:
    heading: str  # 一、…
    paragraphs: list[str] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)  # 楷体 headings (（一）…)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)  # drawn after the paragraphs


@dataclass
class Briefing:
    title: str
    number_line: str  # 2026年第10期　　示范市商务局　　2026年11月15日
    lead: str  # the opening paragraph: the headline in statistical-release phrasing
    sections: list[Section] = field(default_factory=list)
    footer_note: str = ""


def _page_number(section: object) -> None:
    footer = section.footer  # type: ignore[attr-defined]
    para = footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(para.add_run("— "), BODY_FONT, 14)
    run = para.add_run()
    _font(run, BODY_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _font(para.add_run(" —"), BODY_FONT, 14)


def _red_rule(paragraph: object) -> None:
    p_pr = paragraph._element.get_or_add_pPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "12"),
        ("w:space", "4"),
        ("w:color", "C00000"),
    ):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _body(document: object, text: str) -> None:
    para = document.add_paragraph()  # type: ignore[attr-defined]
    para.paragraph_format.first_line_indent = Pt(32)
    para.paragraph_format.line_spacing = Pt(28)
    _font(para.add_run(text), BODY_FONT, 16)


def _heading(document: object, text: str, font: str) -> None:
    para = document.add_paragraph()  # type: ignore[attr-defined]
    para.paragraph_format.first_line_indent = Pt(32)
    para.paragraph_format.line_spacing = Pt(28)
    _font(para.add_run(text), font, 16)


def _table(document: object, table: Table) -> None:
    caption = document.add_paragraph()  # type: ignore[attr-defined]
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.keep_with_next = True  # never a caption alone at a page's foot
    _font(caption.add_run(table.title), HEADING_FONT, 12)
    grid = document.add_table(rows=1, cols=len(table.columns))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
        para = cell.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(para.add_run(name), HEADING_FONT, 10.5)
    for values in table.rows:
        cells = grid.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            para = cell.paragraphs[0]
            if index:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(para.add_run("—" if value is None else str(value)), BODY_FONT, 10.5)


def _chart(document: object, chart: Chart) -> None:
    """The picture centred, 15 cm wide, its caption (图N　…) below it in 黑体 as statistical
    bulletins print figures; notes in 仿宋 under the caption."""
    para = document.add_paragraph()  # type: ignore[attr-defined]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = True
    para.add_run().add_picture(io.BytesIO(render_chart(chart)), width=Cm(15))
    caption = document.add_paragraph()  # type: ignore[attr-defined]
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(caption.add_run(chart.title), HEADING_FONT, 12)
    for note in chart.notes:
        line = document.add_paragraph()  # type: ignore[attr-defined]
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(line.add_run(note), BODY_FONT, 10.5)


def render_briefing(doc: Briefing) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _page_number(section)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(doc.title)
    _font(run, TITLE_FONT, 22)
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(number.add_run(doc.number_line), BODY_FONT, 16)
    _red_rule(number)
    _body(document, doc.lead)
    for part in doc.sections:
        _heading(document, part.heading, HEADING_FONT)
        for text in part.paragraphs:
            _body(document, text)
        for chart in part.charts:
            _chart(document, chart)
        for sub in part.subsections:
            _heading(document, sub.heading, KAITI)
            for text in sub.paragraphs:
                _body(document, text)
            for table in sub.tables:
                _table(document, table)
        for table in part.tables:
            _table(document, table)
    if doc.footer_note:
        para = document.add_paragraph()
        _font(para.add_run(doc.footer_note), BODY_FONT, 12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def all_charts(doc: Briefing) -> list[Chart]:
    return [chart for part in doc.sections for chart in part.charts]


def all_tables(doc: Briefing) -> list[Table]:
    out: list[Table] = []
    for part in doc.sections:
        for sub in part.subsections:
            out.extend(sub.tables)
        out.extend(part.tables)
    return out


def render_annex(doc: Briefing) -> bytes:
    """Every table of the briefing, one sheet each, named 表1, 表2 …"""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    for index, table in enumerate(all_tables(doc), start=1):
        ws = workbook.create_sheet(f"表{index}")
        ws.append([table.title])
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        ws.append(list(table.columns))
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for values in table.rows:
            ws.append(list(values))
        ws.column_dimensions["A"].width = 28
    if not workbook.worksheets:
        workbook.create_sheet("说明").append(["本月无附表"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
