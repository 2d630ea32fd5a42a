"""A task's notifications go only to the unit's people who may open the task (found by the
scope audit, session 37)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kaifang.core.models import Notification
from kaifang.supervision.tests.conftest import make_task

pytestmark = pytest.mark.django_db


def test_a_new_task_is_not_announced_to_a_liaison_officer_who_cannot_open_it(
    city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        task = make_task(city, title="东城保密督办事项")
    liaison = Client()
    liaison.force_login(city.liaison)
    assert liaison.get(f"/supervision/tasks/{task.pk}/").status_code == 404
    assert not Notification.objects.filter(recipient=city.liaison).exists()
    assert "东城保密督办事项" not in liaison.get("/notifications/").content.decode()
    # the lead unit's own staff, who can open it, are told
    assert Notification.objects.filter(recipient=city.district_a_user, url__contains=str(task.pk))
