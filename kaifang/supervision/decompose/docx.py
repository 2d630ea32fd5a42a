"""Read a .docx source document into text and tables, with python-docx.

Why this exists: minutes, work plans and 任务分解表 arrive as Word files. The decomposer works on
text, so this module flattens a document into its paragraphs and tables in body order. Each table
also appears in ``text`` as tab-separated lines (``candidates.render_table``), so ``decompose``
finds 任务分解表 without a separate path; ``tables`` keeps the cell texts for callers that want
``decompose_table`` or a preview.

Paragraphs numbered by Word (a numbered list or a "List Number" style) carry no typed enumerator,
so the outline would not see their structure: each gets the enumerator of its list level in the
official hierarchy (一、 （一） 1. （1）), levels ranked in order of first appearance. Bullets get
none.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from kaifang.supervision.decompose.candidates import render_table
from kaifang.supervision.decompose.cleanup import fold
from kaifang.supervision.decompose.sentences import marker_at

__all__ = ["DocxContent", "read_docx"]


@dataclass(frozen=True)
class DocxContent:
    """The paragraphs of a document as text, and its tables as rows of cell texts."""

    text: str
    tables: list[list[list[str]]] = field(default_factory=list)


def _rows(table: Table) -> list[list[str]]:
    # One cell per grid column: a merged cell repeats its text, which keeps columns aligned (and
    # a row merged across the table, such as "一、开放平台", reads as a section row).
    return [[cell.text.strip() for cell in row.cells] for row in table.rows]


_CN_NUMBERS = "一二三四五六七八九十"
_LEVEL_FORMATS = ("{cn}、", "（{cn}）", "{n}.", "（{n}）")


def _cn(n: int) -> str:
    if n <= 10:
        return _CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return (
        (_CN_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (_CN_NUMBERS[ones - 1] if ones else "")
    )


def _num_pr(paragraph: Paragraph) -> tuple[str, str] | None:
    """(numId, ilvl) of a paragraph numbered directly or through its style (and its bases)."""
    p_pr = paragraph._p.pPr
    num_pr: Any = p_pr.numPr if p_pr is not None else None
    style = paragraph.style
    while (num_pr is None or num_pr.numId is None) and style is not None:
        style_p_pr = style.element.pPr
        num_pr = style_p_pr.numPr if style_p_pr is not None else None
        style = style.base_style
    if num_pr is None or num_pr.numId is None or num_pr.numId.val in (0, None):
        return None
    ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    return str(num_pr.numId.val), str(ilvl)


def _formats(document: Document) -> dict[tuple[str, str], str]:
    """numFmt of each (numId, ilvl) of the document's numbering definitions."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    abstract = {
        a.get(qn("w:abstractNumId")): {
            lvl.get(qn("w:ilvl")): (fmt.get(qn("w:val")) if fmt is not None else "decimal")
            for lvl in a.findall(qn("w:lvl"))
            for fmt in [lvl.find(qn("w:numFmt"))]
        }
        for a in numbering.findall(qn("w:abstractNum"))
    }
    formats: dict[tuple[str, str], str] = {}
    for num in numbering.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        levels = abstract.get(ref.get(qn("w:val")) if ref is not None else None, {})
        for ilvl, fmt in levels.items():
            formats[(num.get(qn("w:numId")) or "", ilvl or "0")] = fmt or "decimal"
    return formats


class _Outline:
    """Enumerators for Word-numbered paragraphs, by list level."""

    def __init__(self, document: Document) -> None:
        self.formats = _formats(document)
        self.levels: list[tuple[str, str]] = []
        self.counters: list[int] = []

    def label(self, paragraph: Paragraph) -> str:
        key = _num_pr(paragraph)
        text = paragraph.text
        if key is None or self.formats.get(key, "decimal") in ("bullet", "none"):
            return ""
        if not text.strip() or marker_at(fold(text.lstrip()), 0) is not None:
            return ""  # an empty line, or the enumerator is typed as well
        if key not in self.levels:
            self.levels.append(key)
            self.counters.append(0)
        level = self.levels.index(key)
        self.counters[level] += 1
        for deeper in range(level + 1, len(self.counters)):
            self.counters[deeper] = 0
        if level >= len(_LEVEL_FORMATS):
            return ""
        n = self.counters[level]
        label = _LEVEL_FORMATS[level].format(cn=_cn(n), n=n)
        return label + " " if label.endswith(".") and text[:1].isdigit() else label  # "2. 5月底前"


def read_docx(path_or_bytes: str | Path | bytes) -> DocxContent:
    """Paragraph texts and tables of a .docx file, in body order."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    document = docx.Document(source)
    outline = _Outline(document)
    lines: list[str] = []
    tables: list[list[list[str]]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(outline.label(block) + block.text)
        elif isinstance(block, Table):
            rows = _rows(block)
            tables.append(rows)
            lines.append(render_table(rows))
    return DocxContent(text="\n".join(lines), tables=tables)
