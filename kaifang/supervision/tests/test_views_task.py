"""Task pages: the flow through HTTP, refusals shown in Chinese, the scope gate by every route,
exports opened back, the summary job, the workbench panel and the notifications sent."""

from __future__ import annotations

import datetime as dt
import io

import docx
import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaifang.core import jobs
from kaifang.core.models import AuditEntry, Job, Notification
from kaifang.supervision import actions
from kaifang.supervision.models import ExtensionRequest, ReportAttachment, TaskStatus
from kaifang.supervision.tests.conftest import at, make_task

pytestmark = pytest.mark.django_db


def url(task, step=""):
    return f"/supervision/tasks/{task.pk}/{step + '/' if step else ''}"


def test_flow_through_the_pages(city, client: Client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = make_task(city, deadline=dt.date(2026, 12, 31))
    assert Notification.objects.filter(
        recipient=city.district_a_user, title__contains="待签收"
    ).exists()
    client.force_login(city.district_a_user)
    page = client.get(url(task)).content.decode()
    assert "签收" in page and "抓好测试工作" in page
    client.post(url(task, "sign"))
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(url(task, "report"), {"text": "已完成选址", "percent": 60, "attachment": upload})
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.percent == 60
    attachment = ReportAttachment.objects.get()
    response = client.get(f"/supervision/attachments/{attachment.pk}/")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert "filename*=utf-8''%E6%96%B9%E6%A1%88.pdf" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export.report_attachment").count() == 1
    client.force_login(city.district_b_user)
    assert client.get(f"/supervision/attachments/{attachment.pk}/").status_code == 404
    client.force_login(city.district_a_user)
    client.post(url(task, "request-completion"), {"note": "请审核"})
    client.force_login(city.officer)
    response = client.post(url(task, "return"), {"reason": "缺少验收报告"}, follow=True)
    assert "已驳回" in response.content.decode()
    client.force_login(city.district_a_user)
    client.post(url(task, "request-completion"))
    client.force_login(city.officer)
    client.post(url(task, "accept"), {"note": ""})
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    page = client.get(url(task)).content.decode()
    assert "驳回重办" in page and "缺少验收报告" in page and "办结销号" in page


def test_illegal_step_is_refused_with_a_chinese_message(city, client: Client):
    task = make_task(city)
    client.force_login(city.district_a_user)
    response = client.post(url(task, "request-completion"), follow=True)
    assert "当前状态为“交办”，不能申请办结" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_attachment_type_and_size_are_limited(city, client: Client, settings):
    settings.SUPERVISION_ATTACHMENT_MAX_MB = 1
    task = make_task(city)
    actions.task_sign(actor=city.district_a_user, task=task)
    client.force_login(city.district_a_user)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url(task, "report"), {"text": "x", "percent": 5, "attachment": bad})
    big = SimpleUploadedFile("big.pdf", b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    client.post(url(task, "report"), {"text": "x", "percent": 5, "attachment": big})
    renamed = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 program", content_type="application/pdf")
    client.post(url(task, "report"), {"text": "x", "percent": 5, "attachment": renamed})
    assert response.status_code == 302
    assert not task.reports.exists()


def test_extension_through_the_pages(city, client: Client):
    task = make_task(city, deadline=dt.date(2026, 10, 9))
    actions.task_sign(actor=city.district_a_user, task=task)
    client.force_login(city.district_a_user)
    client.post(url(task, "extension"), {"requested_deadline": "2026-11-30", "reason": "雨季"})
    extension = ExtensionRequest.objects.get()
    # The lead unit cannot decide its own request.
    assert client.post(f"/supervision/extensions/{extension.pk}/approve/").status_code == 403
    client.force_login(city.officer)
    client.post(f"/supervision/extensions/{extension.pk}/approve/", {"note": "同意"})
    task.refresh_from_db()
    assert (task.deadline, task.original_deadline) == (dt.date(2026, 11, 30), dt.date(2026, 10, 9))
    page = client.get("/supervision/").content.decode()
    assert "原 2026-10-09" in page


def test_scope_district_b_cannot_see_or_act_on_district_a_task(city, client: Client):
    task = make_task(city, title="东城区的任务")
    other = make_task(city, title="西城区的任务", lead=city.district_b)
    actions.task_sign(actor=city.district_a_user, task=task)
    actions.task_report(actor=city.district_a_user, task=task, text="进展", percent=10)
    actions.task_sign(actor=city.district_b_user, task=other)
    client.force_login(city.district_b_user)
    listing = client.get("/supervision/").content.decode()
    assert "西城区的任务" in listing and "东城区的任务" not in listing
    for step in ("", "sign", "report", "request-completion", "extension", "edit"):
        method = client.get if step in ("", "edit") else client.post
        assert method(url(task, step)).status_code == 404, step
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/supervision/export.xlsx").content))
    titles = [row[1] for row in workbook.active.iter_rows(min_row=3, values_only=True)]
    assert titles == ["西城区的任务"]
    document = docx.Document(io.BytesIO(client.get("/supervision/export.docx").content))
    text = "\n".join(cell.text for row in document.tables[0].rows for cell in row.cells)
    assert "西城区的任务" in text and "东城区的任务" not in text
    boards = client.get("/supervision/boards/").content.decode()
    assert "东城区商务局" not in boards
    document_page = client.get(f"/supervision/documents/{task.document_id}/")
    assert document_page.status_code == 404
    attachment_free = client.get("/supervision/documents/").content.decode()
    assert "测试讲话" in attachment_free  # district B's own task's document only
    client.force_login(city.district_a_user)
    assert client.get(url(other)).status_code == 404


def test_ledger_word_and_excel_open_back(city, client: Client):
    task = make_task(city, title="综保区获批和自贸大厦投用", deadline=dt.date(2026, 12, 31))
    task.co_units.add(city.customs)
    actions.task_sign(actor=city.district_a_user, task=task)
    actions.task_report(
        actor=city.district_a_user, task=task, text="申报材料已报省政府", percent=70
    )
    client.force_login(city.officer)
    response = client.get("/supervision/export.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    title = document.paragraphs[0]
    assert title.text == "督办事项台账"
    assert title.alignment == 1  # centred
    fonts = title.runs[0]._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == (
        "方正小标宋简体"
    )
    table = document.tables[0]
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["序号", "任务", "牵头单位", "责任单位", "完成时限", "进展情况", "状态"]
    row = [cell.text for cell in table.rows[1].cells]
    assert row[1] == "综保区获批和自贸大厦投用"
    assert row[2] == "东城区商务局" and row[3] == "示范海关"
    assert row[4] == "2026-12-31" and "申报材料已报省政府" in row[5] and "70%" in row[5]
    body_font = table.rows[1].cells[1].paragraphs[0].runs[0]._element.rPr.rFonts
    assert "仿宋" in body_font.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/supervision/export.xlsx").content))
    sheet = workbook.active
    assert sheet.title == "督办台账"
    assert sheet["A1"].value == "督办事项台账" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]][:7] == header
    values = [c.value for c in sheet[3]]
    assert values[1] == "综保区获批和自贸大厦投用" and values[10] == 70
    assert AuditEntry.objects.filter(action="export.supervision.ledger_docx").count() == 1
    assert AuditEntry.objects.filter(action="export.supervision.ledger_xlsx").count() == 1


def test_a_long_ledger_is_written_by_the_worker_within_the_users_scope(
    city, client: Client, settings, django_capture_on_commit_callbacks
):
    """A Word table cell costs thirty plain ones (python-docx writes about 3,100 a second):
    a ledger past the budget goes to the worker, which writes the same file, as the user who
    asked, through the list's filters and his scope (session 55)."""
    from kaifang.core.exports import HEAVY_CELL_WEIGHT, WORD_CELL_WEIGHT
    from kaifang.core.tests.queue import download_through_worker
    from kaifang.supervision.exports import LEDGER_COLUMNS, LEDGER_EXTRA_COLUMNS

    make_task(city, title="东城区的港口任务")
    make_task(city, title="西城区的港口任务", lead=city.district_b)
    make_task(city, title="西城区的园区任务", lead=city.district_b)
    client.force_login(city.district_b_user)
    path = "/supervision/export.docx?q=港口"
    one_task = len(LEDGER_COLUMNS) * WORD_CELL_WEIGHT
    settings.EXPORT_SYNC_CELLS = one_task - 1
    job, content = download_through_worker(client, path, django_capture_on_commit_callbacks)
    cells = [c.text for row in docx.Document(io.BytesIO(content)).tables[0].rows for c in row.cells]
    assert "西城区的港口任务" in cells
    assert "东城区的港口任务" not in cells and "西城区的园区任务" not in cells
    assert job.result["filename"].endswith(".docx") and job.title == "导出督办台账（Word）（1 行）"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "导出文件" in page
    assert AuditEntry.objects.filter(
        action="export.supervision.ledger_docx", actor=city.district_b_user
    ).exists()
    settings.EXPORT_SYNC_CELLS = one_task  # written at once: the same table
    response = client.get(path)
    assert response.status_code == 200
    at_once = [
        c.text
        for row in docx.Document(io.BytesIO(response.content)).tables[0].rows
        for c in row.cells
    ]
    assert at_once == cells

    excel = "/supervision/export.xlsx?q=港口"
    one_row = (len(LEDGER_COLUMNS) + len(LEDGER_EXTRA_COLUMNS)) * HEAVY_CELL_WEIGHT
    settings.EXPORT_SYNC_CELLS = one_row - 1
    response = client.get(excel, follow=True)
    assert "共 1 项督办事项，已转入后台生成 Excel 文件" in response.content.decode()
    settings.EXPORT_SYNC_CELLS = one_row
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(excel).content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["西城区的港口任务"]


def test_list_filters_and_pagination(city, client: Client):
    for n in range(35):
        make_task(city, title=f"任务{n:02d}", deadline=dt.date(2026, 11, 1) + dt.timedelta(days=n))
    client.force_login(city.officer)
    page = client.get("/supervision/").content.decode()
    assert "共 35 条" in page
    page2 = client.get("/supervision/?page=2").content.decode()
    assert "任务34" in page2
    filtered = client.get(
        "/supervision/?deadline_from=2026-11-01&deadline_to=2026-11-03&status=assigned"
    ).content.decode()
    assert "任务02" in filtered and "任务03" not in filtered
    assert "任务00" not in client.get("/supervision/?q=任务01").content.decode()


def test_summary_job_produces_a_word_file(city, client: Client):
    with time_machine.travel(at(2026, 9, 21), tick=False):
        task = make_task(city)
        actions.task_sign(actor=city.district_a_user, task=task)
        actions.task_report(actor=city.district_a_user, task=task, text="本周完成招标", percent=30)
        client.force_login(city.officer)
        response = client.post("/supervision/summary/", {"period": "week"})
        job = Job.objects.get(kind="supervision.summary")
        assert response["Location"] == f"/jobs/{job.pk}/"
        jobs.run(str(job.pk))
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    document = docx.Document(job.result_file.open("rb"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "督查督办工作进展情况（周报）" in text
    assert "报送进展 1 条" in text
    assert "本周完成招标" in document.tables[0].rows[1].cells[5].text
    client.force_login(city.district_a_user)
    assert client.post("/supervision/summary/").status_code == 403


def test_workbench_panel(city, client: Client):
    with time_machine.travel(at(2026, 9, 29), tick=False):
        make_task(city, title="待签收的任务", deadline=dt.date(2026, 10, 9))
        late = make_task(city, title="逾期的任务", deadline=dt.date(2026, 9, 1))
        actions.task_sign(actor=city.district_a_user, task=late)
        client.force_login(city.district_a_user)
        page = client.get("/").content.decode()
    assert "督查督办" in page and "待签收（1）" in page and "逾期（1）" in page
    assert "待签收的任务" in page and "逾期的任务" in page


def test_boards_show_score_formula(city, client: Client):
    with time_machine.travel(at(2026, 9, 1), tick=False):
        task = make_task(city, deadline=dt.date(2026, 10, 9))
        actions.task_sign(actor=city.district_a_user, task=task)
    client.force_login(city.officer)
    with time_machine.travel(at(2026, 9, 2), tick=False):
        page = client.get("/supervision/boards/").content.decode()
    assert "得分 = 70 × 办结得分率" in page and "东城区商务局" in page
    assert "暂不评分" in page  # nothing due yet: no score, not 100
    with time_machine.travel(at(2026, 10, 12), tick=False):
        client.force_login(city.officer)
        page = client.get("/supervision/boards/").content.decode()
    # Overdue: 70 × 0/1 + 30 × 1/1 − 5 × 1 = 25.
    assert "<strong>25.0</strong>" in page


def test_ledger_export_keeps_formula_like_titles_as_text(city, client: Client):
    from kaifang.core.tests.xlsx import EVIL, assert_stored_as_text

    make_task(city, title=EVIL)
    client.force_login(city.leader)
    content = client.get("/supervision/export.xlsx").content
    assert_stored_as_text(content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["B3"].alignment.wrap_text and "A1:M1" in str(sheet.merged_cells)


def test_progress_attachment_carrying_a_program_is_refused(city, client: Client):
    import zipfile

    from kaifang.core.tests.uploads import with_member, xlsx_bytes

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("现场照片说明.txt", "说明")
    zip_bytes = buffer.getvalue()
    task = make_task(city)
    actions.task_sign(actor=city.district_a_user, task=task)
    client.force_login(city.district_a_user)
    for name, raw, reason in [
        ("台账.xlsx", with_member(xlsx_bytes([["进展"]]), "xl/media/run.exe"), "可执行程序"),
        ("照片.zip", with_member(zip_bytes, "setup.bat"), "可执行程序"),
    ]:
        upload = SimpleUploadedFile(name, raw)
        response = client.post(
            url(task, "report"),
            {"text": "已完成", "percent": 50, "attachment": upload},
            follow=True,
        )
        assert reason in response.content.decode(), name
    assert not ReportAttachment.objects.exists()


def test_a_unit_that_finished_nothing_never_outranks_one_that_finished_late(city):
    from kaifang.supervision import selectors

    with time_machine.travel(at(2026, 9, 1), tick=False):
        late = make_task(city, deadline=dt.date(2026, 9, 10))  # district A
        idle = make_task(city, deadline=dt.date(2026, 9, 10), lead=city.district_b)
        make_task(city, deadline=dt.date(2026, 12, 31), lead=city.district_a_park)
        actions.task_sign(actor=city.district_a_user, task=late)
        actions.task_sign(actor=city.district_b_user, task=idle)
    with time_machine.travel(at(2026, 9, 15), tick=False):  # after the deadline
        actions.task_report(actor=city.district_a_user, task=late, text="已完成", percent=100)
        actions.task_request_completion(actor=city.district_a_user, task=late)
        actions.task_accept(actor=city.officer, task=late)
    with time_machine.travel(at(2026, 9, 16), tick=False):
        rows = {t.label: t for t in selectors.board_by_unit(user=city.officer)}
        order = [t.label for t in selectors.board_by_unit(user=city.officer)]
    finished_late, finished_nothing = rows["东城区商务局"], rows["西城区商务局"]
    # late: 70 × (0 + 0.5 × 1)/1 + 30 × 1/1 = 65; nothing: 70 × 0 + 30 − 5 × 1 overdue = 25
    assert (finished_late.score, finished_nothing.score) == (65.0, 25.0)
    assert rows[city.district_a_park.name].score is None  # nothing due yet: not ranked
    assert order == ["东城区商务局", "西城区商务局", city.district_a_park.name]


def test_an_unsigned_task_counts_against_signing(city):
    from kaifang.supervision import selectors

    with time_machine.travel(at(2026, 9, 1), tick=False):
        make_task(city, deadline=dt.date(2026, 9, 4), lead=city.district_b)
    with time_machine.travel(at(2026, 9, 10), tick=False):
        (row,) = selectors.board_by_unit(user=city.officer)
    # never signed, overdue: 70 × 0 + 30 × 0/1 − 5 = −5 → 0 (not 25)
    assert row.score == 0.0


def test_closing_a_task_asks_first(city, client: Client):
    """办结销号 cannot be undone; the button went through without a question (UX review,
    2026-12-05)."""
    task = make_task(city, deadline=dt.date(2026, 12, 31))
    actions.task_sign(actor=city.district_a_user, task=task)
    actions.task_report(actor=city.district_a_user, task=task, text="已完成", percent=100)
    actions.task_request_completion(actor=city.district_a_user, task=task)
    client.force_login(city.officer)
    page = client.get(url(task)).content.decode()
    form = page[page.index('id="accept-form"') - 200 : page.index('id="accept-form"') + 200]
    assert 'data-confirm="确定审核通过、办结销号吗？销号后不能撤销' in form


def test_completing_a_task_milestone_asks_first(city, client: Client):
    task = make_task(city, deadline=dt.date(2026, 12, 31))
    actions.milestone_add(actor=city.officer, task=task, title="完成选址", due=dt.date(2026, 12, 1))
    actions.task_sign(actor=city.district_a_user, task=task)
    client.force_login(city.district_a_user)
    page = client.get(url(task)).content.decode()
    assert "确定将节点“完成选址”标记为完成吗？完成后不能撤销。" in page
