"""The action step: one visit task per selected enterprise, for its liaison, idempotently;
marked visited by the first visit recorded after it; the scenario keeps the record."""

from __future__ import annotations

import pytest
import time_machine

from kaifang.core.models import AuditEntry, Notification
from kaifang.core.tests.factories import UserFactory
from kaifang.enterprises.events import enterprise_event
from kaifang.risk import actions
from kaifang.risk.models import FollowUp, FollowUpStatus, Scenario
from kaifang.risk.selectors import exposure, spec_for
from kaifang.risk.tests.conftest import d

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(risk_data, city) -> Scenario:
    return actions.scenario_create(
        actor=city.officer,
        name="对美机电",
        flow="export",
        until=d(2025, 3),
        partners=[],
        hs_codes=["85", "84"],
    )


def _send(scenario, city, top):
    result = exposure(viewer=city.officer, spec=spec_for(scenario), owner=scenario.created_by)
    return actions.follow_ups_create(
        actor=city.officer, scenario=scenario, exposed=result.enterprises, top=top, currency="usd"
    )


def test_one_task_per_selected_enterprise_for_its_liaison(scenario, risk_data, city):
    second = UserFactory(username="liaison2", unit=city.district_b)
    risk_data.b1.liaison = second
    risk_data.b1.save()
    # all partners, chapters 84–85: 甲 250, 丙 85, 乙 40 → the top two are 甲 and 丙
    outcome = _send(scenario, city, top=2)
    rows = list(
        FollowUp.objects.order_by("rank").values_list("enterprise__name", "liaison", "rank")
    )
    assert rows == [("甲电机", city.liaison.pk, 1), ("丙机械", second.pk, 2)]
    assert (outcome.created, outcome.existing, outcome.notified) == (2, 0, 2)
    assert Notification.objects.filter(recipient=second, category="risk").count() == 1
    assert scenario.events.filter(kind="follow_ups").count() == 1
    assert AuditEntry.objects.filter(action="scenario.follow_ups").count() == 1


def test_sending_again_creates_nothing_new(scenario, city):
    _send(scenario, city, top=2)
    again = _send(scenario, city, top=3)  # 乙 has no liaison
    assert (again.created, again.existing, again.without_liaison) == (0, 1, ["丙机械", "乙电器"])
    assert FollowUp.objects.count() == 1
    assert Notification.objects.filter(category="risk").count() == 1


def test_a_visit_recorded_after_the_task_marks_it_visited(scenario, risk_data, city):
    with time_machine.travel("2026-11-30 09:00 +0800"):
        enterprise_event(enterprise=risk_data.a1, kind="visit", text="早先的走访")
        _send(scenario, city, top=1)
    task = FollowUp.objects.get()
    assert task.status == FollowUpStatus.OPEN  # the earlier visit does not count
    with time_machine.travel("2026-12-01 10:00 +0800"):
        enterprise_event(enterprise=risk_data.a2, kind="visit", text="另一家企业")
        enterprise_event(enterprise=risk_data.a1, kind="note", text="不是走访")
    task.refresh_from_db()
    assert task.status == FollowUpStatus.OPEN
    with time_machine.travel("2026-12-02 10:00 +0800"):
        event = enterprise_event(enterprise=risk_data.a1, kind="visit", text="走访")
    task.refresh_from_db()
    assert task.status == FollowUpStatus.VISITED and task.visit_event_id == event.pk
    with time_machine.travel("2026-12-03 10:00 +0800"):
        enterprise_event(enterprise=risk_data.a1, kind="visit", text="再次走访")
    task.refresh_from_db()
    assert task.visit_event_id == event.pk  # the first visit stays the one recorded
    assert scenario.events.filter(kind="visited").count() == 1


def test_the_liaison_sees_the_task_on_the_workbench_and_the_profile(scenario, risk_data, city):
    from django.test import Client

    _send(scenario, city, top=1)
    client = Client()
    client.force_login(city.liaison)
    assert "甲电机" in client.get("/").content.decode().split('id="wb-risk"')[1][:500]
    profile = client.get(f"/enterprises/{risk_data.a1.pk}/").content.decode()
    assert "风险情景“对美机电”" in profile and "待走访" in profile
    client.force_login(city.district_b_user)
    assert client.get(f"/enterprises/{risk_data.a1.pk}/").status_code == 404
