"""Projects: the dated stage history, the stuck flag on the calendar, the pending enterprise
at registration, a problem becoming an appeal, a leader's supervised task, funnels and the
reconciliation with imported FDI records."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kaifang.enterprises.models import EnterpriseStatus
from kaifang.zones import actions, selectors
from kaifang.zones.actions import appeals as actions_appeals
from kaifang.zones.models import Stage, ZoneSettings

pytestmark = pytest.mark.django_db


def _travel(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC))


@_travel(dt.date(2026, 6, 15))
def test_stage_history_and_rules(city, zone):
    p = zone.project
    actions.project_move(actor=city.officer, project=p, stage="talks", on=dt.date(2025, 4, 1))
    actions.project_move(actor=city.officer, project=p, stage="signed", on=dt.date(2025, 9, 9))
    with pytest.raises(ValidationError, match="只能向前"):
        actions.project_move(actor=city.officer, project=p, stage="talks", on=dt.date(2025, 10, 1))
    with pytest.raises(ValidationError, match="不能早于"):
        actions.project_move(
            actor=city.officer, project=p, stage="registered", on=dt.date(2025, 5, 1)
        )
    with pytest.raises(ValidationError, match="终止原因"):
        actions.project_move(
            actor=city.officer, project=p, stage="terminated", on=dt.date(2026, 1, 1)
        )
    actions.project_move(
        actor=city.officer,
        project=p,
        stage="terminated",
        on=dt.date(2026, 1, 1),
        note="投资方战略调整",
    )
    p.refresh_from_db()
    assert list(p.stage_changes.values_list("to_stage", "on")) == [
        ("lead", dt.date(2025, 3, 1)),
        ("talks", dt.date(2025, 4, 1)),
        ("signed", dt.date(2025, 9, 9)),
        ("terminated", dt.date(2026, 1, 1)),
    ]
    assert p.reached == 2 and p.terminated_reason == "投资方战略调整"
    with pytest.raises(ValidationError, match="已终止"):
        actions.project_move(actor=city.officer, project=p, stage="talks", on=dt.date(2026, 2, 1))


def test_stuck_after_n_calendar_months(city, zone):
    p = zone.project  # lead since 2025-03-01
    with _travel(dt.date(2025, 5, 31)):
        assert not selectors.is_stuck(p)
    with _travel(dt.date(2025, 6, 1)):
        assert selectors.is_stuck(p)
        assert list(
            selectors.project_list(user=city.officer, filters=selectors.ProjectFilter(stuck=True))
        ) == [p]
    ZoneSettings.objects.create(stuck_months=6)
    with _travel(dt.date(2025, 6, 1)):
        assert not selectors.is_stuck(p)
    with _travel(dt.date(2025, 9, 1)):
        assert selectors.is_stuck(p)
        actions.project_move(actor=city.officer, project=p, stage="talks", on=dt.date(2025, 8, 31))
        p.refresh_from_db()
        assert not selectors.is_stuck(p)
    with _travel(dt.date(2025, 8, 31)):
        # 31 August minus six months is 28 February (the shorter month's last day)
        assert selectors.stuck_before() == dt.date(2025, 2, 28)


@_travel(dt.date(2026, 6, 15))
def test_stuck_projects_on_the_officers_workbench(city, zone, client: Client):
    client.force_login(city.officer)
    page = client.get(reverse("core:workbench")).content.decode()
    assert "我负责的停滞项目" in page and zone.project.name in page


@_travel(dt.date(2026, 6, 15))
def test_registering_inbound_project_creates_pending_enterprise(city, zone):
    p = actions.project_create(
        actor=city.officer,
        name="中德新能源电驱项目",
        direction="inbound",
        district=city.district_a,
        lead_on=dt.date(2026, 1, 5),
    )
    actions.project_move(
        actor=city.officer,
        project=p,
        stage="registered",
        on=dt.date(2026, 5, 1),
        enterprise_name="示范中德电驱科技有限公司",
    )
    p.refresh_from_db()
    assert p.enterprise is not None
    assert p.enterprise.name == "示范中德电驱科技有限公司"
    assert p.enterprise.status == EnterpriseStatus.PENDING
    assert p.enterprise.district == city.district_a
    assert p.reached == 3


@_travel(dt.date(2026, 6, 15))
def test_problem_becomes_an_appeal_in_one_step(city, zone):
    from kaifang.servicedesk.models import Appeal

    with pytest.raises(ValidationError, match="请选择诉求类别"):
        actions_appeals.project_raise_problem(
            actor=city.district_a_user,
            project=zone.project,
            text="项目用地指标尚未落实，影响开工",
            category="",
        )
    assert not Appeal.objects.exists()
    problem = actions_appeals.project_raise_problem(
        actor=city.district_a_user,
        project=zone.project,
        text="项目用地指标尚未落实，影响开工",
        category="land_energy",
    )
    appeal = Appeal.objects.get(pk=problem.appeal_ref)
    assert appeal.enterprise == zone.enterprise
    assert appeal.get_category_display() == "用地用能"
    assert "东城德资精密轴承项目" in appeal.description
    assert problem.appeal_code == appeal.tracking_code


@_travel(dt.date(2026, 6, 15))
def test_only_a_leader_turns_a_project_into_a_task(city, zone, client: Client):
    from kaifang.supervision.models import Task

    with pytest.raises(PermissionDenied):
        actions.project_supervise(
            actor=city.officer, project=zone.project, deadline=dt.date(2026, 9, 30)
        )
    client.force_login(city.leader)
    client.post(
        reverse("zones:project_supervise", args=[zone.project.pk]), {"deadline": "2026-09-30"}
    )
    zone.project.refresh_from_db()
    task = Task.objects.get(pk=zone.project.task_ref)
    assert task.lead_unit == city.district_a_park and "东城德资精密轴承项目" in task.title


@_travel(dt.date(2026, 6, 15))
def test_moving_a_stage_through_the_page(city, zone, client: Client):
    client.force_login(city.district_a_user)
    url = reverse("zones:project_move", args=[zone.project.pk])
    client.post(url, {"stage": "talks", "on": "2026-06-01"})
    zone.project.refresh_from_db()
    assert zone.project.stage == Stage.TALKS
    page = client.get(reverse("zones:project_detail", args=[zone.project.pk])).content.decode()
    assert "2026-06-01" in page and "洽谈" in page
    # a stage never moves back and a terminated project never moves again: the form asks first
    assert 'id="move-form" data-confirm="项目阶段只能向前推进，终止后不能再变更。' in page


def _project(city, name, *, reached_stage, lead_on, country=None, park=None, terminated=False):
    p = actions.project_create(
        actor=city.officer,
        name=name,
        direction="inbound",
        district=city.district_a,
        park=park,
        country=country,
        lead_on=lead_on,
    )
    day = lead_on
    for stage in [s for s in ("talks", "signed", "registered", "started", "operating")][
        :reached_stage
    ]:
        day += dt.timedelta(days=10)
        actions.project_move(
            actor=city.officer, project=p, stage=stage, on=day, enterprise_name=name
        )
    if terminated:
        actions.project_move(
            actor=city.officer,
            project=p,
            stage="terminated",
            on=day + dt.timedelta(days=1),
            note="撤资",
        )
    return p


@_travel(dt.date(2026, 6, 15))
def test_funnel_by_year_and_park(city):
    _project(city, "甲", reached_stage=0, lead_on=dt.date(2025, 1, 1))
    _project(city, "乙", reached_stage=2, lead_on=dt.date(2025, 2, 1), terminated=True)
    _project(city, "丙", reached_stage=5, lead_on=dt.date(2025, 3, 1), park=city.district_a_park)
    _project(city, "丁", reached_stage=1, lead_on=dt.date(2026, 1, 1), park=city.district_a_park)
    rows, total = selectors.funnel(selectors.projects_visible(user=city.officer), by="year")
    assert [(r.label, r.reached, r.terminated) for r in rows] == [
        ("2026年", [1, 1, 0, 0, 0, 0], 0),
        ("2025年", [3, 2, 2, 1, 1, 1], 1),
    ]
    assert total.reached == [4, 3, 2, 1, 1, 1]
    assert total.conversions[0] == Decimal("75.0")
    assert total.overall_pct == Decimal("25.0")
    parks, _ = selectors.funnel(selectors.projects_visible(user=city.officer), by="park")
    assert [(r.label, r.total) for r in parks] == [("东城经开区管委会", 2), ("未落地园区", 2)]
    rows_b, total_b = selectors.funnel(
        selectors.projects_visible(user=city.district_b_user), by="year"
    )
    assert rows_b == [] and total_b.total == 0


@_travel(dt.date(2026, 6, 15))
def test_reconciliation_shows_the_figure_and_the_difference(city, zone):
    from kaifang.trade.models import InvestmentRecord

    InvestmentRecord.objects.create(
        kind="fdi",
        enterprise=zone.enterprise,
        period=dt.date(2026, 3, 1),
        amount_usd=Decimal("3000000"),
    )
    InvestmentRecord.objects.create(
        kind="odi",
        enterprise=zone.enterprise,
        period=dt.date(2026, 3, 1),
        amount_usd=Decimal("999"),
    )
    [row] = selectors.reconcile(user=city.officer, projects=[zone.project])
    assert row.recorded_usd == Decimal("300.00")  # 万美元
    assert row.difference_usd == Decimal("200.00")  # the project says 500
    assert (
        selectors.reconcile(user=city.district_b_user, projects=[zone.project])[0].recorded_usd == 0
    )


def test_no_one_files_a_project_outside_their_scope(city):
    with pytest.raises(ValidationError, match="数据范围"):
        actions.project_create(
            actor=city.district_b_user,
            name="越界项目",
            direction="inbound",
            district=city.district_a,
        )
    # a park's user files with the park's district above it: the park is theirs
    p = actions.project_create(
        actor=city.district_a_user,
        name="园区项目",
        direction="inbound",
        district=city.district_a,
        park=city.district_a_park,
    )
    assert p.pk


@_travel(dt.date(2026, 6, 15))
def test_funnel_page_and_export_show_rates_to_one_decimal(city, client: Client):
    """The funnel page read 线索→投产 33.33333333333333333333333333% (UX review, 2026-12-05)."""
    _project(city, "甲", reached_stage=5, lead_on=dt.date(2025, 1, 1))
    _project(city, "乙", reached_stage=0, lead_on=dt.date(2025, 2, 1))
    _project(city, "丙", reached_stage=0, lead_on=dt.date(2025, 3, 1))
    client.force_login(city.officer)
    page = client.get(reverse("zones:project_funnel")).content.decode()
    assert "33.3%" in page and "33.33" not in page
    content = client.get(reverse("zones:project_funnel_export")).content
    cells = [
        c
        for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert 33.3 in cells and not any(isinstance(c, float) and c != round(c, 1) for c in cells)


def test_project_amounts_print_with_thousands_separators(city, zone, client: Client):
    """The project list read 合同 3000.00 and 8000.00 (UX review, 2026-12-05); amounts now
    print as every other table does, 3,000.00."""
    actions.project_update(actor=city.officer, project=zone.project, contracted_usd=Decimal("3000"))
    client.force_login(city.district_a_user)
    listing = client.get(reverse("zones:project_list")).content.decode()
    assert "3,000.00" in listing and "3000.00" not in listing
    detail = client.get(reverse("zones:project_detail", args=[zone.project.pk])).content.decode()
    assert "3,000.00 万美元" in detail
