"""The web import flow: upload → validate job → report → remap → commit job; scope."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.tests.queue import run_queued_tasks
from kaifang.trade.models import CustomsRecord, ImportBatch, ImportStatus, MappingTemplate
from kaifang.trade.tests.helpers import workbook_bytes

pytestmark = pytest.mark.django_db(transaction=False)

USCC = synthetic_uscc(21)
# "出口额(万美元)" has to be recognised, and "往来国家" is a header nobody maps automatically.
HEADER = "年月,统一社会信用代码,企业名称,HS编码,往来国家,贸易方式,出口额(万美元)"
ROWS = [
    f"2025-09,{USCC},示范电子有限公司,85171300,日本,一般贸易,1.5",
    f"2025-09,{USCC},示范电子有限公司,85171300,美国,一般贸易,2",
    "2025-09,123,坏公司,85171300,美国,一般贸易,2",
]


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Fire the on-commit enqueue, then run what was queued, as the worker would."""

    def _run(call):
        with django_capture_on_commit_callbacks(execute=True):
            response = call()
        run_queued_tasks()
        return response

    return _run


def upload(client: Client, text: str, **extra: str):
    data = {
        "kind": "customs",
        "file": SimpleUploadedFile("九月出口.csv", text.encode("utf-8-sig")),
        "file_flow": "export",
        "source": "customs",
        **extra,
    }
    return client.post("/trade/imports/", data)


def test_upload_validate_remap_commit(city, trade_reference, client: Client, run_jobs):
    client.force_login(city.officer)
    response = run_jobs(lambda: upload(client, "\n".join([HEADER, *ROWS])))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    batch.refresh_from_db()
    # Without a partner column every row still has a value; the partner is simply unmapped.
    page = client.get(f"/trade/imports/{batch.pk}/").content.decode()
    assert "校验结果" in page
    assert batch.rows_rejected == 1
    # Map 往来国家 to the partner name and save the mapping as a template.
    form = {f"f_{name}": header for name, header in batch.mapping["fields"].items()}
    form["f_partner_name"] = "往来国家"
    form["save_as"] = "海关月度出口模板"
    response = run_jobs(lambda: client.post(f"/trade/imports/{batch.pk}/remap/", form))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PARSED
    assert batch.mapping["fields"]["partner_name"] == "往来国家"
    assert MappingTemplate.objects.filter(name="海关月度出口模板").exists()
    assert batch.summary["totals"]["export"]["usd"] == "35000.0"
    # The error report is an xlsx with the rejected row and its reason.
    report = client.get(f"/trade/imports/{batch.pk}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因"
    assert rows[1][0] == 4 and "统一社会信用代码" in rows[1][-1]
    # Commit.
    run_jobs(lambda: client.post(f"/trade/imports/{batch.pk}/commit/"))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    partners = sorted(CustomsRecord.objects.values_list("partner_code", flat=True))
    assert partners == ["116", "502"]


def test_file_without_value_column_fails_validation_in_chinese(
    city, trade_reference, client: Client, run_jobs
):
    client.force_login(city.officer)
    run_jobs(lambda: upload(client, "年月,企业名称,备注\n2025-09,某公司,无"))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED
    page = client.get(f"/trade/imports/{batch.pk}/").content.decode()
    assert "未找到金额列" in page
    assert "表头对应" in page  # the user can still correct the mapping
    assert not CustomsRecord.objects.exists()


def test_empty_file_is_refused_at_upload(city, trade_reference, client: Client):
    client.force_login(city.officer)
    response = upload(client, "")
    assert response.status_code == 200
    assert "空" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_only_city_wide_users_import_and_batches_stay_private(city, trade_reference, client):
    # A district user may not import: imports write city-wide facts and touch any enterprise.
    client.force_login(city.district_a_user)
    assert client.get("/trade/imports/").status_code == 403
    assert upload(client, "\n".join([HEADER, *ROWS])).status_code == 403
    # A batch is visible to its uploader and to city-wide scopes; a district user gets 404.
    client.force_login(city.officer)
    upload(client, "\n".join([HEADER, *ROWS]))
    batch = ImportBatch.objects.get()
    for other in (city.district_b_user, city.liaison):
        client.force_login(other)
        assert client.get(f"/trade/imports/{batch.pk}/").status_code == 404
        assert client.get(f"/trade/imports/{batch.pk}/errors.xlsx").status_code == 404
        assert client.post(f"/trade/imports/{batch.pk}/commit/").status_code == 404


def test_double_commit_enqueues_one_job(city, trade_reference, client, run_jobs):
    from kaifang.core.models import Job

    client.force_login(city.officer)
    run_jobs(lambda: upload(client, "\n".join([HEADER, *ROWS])))
    batch = ImportBatch.objects.get()
    client.post(f"/trade/imports/{batch.pk}/commit/")
    client.post(f"/trade/imports/{batch.pk}/commit/")
    assert Job.objects.filter(kind="trade.import_commit").count() == 1


def test_an_xlsx_carrying_a_program_is_refused_at_upload(city, trade_reference, client: Client):
    from kaifang.core.tests.uploads import with_member, xlsx_bytes

    client.force_login(city.officer)
    raw = with_member(xlsx_bytes([["年月", "美元"]]), "xl/embeddings/x.exe")
    data = {"kind": "customs", "file": SimpleUploadedFile("九月.xlsx", raw), "source": "customs"}
    response = client.post("/trade/imports/", data)
    assert response.status_code == 200 and "可执行程序" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_source_is_a_chinese_choice_list(city, trade_reference, client: Client, run_jobs):
    client.force_login(city.officer)
    page = client.get("/trade/imports/").content.decode()
    assert '<select name="source"' in page
    assert ">海关统计</option>" in page and ">局内统计</option>" in page
    assert "如 customs" not in page
    # anything off the list is refused in Chinese
    response = upload(client, "\n".join([HEADER, *ROWS]), source="typed-by-hand")
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    run_jobs(lambda: upload(client, "\n".join([HEADER, *ROWS]), source="bureau"))
    assert ImportBatch.objects.get().source == "bureau"
    assert "<td>局内统计</td>" in client.get("/trade/imports/").content.decode()


def test_polling_stops_when_the_job_has_ended(city, trade_reference, client: Client):
    from kaifang.core.models import Job
    from kaifang.core.models.jobs import JobStatus

    client.force_login(city.officer)
    upload(client, "\n".join([HEADER, *ROWS]))  # the job is queued, not run
    batch = ImportBatch.objects.get()
    page = client.get(f"/trade/imports/{batch.pk}/").content.decode()
    assert 'id="import-poll"' in page and 'hx-trigger="every 1s"' in page
    assert client.get(f"/trade/imports/{batch.pk}/poll/").status_code == 204
    # the worker died: the job failed, the batch still says 解析中
    Job.objects.filter(pk=batch.current_job).update(status=JobStatus.FAILED, error="进程被终止")
    response = client.get(f"/trade/imports/{batch.pk}/poll/")
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    page = client.get(f"/trade/imports/{batch.pk}/").content.decode()
    assert 'id="import-poll"' not in page and "hx-trigger" not in page.split("<main", 1)[1]
    assert "进程被终止" in page


def test_an_amount_beyond_the_database_is_refused_and_the_pages_still_open(
    city, trade_reference, client: Client, run_jobs
):
    """1E+30 or a credit code in the 美元 column used to validate, commit, and then make every
    page that read the month's records answer 500; now it is a row error at validation."""
    client.force_login(city.officer)
    header = "年月,统一社会信用代码,企业名称,商品编码,贸易伙伴,贸易方式,美元,进出口"
    good = f"2025-09,{USCC},示范电子有限公司,85171300,日本,一般贸易,100,出口"
    huge = f"2025-09,{USCC},示范电子有限公司,85171200,日本,一般贸易,1E+30,出口"
    code = f"2025-09,{USCC},示范电子有限公司,85171100,日本,一般贸易,91410300000000019000,出口"
    run_jobs(lambda: upload(client, "\n".join([header, good, huge, code])))
    batch = ImportBatch.objects.get()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PARSED
    assert (batch.rows_imported, batch.rows_rejected) == (1, 2)
    page = client.get(f"/trade/imports/{batch.pk}/").content.decode()
    assert "数值过大" in page
    run_jobs(lambda: client.post(f"/trade/imports/{batch.pk}/commit/"))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert CustomsRecord.objects.count() == 1
    for url in ("/trade/analysis/", "/trade/analysis/records/?period=2025-09"):
        assert client.get(url).status_code == 200, url


def test_a_damaged_xls_is_refused_at_upload_in_chinese(city, trade_reference, client: Client):
    """A cut-off .xls (a mail attachment) used to answer 500 (xlrd's IndexError)."""
    client.force_login(city.officer)
    fixture = Path(__file__).parent / "fixtures" / "customs_export_2025_09.xls"
    data = {
        "kind": "customs",
        "file": SimpleUploadedFile("九月出口.xls", fixture.read_bytes()[:1500]),
        "file_flow": "export",
        "source": "customs",
    }
    response = client.post("/trade/imports/", data)
    assert response.status_code == 200
    assert "xls 文件已损坏，无法读取" in response.content.decode()
    assert not ImportBatch.objects.exists()


def _titled_upload(client: Client, unit: str, value_header: str):
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ["2025年9月出口企业数据"],
        [unit],
        ["年月", "统一社会信用代码", "企业名称", "商品编码", "贸易伙伴", "贸易方式", value_header],
        ["2025-09", USCC, "示范电子有限公司", "85171300", "日本", "一般贸易", 12.5],
    ):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    data = {
        "kind": "customs",
        "file": SimpleUploadedFile("九月出口.xlsx", out.getvalue()),
        "file_flow": "export",
        "source": "customs",
    }
    return client.post("/trade/imports/", data)


def test_a_unit_in_a_title_row_reaches_the_batch_totals(city, trade_reference, client, run_jobs):
    """单位：万美元 in a title row: the batch showed 12.5 USD, 10,000 times too small."""
    client.force_login(city.officer)
    run_jobs(lambda: _titled_upload(client, "单位：万美元", "出口"))
    batch = ImportBatch.objects.get()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PARSED
    assert batch.summary["totals"]["export"] == {"usd": "125000.0", "cny": "0"}
    assert "列“出口”按标题所注单位（万美元）计" in batch.summary["notes"]


def test_title_and_header_units_that_differ_are_refused_at_upload(city, trade_reference, client):
    client.force_login(city.officer)
    response = _titled_upload(client, "单位：万美元", "出口额(美元)")
    assert response.status_code == 200
    assert "与列“出口额(美元)”的单位不一致" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_formulas_without_results_are_refused_at_upload(city, trade_reference, client: Client):
    """The export figure of a program-written workbook (=10+5, never computed) was dropped and
    the row committed as import-only; now the upload says which cells and what to do."""
    client.force_login(city.officer)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["企业名称", "统一社会信用代码", "年月", "出口额(美元)", "进口额(美元)"])
    sheet.append(["示范电子有限公司", USCC, "2025-09", "=10+5", 7])
    out = io.BytesIO()
    book.save(out)
    data = {"kind": "customs", "file": SimpleUploadedFile("九月.xlsx", out.getvalue())}
    response = client.post("/trade/imports/", {**data, "source": "customs"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "D2 等单元格是公式，但没有计算结果" in text
    assert not ImportBatch.objects.exists()


def test_missing_columns_name_the_sheet_read(city, trade_reference, client, run_jobs):
    """未找到金额列；未找到企业标识列… said nothing of sheets, and the page has no sheet picker."""
    client.force_login(city.officer)
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "说明"
    first.append(["本表为九月数据"])
    first.append(["请勿修改"])
    other = book.create_sheet("汇总")
    other.append(["地区", "备注"])
    other.append(["甲区", "x"])
    out = io.BytesIO()
    book.save(out)
    data = {"kind": "customs", "file": SimpleUploadedFile("九月.xlsx", out.getvalue())}
    run_jobs(lambda: client.post("/trade/imports/", {**data, "source": "customs"}))
    batch = ImportBatch.objects.get()
    batch.refresh_from_db()
    assert "未找到金额列" in batch.message
    assert "（读取的是工作表“说明”，文件共有 2 个工作表）" in batch.message


def test_a_password_protected_xlsx_is_named_at_upload(city, trade_reference, client: Client):
    """It was refused as XLSX 文件已损坏, which does not mention the password."""
    client.force_login(city.officer)
    xls = (Path(__file__).parent / "fixtures" / "customs_export_2025_09.xls").read_bytes()
    name = "Workbook".encode("utf-16-le")
    encrypted = xls.replace(name + b"\0\0", "EncryptedPackage".encode("utf-16-le") + b"\0\0", 1)
    data = {"kind": "customs", "file": SimpleUploadedFile("九月.xlsx", encrypted)}
    response = client.post("/trade/imports/", {**data, "source": "customs"})
    assert response.status_code == 200
    assert "XLSX 文件设置了打开密码：请在 Excel 中取消密码并另存后再上传。" in (
        response.content.decode()
    )
    assert not ImportBatch.objects.exists()


def _two_sheets() -> bytes:
    header = ["年月", "统一社会信用代码", "企业名称", "贸易伙伴编码", "美元"]
    return workbook_bytes(
        {
            "出口": [header, [202509, USCC, "示范电子有限公司", "502", 100]],
            "进口": [
                header,
                [202509, USCC, "示范电子有限公司", "116", 7],
                [202509, "123", "坏公司", "116", 1],
            ],
        }
    )


def test_a_workbook_of_an_export_and_an_import_sheet(city, trade_reference, client, run_jobs):
    """Only the 出口 sheet was read; with no flow chosen the file failed validation."""
    client.force_login(city.officer)
    data = {"kind": "customs", "source": "customs"}
    file = SimpleUploadedFile("九月.xlsx", _two_sheets())
    run_jobs(lambda: client.post("/trade/imports/", {**data, "file": file}))
    batch = ImportBatch.objects.get()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PARSED, batch.message
    assert batch.sheets["read"] == ["出口", "进口"]
    assert batch.summary["totals"]["export"]["usd"] == "100"
    assert batch.summary["totals"]["import"]["usd"] == "7"
    page = client.get(f"/trade/imports/{batch.pk}/").content.decode()
    assert "读取的工作表：「出口」、「进口」" in page
    assert "<th>工作表</th>" in page and '<td>进口</td><td class="num">3</td>' in page
    run_jobs(lambda: client.post(f"/trade/imports/{batch.pk}/commit/"))
    flows = sorted(CustomsRecord.objects.values_list("flow", "value_usd"))
    assert [(f, int(v)) for f, v in flows] == [("export", 100), ("import", 7)]


def test_the_sheets_to_read_are_chosen_at_upload(city, trade_reference, client, run_jobs):
    client.force_login(city.officer)
    data = {"kind": "customs", "source": "customs", "sheets": "进口"}
    file = SimpleUploadedFile("九月.xlsx", _two_sheets())
    run_jobs(lambda: client.post("/trade/imports/", {**data, "file": file}))
    batch = ImportBatch.objects.get()
    batch.refresh_from_db()
    assert (batch.sheets["chosen"], batch.sheets["read"]) == (["进口"], ["进口"])
    assert batch.summary["totals"]["export"]["usd"] == "0"
    response = client.post(
        "/trade/imports/",
        {**data, "sheets": "出口、三月", "file": SimpleUploadedFile("九月.xlsx", _two_sheets())},
    )
    assert response.context["form"].errors["sheets"] == ["没有名为“三月”的工作表（有：出口、进口）"]


def test_other_kinds_read_one_chosen_sheet(city, trade_reference, client):
    client.force_login(city.officer)
    data = {"kind": "fdi", "source": "commerce", "sheets": "出口，进口"}
    response = client.post(
        "/trade/imports/", {**data, "file": SimpleUploadedFile("a.xlsx", _two_sheets())}
    )
    assert "一次只能导入一个工作表" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_upload_page_offers_the_sheets_field(city, trade_reference, client):
    client.force_login(city.officer)
    page = client.get("/trade/imports/").content.decode()
    assert 'name="sheets"' in page and "表名可代替进出口列和年月列" in page


def test_an_fdi_file_dated_by_its_title_validates(city, trade_reference, client, run_jobs):
    """The FDI parser takes the month from a title (2025年9月…); validation used to refuse
    the file first, for want of a 年月 column."""
    client.force_login(city.officer)
    rows = [
        ["2025年9月实际使用外资企业明细"],
        ["单位：万美元"],
        ["企业名称", "统一社会信用代码", "投资方国别(地区)", "实际使用外资"],
        ["示范电子有限公司", USCC, "中国香港", 120.5],
    ]
    data = {"kind": "fdi", "source": "commerce"}
    response = run_jobs(
        lambda: client.post(
            "/trade/imports/",
            {**data, "file": SimpleUploadedFile("外资.xlsx", workbook_bytes({"外资": rows}))},
        )
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.PARSED, batch.summary
    assert batch.summary["totals"]["value"]["usd"] == "1205000.0"
    assert batch.rows_read == 1 and batch.rows_rejected == 0
