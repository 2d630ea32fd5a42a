"""Platforms: status history, milestones (also completed through a supervision task), KPIs
against target, the month grid and the Excel import with row-level errors."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from kaifang.core.models import AuditEntry
from kaifang.core.tests.xlsx import behind_a_hidden_sheet_and_a_cover
from kaifang.zones import actions, selectors
from kaifang.zones.importers.kpi import parse_kpi_workbook
from kaifang.zones.models import KpiDefinition, KpiValue, PlatformStatus

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC))
def test_status_history_keeps_every_change_with_its_date(city, zone):
    p = actions.platform_set_status(
        actor=city.officer, platform=zone.platform, status="applying", on=dt.date(2025, 6, 1)
    )
    actions.platform_set_status(
        actor=city.officer, platform=p, status="approved", on=dt.date(2026, 3, 2), note="国务院批复"
    )
    history = list(p.status_changes.values_list("from_status", "to_status", "on"))
    assert history == [
        ("", "planning", dt.date(2025, 1, 10)),
        ("planning", "applying", dt.date(2025, 6, 1)),
        ("applying", "approved", dt.date(2026, 3, 2)),
    ]
    p.refresh_from_db()
    assert (p.status, p.status_on) == (PlatformStatus.APPROVED, dt.date(2026, 3, 2))
    with pytest.raises(ValidationError, match="不能早于"):
        actions.platform_set_status(
            actor=city.officer, platform=p, status="building", on=dt.date(2026, 1, 1)
        )
    assert AuditEntry.objects.filter(action="zones.platform.status").count() == 2
    assert p.events.filter(kind="status").count() == 2


@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC))
def test_milestone_lights_follow_the_dates(city, zone):
    make = zone.platform.milestones.create
    done = make(title="a", due=dt.date(2026, 1, 1), done_on=dt.date(2026, 1, 2))
    late = make(title="b", due=dt.date(2026, 6, 1))
    soon = make(title="c", due=dt.date(2026, 6, 25))
    later = make(title="d", due=dt.date(2026, 9, 1))
    lights = [selectors.milestone_light(m, warn_days=15) for m in (done, late, soon, later)]
    assert lights == ["green", "red", "yellow", "blue"]


def test_supervision_task_completion_completes_the_milestone(
    city, zone, django_capture_on_commit_callbacks
):
    from kaifang.supervision import actions as sv
    from kaifang.supervision.models import Task

    milestone = actions.milestone_add(
        actor=city.officer,
        platform=zone.platform,
        title="综保区申报材料报省政府",
        due=dt.date(2030, 1, 1),
    )
    task_id = actions.milestone_open_task(actor=city.officer, milestone=milestone)
    task = Task.objects.get(pk=task_id)
    assert task.lead_unit == city.district_a
    with django_capture_on_commit_callbacks(execute=True):
        task = sv.task_sign(actor=city.district_a_user, task=task)
        sv.task_report(actor=city.district_a_user, task=task, text="材料已报送", percent=100)
        sv.task_request_completion(actor=city.district_a_user, task=task)
        milestone.refresh_from_db()
        assert milestone.done_on is None  # not before the office accepts it
        sv.task_accept(actor=city.officer, task=task)
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    event = zone.platform.events.get(kind="milestone_done")
    assert f"#{task_id}" in event.text


def test_milestone_links_only_tasks_the_user_sees(city, zone):
    from kaifang.supervision.tests.conftest import make_task

    hidden = make_task(city, lead=city.district_b)
    with pytest.raises(ValidationError, match="不在您的数据范围"):
        actions.milestone_add(
            actor=city.district_a_user,
            platform=zone.platform,
            title="x",
            due=dt.date(2030, 1, 1),
            task_ref=hidden.pk,
        )


@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC))
def test_kpi_progress_against_target(city, zone):
    trains = KpiDefinition.objects.get(kind=zone.kind, name="班列开行列数")
    for month, value in [(1, 10), (2, 12), (3, 14)]:
        actions.kpi_month_save(
            actor=city.officer,
            platform=zone.platform,
            period=dt.date(2026, month, 1),
            values={trains.pk: Decimal(value)},
        )
    actions.kpi_month_save(
        actor=city.officer,
        platform=zone.platform,
        period=dt.date(2025, 2, 1),
        values={trains.pk: Decimal(20)},
    )
    actions.kpi_target_set(
        actor=city.officer,
        platform=zone.platform,
        definition=trains,
        year=2026,
        target=Decimal(144),
    )
    row = next(r for r in selectors.kpi_progress(zone.platform, 2026) if r.definition == trains)
    assert row.ytd == 36
    assert row.progress_pct == Decimal("25.0")
    assert row.time_pct == 25  # 3 of 12 months reported
    assert not row.behind
    assert row.previous_ytd == 20 and row.yoy_pct == Decimal("80.0")
    chart = selectors.kpi_chart(row)
    assert chart["cumulative"][:4] == [10.0, 22.0, 36.0, None]
    assert chart["target"] == 144.0
    with pytest.raises(ValidationError, match="未来月份"):
        actions.kpi_month_save(
            actor=city.officer,
            platform=zone.platform,
            period=dt.date(2026, 7, 1),
            values={trains.pk: Decimal(1)},
        )


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_kpi_workbook_reports_bad_rows_in_chinese():
    parsed = parse_kpi_workbook(
        _workbook(
            [
                ["年月", "指标", "数值"],
                ["2026-01", "班列开行列数", 12],
                ["2026年2月", "班列货值", "3.5"],
                ["2026-13", "班列开行列数", 1],
                ["2026-03", "班列开行列数", "十二"],
                ["2026-03", "", 4],
            ]
        )
    )
    assert [r[1:] for r in parsed.rows] == [
        ("班列开行列数", dt.date(2026, 1, 1), Decimal(12)),
        ("班列货值", dt.date(2026, 2, 1), Decimal("3.5")),
    ]
    assert parsed.errors == [
        "第4行：年月无法识别（应为 2026-03 或 2026年3月）",
        "第5行：数值“十二”不是数字",
        "第6行：缺少指标名称",
    ]
    assert parse_kpi_workbook(b"not a workbook").errors


@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC))
def test_kpi_import_page_writes_all_or_nothing(city, zone, client: Client):
    client.force_login(city.district_a_user)
    url = reverse("zones:platform_kpi_import", args=[zone.platform.pk])
    bad = _workbook(
        [["年月", "指标", "数值"], ["2026-01", "班列开行列数", 9], ["2026-02", "跨境电商交易额", 5]]
    )
    response = client.post(url, {"file": _upload(bad)}, follow=True)
    text = response.content.decode()
    assert "第3行：指标“跨境电商交易额”不是本平台的指标" in text
    assert not KpiValue.objects.exists()
    good = _workbook(
        [["年月", "指标", "数值"], ["2026-01", "班列开行列数", 9], ["2026-02", "班列货值", 5]]
    )
    client.post(url, {"file": _upload(good)})
    assert KpiValue.objects.count() == 2
    # the export is the template: importing it back changes nothing
    exported = client.get(reverse("zones:platform_kpi_export", args=[zone.platform.pk]))
    client.post(url, {"file": _upload(_strip_title(exported.content))})
    assert sorted(KpiValue.objects.values_list("value", flat=True)) == [5, 9]


def _strip_title(content: bytes) -> bytes:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "年月")
    return _workbook([r for r in rows[header:] if r[2] is not None or r[0] == "年月"])


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "指标.xlsx",
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC))
def test_kpi_grid_saves_the_month(city, zone, client: Client):
    trains = KpiDefinition.objects.get(kind=zone.kind, name="班列开行列数")
    client.force_login(city.district_a_user)
    url = reverse("zones:platform_kpi", args=[zone.platform.pk])
    response = client.post(url, {"month": "2026-05", f"kpi_{trains.pk}": "abc"})
    assert "不是数字" in response.content.decode()
    client.post(url, {"month": "2026-05", f"kpi_{trains.pk}": "1,234"})
    assert KpiValue.objects.get(definition=trains).value == 1234
    assert AuditEntry.objects.filter(action="zones.kpi.month").count() == 1
    page = client.get(reverse("zones:platform_detail", args=[zone.platform.pk]))
    assert 'data-chart="kpi"' in page.content.decode()


def test_kpi_workbook_with_formulas_without_results_is_refused():
    parsed = parse_kpi_workbook(
        _workbook([["年月", "指标", "数值"], ["2026-01", "班列货值", "=1+2"]])
    )
    assert parsed.rows == []
    assert parsed.errors[0].startswith("工作表“Sheet”的C2 等单元格是公式，但没有计算结果")


def test_kpi_workbook_behind_a_hidden_sheet_and_a_cover_page():
    data = behind_a_hidden_sheet_and_a_cover([["年月", "指标", "数值"], ["2026-01", "班列货值", 3]])
    parsed = parse_kpi_workbook(data)
    assert (parsed.errors, [r[1:] for r in parsed.rows]) == (
        [],
        [("班列货值", dt.date(2026, 1, 1), Decimal(3))],
    )


def test_completing_a_milestone_asks_first(city, zone, client: Client):
    """标记完成 cannot be undone (the action refuses a completed milestone); it went through
    without a question (UX review, 2026-12-05)."""
    zone.platform.milestones.create(title="封关验收", due=dt.date(2026, 12, 31))
    client.force_login(city.officer)
    page = client.get(reverse("zones:platform_detail", args=[zone.platform.pk])).content.decode()
    assert "确定将节点“封关验收”标记为今天完成吗？完成后不能撤销。" in page
