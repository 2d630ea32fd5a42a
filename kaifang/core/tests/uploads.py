"""Real Office files for upload tests, and the same files with a program slipped inside."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from openpyxl import Workbook


def docx_bytes(text: str = "") -> bytes:
    document = Document()
    if text:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[object]] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows or []:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(content: bytes, name: str, data: bytes = b"MZ\x90\x00") -> bytes:
    """A copy of the zip `content` with one more member (by default a Windows program)."""
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()
