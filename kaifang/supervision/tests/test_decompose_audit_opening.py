"""Decomposition of opening-up documents written for the second audit (a mayor's and a party
secretary's speech, minutes, a work plan's points, a 任务分工表, text pasted from a PDF): each
test holds the general form of writing the audit found mishandled. No unit directory, as a fresh
installation runs. The sentences are written for these tests in the official style."""

from __future__ import annotations

import datetime as dt

from kaifang.supervision.decompose import Candidate, decompose

DOC_DATE = dt.date(2026, 3, 20)


def _run(text: str, doc_date: dt.date = DOC_DATE) -> list[Candidate]:
    return decompose(text, doc_date=doc_date, units=[])


def _find(candidates: list[Candidate], needle: str) -> Candidate:
    [found] = [c for c in candidates if needle in c.text]
    return found


def test_a_measured_count_ending_a_task_is_no_lead_in() -> None:
    """ "今年至少复制推广30项。" counts what the task delivers; "以下几项工作：" leads in."""
    found = _run(
        "自贸联动创新区要对标自贸试验区改革试点经验，今年至少复制推广30项。\n"
        "下面，我讲三点意见。\n"
        "重点做好以下几项工作：\n"
        "综保区要加快产业导入，年底前新增入区企业12家。"
    )
    assert [c.lead_unit for c in found] == ["自贸联动创新区", "综保区"]
    assert _find(found, "复制推广30项").deadline == dt.date(2026, 12, 31)
