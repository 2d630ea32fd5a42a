"""Text out of an uploaded document: .docx (python-docx), .pdf (its text layer, pypdf), .txt
(UTF-8 or GB18030). Pure: no Django, no database. A scanned PDF without a text layer gives an
empty text, which the upload form refuses with a message (OCR is out of scope)."""

from __future__ import annotations

import io
from pathlib import Path

SUFFIXES = (".docx", ".pdf", ".txt")


class ExtractError(ValueError):
    """The file cannot be read as the type its name claims."""


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — the two encodings offices send."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractError("文本文件编码无法识别（应为 UTF-8 或 GB18030）")


def docx_text(raw: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as error:  # python-docx raises several types on a broken file
        raise ExtractError("无法读取该 Word 文件") from error
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def pdf_text(raw: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as error:
        raise ExtractError("无法读取该 PDF 文件") from error
    return "\n".join(pages)


def extract(name: str, raw: bytes) -> str:
    """The text of a file by its suffix; ExtractError for an unknown or unreadable one."""
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        text = docx_text(raw)
    elif suffix == ".pdf":
        text = pdf_text(raw)
    elif suffix == ".txt":
        text = decode_text(raw)
    else:
        raise ExtractError(
            f"不支持的文件类型 {suffix or '（无扩展名）'}：请上传 .docx、.pdf 或 .txt"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
