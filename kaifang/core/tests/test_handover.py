"""core.handover: supervision registers its task opener; without one, nothing is opened."""

from __future__ import annotations

import datetime as dt

import pytest

from kaifang.core import handover

pytestmark = pytest.mark.django_db


def test_supervision_registers_its_opener(city):
    task = handover.open_task(
        actor=city.officer,
        title="督办测试",
        lead_unit=city.district_a,
        deadline=dt.date(2026, 12, 31),
        source_sentence="领导批示",
        tags="企业诉求",
    )
    assert task is not None
    assert task._meta.label == "supervision.Task"
    assert (task.lead_unit, task.tags) == (city.district_a, "企业诉求")


def test_without_an_opener_nothing_is_opened(city, monkeypatch):
    monkeypatch.setattr(handover, "_OPENERS", [])
    result = handover.open_task(
        actor=None,
        title="督办测试",
        lead_unit=city.district_a,
        deadline=dt.date(2026, 12, 31),
        source_sentence="",
    )
    assert result is None
