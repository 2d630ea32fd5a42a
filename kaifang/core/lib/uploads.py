"""Checks on uploaded files that every module shares: the bytes must be what the name claims
(never the browser's Content-Type), and zip-based Office files must not unpack to a bomb."""

from __future__ import annotations

import io
import zipfile

import filetype

# extension → the MIME types its first bytes may show (OOXML and OFD are zip containers; the
# old binary Office formats are OLE compound files).
_SIGNATURES = {
    ".pdf": {"application/pdf"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".png": {"image/png"},
    ".zip": {"application/zip"},
    ".ofd": {"application/zip"},
    ".docx": {
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    },
    ".xlsx": {
        "application/zip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
    ".doc": {"application/msword", "application/x-ole-storage", "application/vnd.ms-excel"},
    ".xls": {"application/vnd.ms-excel", "application/x-ole-storage", "application/msword"},
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def content_matches(suffix: str, content: bytes) -> bool:
    """Whether the file's own bytes are of the type its extension claims."""
    suffix = suffix.lower()
    if suffix in {".doc", ".xls"}:
        return content.startswith(_OLE_MAGIC)
    if suffix == ".txt":
        return b"\x00" not in content[:8192]
    expected = _SIGNATURES.get(suffix)
    if expected is None:
        return False
    kind = filetype.guess(content)
    return kind is not None and kind.mime in expected


def zip_is_safe(content: bytes, *, limit: int = MAX_UNPACKED_BYTES) -> bool:
    """A zip container (docx, xlsx, ofd) whose entries unpack to at most `limit` bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist()) <= limit
    except zipfile.BadZipFile:
        return False
