"""The scenario pages: build, read the result, drill down, import a list, export, send visits."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from kaifang.core.exports import HEAVY_CELL_WEIGHT
from kaifang.core.models import AuditEntry, Notification
from kaifang.core.tests.queue import export_through_worker
from kaifang.risk.exports import ENTERPRISE_HEADERS
from kaifang.risk.models import FollowUp, Scenario
from kaifang.trade.tests.helpers import xlsx_bytes

pytestmark = pytest.mark.django_db

TERMS = {
    "name": "美国对机电产品加征关税",
    "description": "",
    "flow": "export",
    "partners_text": "502",
    "hs_text": "85, 84",
    "shock": "tariff",
    "tariff_pp": "25",
    "elasticity": "1.5",
    "share_lost_pct": "30",
    "months": "12",
    "until_text": "2025-03",
    "currency": "usd",
}


def _create(client: Client, **changes: str) -> Scenario:
    response = client.post("/risk/scenarios/new/", {**TERMS, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Scenario.objects.latest("id")


def test_officer_builds_a_scenario_and_reads_the_result(risk_data, city, client):
    client.force_login(city.officer)
    scenario = _create(client)
    assert scenario.unit == city.division
    page = client.get(f"/risk/scenarios/{scenario.pk}/").content.decode()
    assert "甲电机" in page and "丙机械" in page and "乙电器" in page
    formula = "预计损失 = 受影响金额 × 需求弹性 × 加征税率(百分点) ÷ 100，最高按受影响金额的100%计"
    assert formula in page
    assert "min(" not in page
    assert 'id="total-share">48.7%' in page  # 280 / 575
    assert "<script>" not in page  # charts come as JSON blocks, drawn by a static script


def test_drill_down_total_equals_the_figure(risk_data, city, client):
    client.force_login(city.officer)
    scenario = _create(client)
    page = client.get(f"/risk/scenarios/{scenario.pk}/records/").content.decode()
    assert 'id="records-total">280.00<' in page
    one = client.get(
        f"/risk/scenarios/{scenario.pk}/records/?enterprise={risk_data.a1.pk}"
    ).content.decode()
    assert 'id="records-total">180.00<' in one and "丙机械" not in one


def test_form_rejects_unknown_partners_and_bad_codes(risk_data, city, client):
    client.force_login(city.officer)
    response = client.post(
        "/risk/scenarios/new/", {**TERMS, "partners_text": "亚特兰蒂斯", "hs_text": "85x"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "未知的国别(地区)或分组：亚特兰蒂斯" in page
    assert "商品编码应为2至10位数字：85x" in page


def test_tariff_list_import_shows_each_lines_matches(risk_data, city, client):
    client.force_login(city.officer)
    scenario = _create(client)
    content = xlsx_bytes(
        [
            ["HTS", "Description", "Rate"],
            ["8501.10.2000", "motors", "25%"],
            ["9999", "none", 10],
            ["8471.30.00", "computers", 25],
        ]
    )
    upload = io.BytesIO(content)
    upload.name = "list.xlsx"
    response = client.post(f"/risk/scenarios/{scenario.pk}/import/", {"file": upload})
    assert response.status_code == 302
    assert list(scenario.products.values_list("hs_code", "rate_pp")) == [
        ("8501102000", Decimal("25.00")),
        ("9999", Decimal("10.00")),
        ("84713000", Decimal("25.00")),
    ]
    page = client.get(f"/risk/scenarios/{scenario.pk}/").content.decode()
    table = page.split('id="line-table"')[1].split("</table>")[0]
    assert "未匹配" in table  # 9999 matched nothing
    rows = table.split("<tr>")
    cells = '<td class="num line-codes">{}</td><td class="num line-records">{}</td>'
    assert '>8501102000</code></td><td class="num">25.00</td><td>motors</td>' in rows[2]
    assert cells.format(1, 1) in rows[2]  # 85011020 in 2025-01
    # One code of the city's data, in two records (甲 2024-12, 丙 2025-01): 1 code, 2 records.
    assert ">84713000</code>" in rows[4] and cells.format(1, 2) in rows[4]
    assert cells.format(0, 0) in rows[3] and "未匹配" in rows[3]


def test_bad_tariff_list_is_refused_with_row_errors(risk_data, city, client):
    client.force_login(city.officer)
    scenario = _create(client)
    upload = io.BytesIO(xlsx_bytes([["商品编码", "加征税率"], ["85ab", "10"]]))
    upload.name = "bad.xlsx"
    page = client.post(f"/risk/scenarios/{scenario.pk}/import/", {"file": upload}).content.decode()
    assert "第2行“商品编码”列：商品编码“85ab”不是2、4、6、8或10位数字" in page
    assert list(scenario.products.values_list("hs_code", flat=True)) == ["85", "84"]


def test_exports_are_real_files_and_audited(risk_data, city, client):
    client.force_login(city.officer)
    scenario = _create(client)
    response = client.get(f"/risk/scenarios/{scenario.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[3][1] == "甲电机" and values[3][7] == 180
    assert values[-1][0] == "合计" and values[-1][7] == 280
    assert {"分县区", "分园区", "分行业", "商品清单匹配"} <= set(book.sheetnames)
    brief = client.get(f"/risk/scenarios/{scenario.pk}/brief.docx")
    document = Document(io.BytesIO(brief.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "风险敞口简报" in text and "占同期出口48.7%" in text
    assert document.tables[0].rows[1].cells[1].text == "甲电机"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"export.risk_scenario_xlsx", "export.risk_scenario_docx"} <= actions


def test_brief_names_the_places_and_states_the_formula_in_words(risk_data, city, client):
    for unit, place in ((city.district_a, "东城区"), (city.district_b, "西城区")):
        unit.short_name = place
        unit.save()
    client.force_login(city.officer)
    scenario = _create(client)
    brief = client.get(f"/risk/scenarios/{scenario.pk}/brief.docx")
    document = Document(io.BytesIO(brief.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "全市受影响出口" in text and "所属单位范围" not in text
    assert "受影响较大的县区：东城区" in text and "、西城区" in text
    assert "最高按受影响金额的100%计" in text and "min(" not in text
    assert "商务局" not in text
    assert document.tables[0].rows[1].cells[2].text == "东城区"
    workbook = client.get(f"/risk/scenarios/{scenario.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.worksheets[0].cell(row=4, column=4).value == "东城区"
    assert {row[0] for row in book["分县区"].iter_rows(min_row=2, values_only=True)} == {
        "东城区",
        "西城区",
        "合计",
    }
    form = client.get("/risk/scenarios/new/").content.decode()
    assert "min(" not in form and "最高按受影响金额的100%计" in form


def test_a_district_scenario_brief_speaks_of_the_district(risk_data, city, client):
    city.district_a.short_name = "东城区"
    city.district_a.save()
    client.force_login(city.district_a_user)
    scenario = _create(client)
    assert scenario.unit == city.district_a
    brief = client.get(f"/risk/scenarios/{scenario.pk}/brief.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(brief.content)).paragraphs)
    assert "东城区受影响出口" in text and "全市" not in text


def test_drill_down_by_district_names_the_place(risk_data, city, client):
    city.district_a.short_name = "东城区"
    city.district_a.save()
    client.force_login(city.officer)
    scenario = _create(client)
    page = client.get(
        f"/risk/scenarios/{scenario.pk}/records/?district={city.district_a.pk}"
    ).content.decode()
    assert "东城区" in page and "所选县区" not in page
    client.force_login(city.district_b_user)
    other = client.get(f"/risk/scenarios/{scenario.pk}/records/?district={city.district_a.pk}")
    assert other.status_code == 404 or "东城区" not in other.content.decode()


def test_send_visits_creates_one_task_per_enterprise_for_its_liaison(risk_data, city, client):
    client.force_login(city.officer)
    scenario = _create(client)
    response = client.post(f"/risk/scenarios/{scenario.pk}/follow-ups/", {"top": "3"})
    assert response.status_code == 302
    tasks = list(FollowUp.objects.filter(scenario=scenario))
    # 甲 has a liaison; 丙 and 乙 have none and are named in the message
    assert [(t.enterprise.name, t.liaison, t.rank) for t in tasks] == [("甲电机", city.liaison, 1)]
    assert Notification.objects.filter(recipient=city.liaison, category="risk").count() == 1
    client.post(f"/risk/scenarios/{scenario.pk}/follow-ups/", {"top": "3"})
    assert FollowUp.objects.filter(scenario=scenario).count() == 1  # idempotent
    assert Notification.objects.filter(recipient=city.liaison, category="risk").count() == 1
    client.force_login(city.liaison)
    mine = client.get("/risk/my-visits/").content.decode()
    assert "甲电机" in mine and "待走访" in mine


def test_drill_down_names_the_enterprise_from_the_register_within_the_scope(
    risk_data, city, client
):
    """The page title names the enterprise chosen, read from the register; an enterprise
    outside the viewer's scope stays unnamed."""
    client.force_login(city.officer)
    scenario = _create(client)
    url = f"/risk/scenarios/{scenario.pk}/records/?enterprise="
    assert "受影响明细 · 甲电机" in client.get(url + str(risk_data.a1.pk)).content.decode()
    assert "受影响明细 · 乙电器" in client.get(url + str(risk_data.a2.pk)).content.decode()
    client.force_login(city.district_b_user)
    scenario.unit = city.district_b
    scenario.save()
    outside = client.get(url + str(risk_data.a1.pk)).content.decode()
    assert "受影响明细 · 该企业" in outside and "甲电机" not in outside


def test_a_long_scenario_export_is_written_by_the_worker_within_the_users_scope(
    risk_data, city, client, settings, django_capture_on_commit_callbacks
):
    client.force_login(city.district_a_user)
    scenario = _create(client)
    path = f"/risk/scenarios/{scenario.pk}/export.xlsx"
    direct = load_workbook(io.BytesIO(client.get(path).content)).worksheets[0]
    expected = [list(row) for row in direct.iter_rows(values_only=True)]
    firms = [row[1] for row in expected[3:-1]]
    AuditEntry.objects.filter(action="export.risk_scenario_xlsx").delete()
    # its firms and the total row, eleven columns of a heavy workbook: one cell fewer goes to
    # the worker
    cells = (len(firms) + 1) * len(ENTERPRISE_HEADERS) * HEAVY_CELL_WEIGHT
    settings.EXPORT_SYNC_CELLS = cells - 1
    job, rows = export_through_worker(client, path, django_capture_on_commit_callbacks)
    assert rows == expected and firms
    # district A's user sees his district's firms only
    assert {row[3] for row in rows[3:-1]} == {city.district_a.name}
    assert job.result["filename"] == f"{scenario.name}-受影响企业.xlsx"
    entry = AuditEntry.objects.get(action="export.risk_scenario_xlsx")
    assert entry.actor == city.district_a_user
    settings.EXPORT_SYNC_CELLS = cells  # as many cells as the budget: written at once
    assert client.get(path)["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_scenario_result_is_kept_per_terms_scope_and_rollup_version(risk_data, city, client):
    """The page computed the exposure on every view (scenario 1 of the large city: 140 ms of
    CPU warm on SQLite, 200 ms on PostgreSQL; session 55). Kept now: a second view reads no
    rollup; an edit of the terms and a rebuild each show their own figures at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.trade.models import CustomsRecord
    from kaifang.trade.rollups import rebuild_rollups

    client.force_login(city.officer)
    scenario = _create(client)
    page = f"/risk/scenarios/{scenario.pk}/"
    assert 'id="total-share">48.7%' in client.get(page).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(page).content.decode()
    assert 'id="total-share">48.7%' in again
    read = " ".join(q["sql"] for q in ctx.captured_queries)
    assert 'rollup"' not in read and "trade_customsrecord" not in read

    edited = {**TERMS, "hs_text": "85"}  # the terms change: computed again at once
    assert client.post(f"/risk/scenarios/{scenario.pk}/edit/", edited).status_code == 302
    narrower = client.get(page).content.decode()
    assert 'id="total-share">48.7%' not in narrower and "丙机械" not in narrower

    client.force_login(city.district_b_user)  # the scenario's scope gate comes first
    assert client.get(page).status_code == 404

    records = CustomsRecord.objects.filter(enterprise=risk_data.a1)
    periods = sorted(set(records.values_list("period", flat=True)))
    records.delete()
    rebuild_rollups(periods)  # a rebuild: the kept result is retired
    client.force_login(city.officer)
    assert "甲电机" not in client.get(page).content.decode()


def test_a_liaison_officers_new_name_shows_in_the_kept_result_at_once(risk_data, city, client):
    """The kept result names each firm's liaison officer: renaming the officer shows at once
    (it showed the old name for a day); a login, or renaming a user who is nobody's liaison,
    keeps the kept results."""
    from kaifang.risk.selectors import scenario_exposure
    from kaifang.trade.rollups import rollup_version

    client.force_login(city.officer)
    scenario = _create(client)

    def liaison_of_first_firm() -> str:
        rows = {e.name: e.liaison for e in scenario_exposure(city.officer, scenario).enterprises}
        return rows["甲电机"]

    assert liaison_of_first_firm() == (city.liaison.full_name or city.liaison.username)
    version = rollup_version()
    client.force_login(city.liaison)  # a login saves `last_login` only
    city.officer.full_name = "王改名"
    city.officer.save()  # nobody's liaison officer
    assert rollup_version() == version
    city.liaison.full_name = "李新名"
    city.liaison.save()
    assert rollup_version() != version
    assert liaison_of_first_firm() == "李新名"
