"""A source file that is not what its name says: the upload form and `kaifang decompose` read it
through one function and tell the office, in Chinese, what the file really is and what to upload
instead; text files in the encodings offices send are read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.test import Client

from kaifang.supervision.management.commands.decompose import read_source
from kaifang.supervision.models import SourceDocument

SENTENCE = "市商务局要在9月底前完成跨境电商企业摸底。"


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


RENAMED = [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(300), "这是 PDF 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版 Word（.doc）"),
    (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}}", "这是 RTF 文件"),
    (_zip({"通知.docx": "x", "附件.txt": "y"}), "这是 ZIP 压缩包"),
    (_zip({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<x/>"}), "Excel"),
]


def _upload(client: Client, name: str, raw: bytes):  # type: ignore[no-untyped-def]
    data = {"title": "通知", "kind": "plan", "date": "2026-05-06", "issuer": "市政府办公室"}
    data["original"] = SimpleUploadedFile(name, raw, content_type="text/plain")
    return client.post("/supervision/documents/new/", data)


@pytest.mark.django_db
@pytest.mark.parametrize(("raw", "what"), RENAMED)
def test_the_upload_form_says_what_a_renamed_txt_really_is(city, client: Client, raw, what):
    client.force_login(city.officer)
    page = _upload(client, "督办通知.txt", raw).content.decode()
    assert what in page and "另存为 .docx 或 .txt" in page
    assert not SourceDocument.objects.exists()


@pytest.mark.parametrize(("raw", "what"), RENAMED)
def test_the_command_says_the_same(tmp_path: Path, raw: bytes, what: str) -> None:
    path = tmp_path / "督办通知.txt"
    path.write_bytes(raw)
    with pytest.raises(CommandError, match=what.replace("(", r"\(").replace(")", r"\)")):
        read_source(path)


@pytest.mark.django_db
def test_a_word_file_renamed_txt_is_read_as_word(city, client: Client):
    client.force_login(city.officer)
    _upload(client, "督办通知.txt", _docx(SENTENCE))
    assert SENTENCE in SourceDocument.objects.get().text


ENCODINGS = [
    ("utf-8", b""),
    ("utf-8", b"\xef\xbb\xbf"),
    ("gb18030", b""),
    ("utf-16-le", b"\xff\xfe"),  # Notepad's "Unicode"
    ("utf-16-be", b"\xfe\xff"),  # "Unicode big endian"
]


@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS)
def test_text_in_every_encoding_offices_send_is_read(
    tmp_path: Path, encoding: str, bom: bytes
) -> None:
    path = tmp_path / "讲话.txt"
    path.write_bytes(bom + f"{SENTENCE}\r\n海关要压缩通关时间。".encode(encoding))
    assert read_source(path) == f"{SENTENCE}\r\n海关要压缩通关时间。"


@pytest.mark.django_db
def test_a_unicode_notepad_file_uploads(city, client: Client):
    client.force_login(city.officer)
    _upload(client, "讲话.txt", "\ufeff".encode("utf-16-le") + SENTENCE.encode("utf-16-le"))
    document = SourceDocument.objects.get()
    assert document.text == SENTENCE
    assert str(document.candidates.get().deadline) == "2026-09-30"


@pytest.mark.django_db
def test_an_old_word_file_or_a_password_protected_one_named_docx(city, client: Client):
    """The file's bytes decide the message, not its name: a .doc saved as "方案.docx" is named an
    old Word file, a .docx with an opening password is asked to lose its password."""
    client.force_login(city.officer)
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert "旧版 Word（.doc）" in _upload(client, "方案.docx", old).content.decode()
    locked = old + "EncryptedPackage".encode("utf-16-le") + bytes(100)
    assert "打开密码" in _upload(client, "方案.docx", locked).content.decode()
    assert not SourceDocument.objects.exists()
