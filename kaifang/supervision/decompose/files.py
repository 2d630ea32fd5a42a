"""Read an uploaded source file (.txt or .docx) into text, whatever name it was given.

Why this exists: offices send PDFs, old .doc files, RTF and zip archives under a .txt or .docx
name, and Notepad saves "Unicode" text as UTF-16. The upload form and ``kaifang decompose`` both
read files through ``read_source_bytes`` so they tell the user the same thing: what the file
really is and what to upload instead. Pure Python, no Django (the caller turns
``UnreadableSource`` into its own error).
"""

from __future__ import annotations

import io
import zipfile

from kaifang.supervision.decompose.docx import read_docx

__all__ = ["UnreadableSource", "decode_text", "read_source_bytes", "sniff"]

SAVE_AS = "。只支持 .txt 和 .docx 文件，请在 Word/WPS 中另存为 .docx 或 .txt（UTF-8）后再上传。"

# Files offices send by mistake, told apart by their first bytes whatever their name.
_SIGNATURES = (
    (b"%PDF", "这是 PDF 文件"),
    (b"\xd0\xcf\x11\xe0", "这是旧版 Word（.doc）或 WPS 文件"),
    (b"{\\rtf", "这是 RTF 文件"),
    (b"\x89PNG", "这是 PNG 图片"),
    (b"\xff\xd8\xff", "这是 JPEG 图片"),
    (b"Rar!", "这是 RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "这是 7z 压缩包"),
)
_OLE = b"\xd0\xcf\x11\xe0"
_REFUSED_SUFFIXES = (".doc", ".pdf", ".wps", ".rtf", ".ofd", ".xls", ".xlsx", ".ppt", ".pptx")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),  # UTF-16 LE: Notepad's "Unicode"
    (b"\xfe\xff", "utf-16"),  # UTF-16 BE: "Unicode big endian"
)


class UnreadableSource(ValueError):
    """A source file that cannot be read as text; the message is the Chinese reason."""


def _zip_kind(raw: bytes) -> str:
    """What a zip container is, by its members: "docx", "xlsx", "pptx", "ofd" or "zip"."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = {name.lower() for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.startswith("ppt/") for name in names):
        return "pptx"
    if "ofd.xml" in names:
        return "ofd"
    return "zip"


_ZIP_KINDS = {
    "docx": "这是 Word（.docx）文件",
    "xlsx": "这是 Excel（.xlsx）文件",
    "pptx": "这是 PowerPoint（.pptx）文件",
    "ofd": "这是 OFD 版式文件",
    "zip": "这是 ZIP 压缩包",
}


def sniff(raw: bytes) -> str | None:
    """What the file's own bytes say it is ("这是 PDF 文件"), or None for plain text and for
    bytes no signature names. A zip container is named by its members (.docx, .xlsx, OFD…)."""
    if raw.startswith(_OLE) and "EncryptedPackage".encode("utf-16-le") in raw:
        return "这是设置了打开密码的 Word/Excel 文件（请先取消密码）"
    for signature, what in _SIGNATURES:
        if raw.startswith(signature):
            return what
    if raw.startswith(b"PK\x03\x04"):
        return _ZIP_KINDS[_zip_kind(raw)]
    return None


def decode_text(raw: bytes) -> str:
    """Text of a .txt file: by its byte-order mark (UTF-8, UTF-16 LE or BE), else UTF-8, else
    GB18030 — the encodings offices send."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as error:
                raise UnreadableSource("文件编码已损坏，请重新另存为 UTF-8 后再上传。") from error
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableSource("无法识别文件编码，请另存为 UTF-8 或 GB18030 后再上传。")


def read_source_bytes(raw: bytes, suffix: str) -> str:
    """The text of a source file given its bytes and its name's suffix (".txt", ".docx").

    Raises ``UnreadableSource`` naming what the file really is when its bytes are not what the
    suffix claims (a PDF renamed .txt), for formats the decomposer cannot read, and for a damaged
    .docx. A .docx renamed .txt is read as the Word file it is."""
    suffix = suffix.lower()
    what = sniff(raw)
    damaged = UnreadableSource(f"DOCX 文件已损坏或不是有效的 DOCX 文件{SAVE_AS}")
    if suffix == ".docx" and what == _ZIP_KINDS["zip"]:
        raise damaged  # a zip that lost its Word parts
    if what == _ZIP_KINDS["docx"] and suffix in (".txt", ".docx"):
        try:
            return read_docx(raw).text
        except Exception as error:  # python-docx raises zip, XML and key errors alike
            raise damaged from error
    if what is not None:
        raise UnreadableSource(f"不支持该文件：{what}{SAVE_AS}")
    if suffix == ".docx":
        raise damaged
    if suffix in _REFUSED_SUFFIXES:
        raise UnreadableSource(f"不支持 {suffix} 文件{SAVE_AS}")
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableSource(f"不支持该文件：这不是文本文件{SAVE_AS}")
    return decode_text(raw)
