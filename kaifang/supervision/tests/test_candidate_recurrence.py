"""A recurring candidate becomes a task with the matching report cycle, whatever its recurrence
("每月10日前", "每月底前", "每周五前", "每季度末")."""

from __future__ import annotations

import datetime as dt

import pytest

from kaifang.supervision import actions
from kaifang.supervision.models import SourceDocument

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("sentence", "cycle", "day"),
    [
        ("东城区商务局要每月10日前报送外贸运行分析。", "monthly", 10),
        ("东城区商务局要于每月底前报送外贸运行分析。", "monthly", 28),
        ("东城区商务局要每周五前报送外贸运行分析。", "weekly", 5),
        ("东城区商务局要于每季度末报送外贸运行分析。", "monthly", 25),
    ],
)
def test_recurring_candidate_becomes_a_task(city, sentence, cycle, day):
    document = SourceDocument.objects.create(
        title="外贸运行分析报送要求",
        kind="notice",
        date=dt.date(2026, 3, 2),
        text=sentence,
        created_by=city.officer,
    )
    [candidate] = actions.document_decompose(actor=city.officer, document=document)
    assert candidate.recurrence
    if candidate.lead_unit is None:
        candidate.lead_unit = city.district_a
        candidate.save(update_fields=["lead_unit"])
    task = actions.task_confirm(actor=city.officer, candidate=candidate, leader=city.leader)
    assert (task.report_cycle, task.report_day) == (cycle, day)
