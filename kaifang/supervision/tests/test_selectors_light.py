"""The computed status light, counted in working days across National Day 2026."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from kaifang.supervision import actions, selectors
from kaifang.supervision.models import Light
from kaifang.supervision.tests.conftest import at, make_task

pytestmark = pytest.mark.django_db


def light_of(city, task, day):
    with time_machine.travel(at(day.year, day.month, day.day), tick=False):
        return selectors.task_for_user(user=city.officer, pk=task.pk).light


def test_light_across_national_day(city):
    task = make_task(city, deadline=dt.date(2026, 10, 9))
    # Sep 28: Sep 29, Sep 30, Oct 8, Oct 9 are 4 working days away (11 calendar days).
    assert light_of(city, task, dt.date(2026, 9, 28)) == Light.BLUE
    # Sep 29: 3 working days left, despite 10 calendar days.
    assert light_of(city, task, dt.date(2026, 9, 29)) == Light.YELLOW
    assert light_of(city, task, dt.date(2026, 10, 3)) == Light.YELLOW
    assert light_of(city, task, dt.date(2026, 10, 9)) == Light.YELLOW
    assert light_of(city, task, dt.date(2026, 10, 10)) == Light.RED


@override_settings(SUPERVISION_WARN_WORKDAYS=1)
def test_warning_window_is_a_setting(city):
    task = make_task(city, deadline=dt.date(2026, 10, 9))
    assert light_of(city, task, dt.date(2026, 9, 29)) == Light.BLUE
    assert light_of(city, task, dt.date(2026, 10, 8)) == Light.YELLOW


def test_behind_the_milestone_schedule_is_yellow(city):
    task = make_task(city, deadline=dt.date(2026, 12, 31))
    actions.milestone_add(actor=city.officer, task=task, title="完成选址", due=dt.date(2026, 6, 30))
    assert light_of(city, task, dt.date(2026, 6, 30)) == Light.BLUE
    assert light_of(city, task, dt.date(2026, 7, 1)) == Light.YELLOW
    actions.task_sign(actor=city.district_a_user, task=task)
    milestone = task.milestones.get()
    actions.milestone_complete(
        actor=city.district_a_user, milestone=milestone, done_on=dt.date(2026, 7, 2)
    )
    assert light_of(city, task, dt.date(2026, 7, 3)) == Light.BLUE


def test_done_is_green_and_a_timely_request_is_not_red(city):
    task = make_task(city, deadline=dt.date(2026, 9, 30))
    actions.task_sign(actor=city.district_a_user, task=task)
    actions.task_report(actor=city.district_a_user, task=task, text="完成", percent=100)
    with time_machine.travel(at(2026, 9, 30), tick=False):
        actions.task_request_completion(actor=city.district_a_user, task=task)
    # The office has not reviewed it yet; the unit asked in time, so it is not red.
    assert light_of(city, task, dt.date(2026, 10, 12)) == Light.BLUE
    with time_machine.travel(at(2026, 10, 12), tick=False):
        actions.task_accept(actor=city.officer, task=task)
    assert light_of(city, task, dt.date(2026, 10, 12)) == Light.GREEN


def test_list_filter_by_light(city):
    late = make_task(city, deadline=dt.date(2026, 9, 1), title="逾期的")
    make_task(city, deadline=dt.date(2026, 12, 31), title="远期的")
    with time_machine.travel(at(2026, 9, 10), tick=False):
        red = selectors.task_list(user=city.officer, filters=selectors.TaskFilter(light="red"))
        assert [t.pk for t in red] == [late.pk]


def test_a_new_task_shows_its_light_at_once_and_after_a_change(city, client):
    """No daily scan is needed: the light is computed whenever a task is read."""
    with time_machine.travel(at(2026, 9, 29), tick=False):
        older = make_task(city, title="较早交办的任务", deadline=dt.date(2026, 10, 9))
    with time_machine.travel(at(2026, 10, 8), tick=False):
        newer = make_task(city, title="刚交办的任务", deadline=dt.date(2026, 10, 9))
        client.force_login(city.officer)
        listing = client.get("/supervision/").content.decode()
        detail = client.get(f"/supervision/tasks/{newer.pk}/").content.decode()
        lights = {t.pk: t.light for t in selectors.tasks_visible(user=city.officer)}
    assert lights == {older.pk: Light.YELLOW, newer.pk: Light.YELLOW}
    title = listing.index("刚交办的任务")
    row = listing[listing.rindex("<tr>", 0, title) : title]
    assert "临期预警" in row
    assert "临期预警" in detail and "正常推进" not in detail
    # a change (the deadline moved out) shows at once too
    with time_machine.travel(at(2026, 10, 8), tick=False):
        newer.deadline = dt.date(2026, 12, 31)
        newer.save(update_fields=["deadline"])
        assert light_of(city, newer, dt.date(2026, 10, 8)) == Light.BLUE


def test_a_task_behind_on_a_milestone_says_so(city, client):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        task = make_task(city, deadline=dt.date(2026, 12, 31))
        actions.milestone_add(
            actor=city.officer, task=task, title="完成选址", due=dt.date(2026, 9, 10)
        )
    with time_machine.travel(at(2026, 9, 15), tick=False):
        client.force_login(city.officer)
        detail = client.get(f"/supervision/tasks/{task.pk}/").content.decode()
    assert "节点滞后" in detail and "有节点已过期未完成" in detail


def test_workbench_lists_follow_the_light_rule(city):
    """The workbench panel filters by the light's rule written as plain conditions: its lists
    hold exactly the tasks the light calls yellow and red, with the same light shown, for
    every kind of task (far off, due soon, behind its milestones, late, asked in time or
    late, done)."""
    make_task(city, deadline=dt.date(2026, 12, 31), title="远期的")
    make_task(city, deadline=dt.date(2026, 10, 9), title="临期的")
    behind = make_task(city, deadline=dt.date(2026, 12, 31), title="节点滞后的")
    actions.milestone_add(actor=city.officer, task=behind, title="选址", due=dt.date(2026, 9, 1))
    make_task(city, deadline=dt.date(2026, 9, 1), title="逾期的")
    unit_late = make_task(city, deadline=dt.date(2026, 9, 1), title="逾期后申请的")
    asked = make_task(city, deadline=dt.date(2026, 9, 30), title="按时申请的")
    done = make_task(city, deadline=dt.date(2026, 9, 1), title="已办结的")
    for task, day in ((asked, 30), (unit_late, 30), (done, 1)):
        actions.task_sign(actor=city.district_a_user, task=task)
        actions.task_report(actor=city.district_a_user, task=task, text="完成", percent=100)
        with time_machine.travel(at(2026, 9 if day == 30 else 8, day), tick=False):
            actions.task_request_completion(actor=city.district_a_user, task=task)
    actions.task_accept(actor=city.officer, task=done)
    with time_machine.travel(at(2026, 10, 5), tick=False):
        for user in (city.officer, city.district_a_user, city.district_b_user):
            lit = {t.pk: t.light for t in selectors.tasks_visible(user=user)}
            lists = selectors.workbench_tasks(user=user)
            for light, name in ((Light.YELLOW, "due_soon"), (Light.RED, "red")):
                expected = sorted(pk for pk, colour in lit.items() if colour == light)
                assert sorted(t.pk for t in lists[name]) == expected, (user, name)
                assert {t.light for t in lists[name]} <= {light}
            assert all(t.behind == (t.pk == behind.pk) for t in lists["due_soon"])
    assert {t.title for t in lists["red"]} == set()  # district B sees none of district A's
    with time_machine.travel(at(2026, 10, 5), tick=False):
        lists = selectors.workbench_tasks(user=city.officer)
    assert {t.title for t in lists["due_soon"]} == {"临期的", "节点滞后的"}
    assert {t.title for t in lists["red"]} == {"逾期的", "逾期后申请的"}


def test_the_list_filters_behind_apart_from_due_soon(city, client):
    """The list's 亮灯 filter offers 节点滞后 as the rows show it: a task lit yellow by a late
    milestone is found under 节点滞后, one near its deadline under 临期预警, never crosswise."""
    make_task(city, deadline=dt.date(2026, 10, 9), title="临期的事项")
    behind = make_task(city, deadline=dt.date(2026, 12, 31), title="节点滞后的事项")
    actions.milestone_add(actor=city.officer, task=behind, title="选址", due=dt.date(2026, 9, 1))
    make_task(city, deadline=dt.date(2026, 12, 31), title="远期的事项")
    client.force_login(city.officer)
    with time_machine.travel(at(2026, 10, 5), tick=False):
        page = client.get("/supervision/").content.decode()
        assert '<option value="behind">节点滞后</option>' in page
        behind_page = client.get("/supervision/?light=behind").content.decode()
        yellow_page = client.get("/supervision/?light=yellow").content.decode()
        blue_page = client.get("/supervision/?light=blue").content.decode()
    assert "节点滞后的事项" in behind_page and "临期的事项" not in behind_page
    assert "临期的事项" in yellow_page and "节点滞后的事项" not in yellow_page
    assert "远期的事项" in blue_page and "节点滞后的事项" not in blue_page
