"""End to end in Chromium, as a new user reads it: every page the side menu opens, for a
leader, a district user and a liaison officer, says what it is in its title (「页面 · 开放通」)
and has no English on it (the third-party admin aside)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kaifang.core.tests.browser.fixtures import log_in

# Words that are Chinese office vocabulary or file formats, not untranslated interface.
ALLOWED = {"Excel", "Word", "HS", "USD", "CNY", "IP", "API", "GB", "UTF", "CSV", "xlsx", "xls",
           "csv", "docx", "txt", "Ctrl", "GBK", "MB"}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z_.\-]{2,}")


def english_on(page: Any) -> list[str]:
    text = page.locator("body").inner_text()
    return sorted({w for w in WORD.findall(text) if w.strip(".-_") not in ALLOWED})


@pytest.mark.parametrize("username", ["leader", "dongcheng", "liaison1"])
def test_menu_pages_are_chinese_with_titled_tabs(page, username):
    log_in(page, username)
    links = page.locator(".sidenav nav a")
    targets = [
        (links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href"))
        for i in range(links.count())
    ]
    targets = [(label, href) for label, href in targets if href and "/admin/" not in href]
    assert targets
    problems = []
    for label, href in targets:
        page.goto(href)
        title = page.title()
        if not re.fullmatch(r".+ · 开放通", title):
            problems.append(f"{label} {href}: title {title!r}")
        english = english_on(page)
        if english:
            problems.append(f"{label} {href}: English {english}")
    assert problems == []
