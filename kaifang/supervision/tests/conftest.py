"""Shared fixtures for the decomposition tests (pure Python: run with ``-p no:django``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kaifang.supervision.decompose import UnitRef

FIXTURES = Path(__file__).parent / "fixtures"
DOC_DATE = dt.date(2026, 3, 15)


@pytest.fixture(scope="session")
def speech_raw() -> str:
    return (FIXTURES / "speech-opening-up-commerce-bureau.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def directory() -> list[UnitRef]:
    return [
        UnitRef("市商务局", ("商务局", "商务部门")),
        UnitRef("市发展和改革委员会", ("发改委", "市发改委", "发展改革委")),
        UnitRef("市财政局", ("财政局",)),
        UnitRef("市自然资源和规划局", ("市自然资源局", "自然资源局")),
        UnitRef("自贸区某某片区管委会", ("自贸区某某片区",)),
        UnitRef("市大数据局", ()),
    ]


# --- Django-side helpers -------------------------------------------------------------------

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """An aware moment in Beijing time, for time-machine."""
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def make_task(city, *, deadline=dt.date(2026, 10, 9), lead=None, **fields):
    """A task assigned by the office to district A (or `lead`) through the real actions."""
    from kaifang.supervision import actions
    from kaifang.supervision.models import Candidate, SourceDocument

    document = SourceDocument.objects.create(
        title="测试讲话", kind="speech", date=dt.date(2026, 3, 15), text="要抓好测试工作。"
    )
    candidate = Candidate.objects.create(
        document=document,
        text=fields.pop("title", "抓好测试工作"),
        source_sentence="要抓好测试工作。",
        start=0,
        end=8,
        lead_unit=lead or city.district_a,
        deadline=deadline,
    )
    return actions.task_confirm(actor=city.officer, candidate=candidate, leader=city.leader)
