"""The demo loader: the sample speech decomposed into tasks with every story; idempotent."""

from __future__ import annotations

import pytest

from kaifang.core import demo
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.supervision.models import ExtensionStatus, SourceDocument, Task, TaskStatus

pytestmark = pytest.mark.django_db


def test_demo_loads_tasks_with_every_story_and_runs_twice():
    # The register's own demo loader is not on main yet: stand in for what it will write.
    EnterpriseFactory.create_batch(3, is_synthetic=True)
    demo.run(size="small", log=lambda _m: None)
    document = SourceDocument.objects.get(is_synthetic=True)
    tasks = Task.objects.filter(document=document)
    assert tasks.count() >= 8
    statuses = set(tasks.values_list("status", flat=True))
    assert {TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.ASSIGNED} <= statuses
    assert tasks.filter(on_time=True).exists() and tasks.filter(on_time=False).exists()
    assert tasks.filter(extensions__status=ExtensionStatus.APPROVED).exists()
    extended = tasks.get(extensions__status=ExtensionStatus.APPROVED)
    assert extended.deadline != extended.original_deadline
    assert tasks.filter(events__kind="return").exists()
    assert tasks.filter(reports__isnull=False).distinct().count() >= 6
    linked = tasks.filter(enterprises__isnull=False).distinct()
    assert linked.count() == 2  # 培育外向型企业 and 专人专班 name enterprises of the register
    count = Task.objects.count()
    demo.run(size="small", log=lambda _m: None)
    assert Task.objects.count() == count
