"""The shared upload checks: bytes must match the claimed type; zip bombs are refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from kaifang.core.lib.uploads import UploadRefused, check_container, content_matches
from kaifang.core.tests.uploads import docx_bytes, with_member, xlsx_bytes


def test_real_files_match_their_extension():
    assert content_matches(".pdf", b"%PDF-1.7\n...")
    assert content_matches(".png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    assert content_matches(".docx", docx_bytes())
    assert content_matches(".txt", "进展说明".encode())


def test_a_renamed_file_does_not_match():
    assert not content_matches(".pdf", b"MZ\x90\x00 an executable")
    assert not content_matches(".docx", b"%PDF-1.7\n...")
    assert not content_matches(".txt", b"\x00\x01binary")
    assert not content_matches(".exe", b"MZ")


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refused(suffix: str, content: bytes, **kw) -> str:
    with pytest.raises(UploadRefused) as error:
        check_container(suffix, content, **kw)
    return str(error.value)


def test_real_office_files_pass():
    check_container(".docx", docx_bytes())
    check_container(".xlsx", xlsx_bytes())
    check_container(".DOCX", docx_bytes())
    check_container(".zip", zip_of({"进展/照片说明.txt": "说明".encode()}))
    check_container(".pdf", b"%PDF-1.7 not a zip, not checked here")


def test_a_program_inside_a_docx_or_zip_is_refused():
    assert "可执行程序" in refused(".docx", with_member(docx_bytes(), "word/media/setup.exe"))
    assert "可执行程序" in refused(".zip", zip_of({"报告.pdf": b"%PDF", "run.bat": b"x"}))
    assert "可执行程序" in refused(".xlsx", with_member(xlsx_bytes(), "xl/media/a.JS"))


def test_parts_a_format_does_not_hold_are_refused():
    assert "不属于 DOCX 格式" in refused(".docx", with_member(docx_bytes(), "payload/a.bin"))
    assert "不属于 XLSX 格式" in refused(".xlsx", with_member(xlsx_bytes(), "word/document.xml"))
    assert "Content_Types" in refused(".docx", zip_of({"word/document.xml": b"<w/>"}))


def test_members_leaving_the_folder_are_refused():
    assert "文件夹以外" in refused(".zip", zip_of({"../../etc/cron.d/x": b"x"}))
    assert "文件夹以外" in refused(".zip", zip_of({"/etc/passwd": b"x"}))


def test_zip_bomb_is_refused():
    content = zip_of({"[Content_Types].xml": b"<x/>", "word/document.xml": b"0" * (3 << 20)})
    check_container(".docx", content)
    assert "解压后超过" in refused(".docx", content, limit=1024 * 1024)
    bomb = zip_of({"[Content_Types].xml": b"<x/>", "word/document.xml": b"0" * (20 << 20)})
    assert "压缩比" in refused(".docx", bomb)
    assert "已损坏" in refused(".xlsx", b"not a zip")


def test_a_file_object_is_read_and_rewound():
    upload = io.BytesIO(xlsx_bytes())
    check_container(".xlsx", upload)
    assert upload.tell() == 0


def test_a_zip_under_another_name_gets_the_same_checks():
    """The table reader reads an .xlsx named .csv by its content, so the checks must go by
    the content too: a bomb renamed .csv is refused, a real sheet renamed .csv passes."""
    bomb = zip_of({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"0" * (20 << 20)})
    assert "压缩比" in refused(".csv", bomb)
    assert "可执行程序" in refused(".txt", zip_of({"run.bat": b"x"}))
    check_container(".csv", xlsx_bytes())
    upload = io.BytesIO(bomb)
    with pytest.raises(UploadRefused):
        check_container(".csv", upload)
    check_container(".csv", io.BytesIO("企业名称,美元\n甲,1\n".encode()))


def test_a_password_protected_office_file_is_named_as_such():
    """An .xlsx saved with an opening password is an OLE2 file holding an EncryptedPackage
    stream; it was refused as 文件已损坏, which sent the user looking for the wrong fault."""
    encrypted = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le")
    )
    assert refused(".xlsx", encrypted) == (
        "XLSX 文件设置了打开密码：请在 Excel 中取消密码并另存后再上传。"
    )
    assert "Word" in refused(".docx", encrypted)
    assert refused(".xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504) == (
        "XLSX 文件已损坏或不是有效的 XLSX 文件。"
    )
    upload = io.BytesIO(encrypted)
    with pytest.raises(UploadRefused, match="打开密码"):
        check_container(".xlsx", upload)
    assert upload.tell() == 0
