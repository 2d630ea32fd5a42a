"""Issue 12: dated stages in one sentence become the confirmed task's milestones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kaifang.supervision import actions
from kaifang.supervision.models import SourceDocument

pytestmark = pytest.mark.django_db

TEXT = (
    "一、加快推进口岸建设。东城区商务局要加快推进铁路口岸建设，"
    "2026年9月底前完成可行性研究；2026年12月底前建成投用。\n"
)


def test_stages_are_kept_on_the_candidate_and_become_task_milestones(city):
    document = SourceDocument.objects.create(
        title="口岸建设方案",
        kind="plan",
        date=dt.date(2026, 3, 1),
        text=TEXT,
        created_by=city.officer,
    )
    candidates = actions.document_decompose(actor=city.officer, document=document)
    staged = [c for c in candidates if c.milestones]
    assert staged, [(c.text, c.deadline) for c in candidates]
    candidate = staged[0]
    assert candidate.deadline == dt.date(2026, 12, 31)
    assert {m["deadline"] for m in candidate.milestones} >= {"2026-09-30"}
    page = Client()
    page.force_login(city.officer)
    body = page.get(f"/supervision/documents/{document.pk}/").content.decode()
    assert "阶段节点" in body and "2026-09-30" in body
    if candidate.lead_unit is None:
        candidate.lead_unit = city.district_a
        candidate.save(update_fields=["lead_unit"])
    task = actions.task_confirm(actor=city.officer, candidate=candidate, leader=city.leader)
    dues = sorted(m.due for m in task.milestones.all())
    assert dues == [dt.date(2026, 9, 30)]
    assert task.deadline == dt.date(2026, 12, 31)
