"""Reuse core's Chromium fixtures (browser, demo city, page) for supervision's browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaifang.core.tests.browser.conftest import browser, demo_city, page

__all__ = ["browser", "demo_city", "page"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
