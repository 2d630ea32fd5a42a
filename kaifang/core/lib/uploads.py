"""Checks on uploaded files that every module shares: the bytes must be what the name claims
(never the browser's Content-Type), and every zip-based file (docx, xlsx, ofd, zip) passes
`check_container`: no bomb, no program inside, only the parts its format holds."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath
from typing import BinaryIO

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


class UploadRefused(ValueError):
    """An upload that must not be stored or read; the message is the Chinese reason."""


ZIP_SUFFIXES = {".docx", ".xlsx", ".ofd", ".zip"}
MAX_MEMBERS = 10_000
# A member unpacking past 10 MB at more than 500x its packed size is a bomb, not a file (real
# sheets and documents stay well under 100x).
MAX_RATIO = 500
RATIO_FROM_BYTES = 10 * 1024 * 1024
# What an OOXML package holds at its top level (ECMA-376 part names; customXml comes from WPS
# and SharePoint). OFD packages are a root OFD.xml and Doc_N folders, any zip anything but
# programs.
_OOXML_TOP = {"[content_types].xml", "_rels", "docprops", "customxml"}
_FORMAT_TOP = {".docx": _OOXML_TOP | {"word"}, ".xlsx": _OOXML_TOP | {"xl"}}
_PROGRAMS = {
    ".exe", ".dll", ".com", ".scr", ".pif", ".cpl", ".msi", ".bat", ".cmd", ".ps1", ".vbs",
    ".vbe", ".js", ".jse", ".wsf", ".hta", ".jar", ".sh", ".elf", ".so", ".lnk", ".reg",
}  # fmt: skip


def _starts_as_zip(content: bytes | BinaryIO) -> bool:
    if isinstance(content, bytes):
        head = content[:4]
    else:
        head = content.read(4)
        content.seek(0)
    return head == b"PK\x03\x04"


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _is_encrypted_office(content: bytes | BinaryIO) -> bool:
    """An .xlsx/.docx saved with an opening password: an OLE2 file holding an EncryptedPackage
    stream instead of the zip (so it reads as a damaged zip)."""
    if isinstance(content, bytes):
        data = content
    else:
        content.seek(0)
        data = content.read()
        content.seek(0)
    return data.startswith(_OLE2) and "EncryptedPackage".encode("utf-16-le") in data


def check_container(
    suffix: str, content: bytes | BinaryIO, *, limit: int = MAX_UNPACKED_BYTES
) -> None:
    """The one check of every zip-based upload (.docx, .xlsx, .ofd, .zip): a readable zip, at
    most `limit` bytes unpacked and MAX_MEMBERS members, no member compressed past MAX_RATIO,
    no member outside the folder, no program inside, and for .docx/.xlsx only the parts that
    format contains. A file of another name whose bytes are a zip (an .xlsx renamed .csv,
    which the table reader reads by its content) gets the same checks but the format's.
    Raises UploadRefused with a Chinese reason; other files pass."""
    suffix = suffix.lower()
    if suffix not in ZIP_SUFFIXES and not _starts_as_zip(content):
        return
    label = suffix.lstrip(".").upper() or "上传的"
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        if _is_encrypted_office(content):
            program = {".xlsx": "Excel", ".docx": "Word"}.get(suffix, "Office")
            raise UploadRefused(
                f"{label} 文件设置了打开密码：请在 {program} 中取消密码并另存后再上传。"
            ) from error
        raise UploadRefused(f"{label} 文件已损坏或不是有效的 {label} 文件。") from error
    finally:
        if not isinstance(content, bytes):
            content.seek(0)
    if len(members) > MAX_MEMBERS:
        raise UploadRefused(f"{label} 文件包含的条目过多（超过 {MAX_MEMBERS} 个）。")
    if sum(m.file_size for m in members) > limit:
        raise UploadRefused(f"{label} 文件解压后超过 {limit // 1024 // 1024} MB，已拒收。")
    allowed_top = _FORMAT_TOP.get(suffix)
    names = set()
    for member in members:
        name = member.filename.replace("\\", "/")
        parts = [p for p in name.split("/") if p]
        names.add(name.lower())
        if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            raise UploadRefused(f"{label} 文件中有指向文件夹以外的条目（{name[:80]}），已拒收。")
        if member.file_size > max(RATIO_FROM_BYTES, MAX_RATIO * member.compress_size):
            raise UploadRefused(f"{label} 文件的压缩比异常（疑似压缩炸弹），已拒收。")
        if PurePosixPath(name.lower()).suffix in _PROGRAMS:
            raise UploadRefused(f"{label} 文件中包含可执行程序（{name[:80]}），已拒收。")
        if allowed_top is not None and parts and parts[0].lower() not in allowed_top:
            raise UploadRefused(
                f"{label} 文件中有不属于 {label} 格式的内容（{name[:80]}），请上传真实的文件。"
            )
    if allowed_top is not None and "[content_types].xml" not in names:
        raise UploadRefused(f"不是有效的 {label} 文件（缺少 [Content_Types].xml）。")
