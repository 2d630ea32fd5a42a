"""`kaifang decompose`'s reading of its input file: files an office sends by mistake give a
Chinese error (and a non-zero exit through CommandError), never a traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaifang.supervision.management.commands.decompose import read_source


def _write(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("纪要.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版 Word"),
        ("纪要.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版 Word"),
        ("通知.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(300), "PDF"),
        ("通知.txt", b"%PDF-1.4\n" + bytes(300), "PDF"),
        ("方案.docx", b"not a zip at all", "DOCX 文件已损坏"),
        ("空白.txt", b"", "文件为空"),
        ("空白2.txt", b"\xef\xbb\xbf\r\n  \r\n", "文件为空"),
    ],
)
def test_unreadable_files_give_a_chinese_error(
    tmp_path: Path, name: str, raw: bytes, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        read_source(_write(tmp_path, name, raw))


def test_a_zip_that_is_not_a_word_file(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(CommandError, match="DOCX 文件已损坏"):
        read_source(_write(tmp_path, "方案.docx", buffer.getvalue()))


def test_readable_files(tmp_path: Path) -> None:
    text = "市商务局要在6月底前完成外贸企业走访。"
    assert read_source(_write(tmp_path, "a.txt", text.encode("gb18030"))) == text
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_source(_write(tmp_path, "b.docx", buffer.getvalue())) == text
    with pytest.raises(CommandError, match="文件不存在"):
        read_source(tmp_path / "missing.txt")


def test_the_command_stops_with_the_message(tmp_path: Path) -> None:
    path = _write(tmp_path, "纪要.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(CommandError, match=r"另存为 \.docx"):
        call_command("decompose", str(path), "--date", "2026-03-01", "--json")
