"""Every download goes through core/lib/downloads.file_download: one place names the file and
sets its type, for stored files and for exports built in memory."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from kaifang.core.lib.downloads import file_download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ROOT = Path(__file__).resolve().parents[2]  # kaifang/


def test_an_export_keeps_its_chinese_name_and_its_type():
    response = file_download(content=b"PK\x03\x04 data", filename="督办台账-20261202.xlsx")
    assert response["Content-Type"] == XLSX
    assert f"filename*=utf-8''{quote('督办台账-20261202.xlsx')}" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content == b"PK\x03\x04 data"
    assert file_download(content=b"x", filename="简报.docx")["Content-Type"] == DOCX


def test_an_ascii_name_is_sent_plainly():
    response = file_download(content=b"x", filename="appeals.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="appeals.xlsx"'


def test_no_view_builds_its_own_download():
    """A view that sets Content-Disposition or opens a FileResponse itself would bypass the
    naming and typing above (the fault this replaced: ASCII-only names, types per view)."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or path.name == "downloads.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"Content-Disposition|FileResponse\(", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
