"""The shared upload checks: bytes must match the claimed type; zip bombs are refused."""

from __future__ import annotations

import io
import zipfile

from docx import Document

from kaifang.core.lib.uploads import content_matches, zip_is_safe


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


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


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (3 * 1024 * 1024))
    assert zip_is_safe(buffer.getvalue())
    assert not zip_is_safe(buffer.getvalue(), limit=1024 * 1024)
    assert not zip_is_safe(b"not a zip")
