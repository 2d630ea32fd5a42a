"""Indicators on the trade app's hand-computed city (kaifang/trade/tests/conftest.py):
CNY = USD × 7; 2025年1–3月 进出口 400 USD (上年同期 220): 东城 350 (180), 西城 50 (40)."""

from __future__ import annotations

import pytest

from kaifang.indicators.actions import indicators_seed
from kaifang.indicators.models import Region
from kaifang.trade.tests.conftest import trade_data  # noqa: F401 (a fixture used here)


@pytest.fixture
def seeded(city) -> dict[str, Region]:
    indicators_seed()
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def region_a(city, seeded) -> Region:
    return Region.objects.get(unit=city.district_a)


@pytest.fixture
def region_b(city, seeded) -> Region:
    return Region.objects.get(unit=city.district_b)
