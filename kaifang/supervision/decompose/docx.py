"""Read a .docx source document into text and tables, with python-docx.

Why this exists: minutes, work plans and 任务分解表 arrive as Word files. The decomposer works on
text, so this module flattens a document into its paragraphs and tables in body order. Each table
also appears in ``text`` as tab-separated lines (``candidates.render_table``), so ``decompose``
finds 任务分解表 without a separate path; ``tables`` keeps the cell texts for callers that want
``decompose_table`` or a preview.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from kaifang.supervision.decompose.candidates import render_table

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


def read_docx(path_or_bytes: str | Path | bytes) -> DocxContent:
    """Paragraph texts and tables of a .docx file, in body order."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    document = docx.Document(source)
    lines: list[str] = []
    tables: list[list[list[str]]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            rows = _rows(block)
            tables.append(rows)
            lines.append(render_table(rows))
    return DocxContent(text="\n".join(lines), tables=tables)
