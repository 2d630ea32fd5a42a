"""`kaifang import-customs` against the database: totals equal the file's, re-import changes
nothing, duplicates summed, replace-period, rollback on failure, pending enterprises."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models import Sum

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.models import AuditEntry
from kaifang.enterprises.models import Enterprise, EnterpriseStatus
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.models import CustomsRecord, Dimension, TradeRollup
from kaifang.trade.tests.helpers import workbook_bytes

pytestmark = pytest.mark.django_db

HEADER = (
    "数据年月,统一社会信用代码,企业名称,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,"
    "贸易方式编码,贸易方式名称,第一数量,第一计量单位,美元,人民币,"
)
KNOWN = synthetic_uscc(11)
NEW = synthetic_uscc(12)
BAD = KNOWN[:-1] + ("0" if KNOWN[-1] != "0" else "1")


def write_csv(tmp_path: Path, lines: list[str], name: str = "customs.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode("gb18030"))
    return path


def run(path: Path, *args: str) -> dict:
    out = StringIO()
    call_command("import-customs", str(path), "--flow", "export", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def known(trade_reference, city):
    return EnterpriseFactory(name="示范精密机械有限公司", uscc=KNOWN, district=city.district_a)


LINES = [
    f"202509,{KNOWN},示范精密机械有限公司,84571010,加工中心,502,美国,10,一般贸易,2,台,1000.50,7100.25,",
    f"202509,{KNOWN},示范精密机械有限公司,84571010,加工中心,502,美国,10,一般贸易,1,台,200,?,",
    f"202509,{NEW},新发现外贸有限公司,85171300,智能手机,116,日本,10,一般贸易,5,台,2000,14200,",
    f"202509,{BAD},坏代码公司,85171300,智能手机,116,日本,10,一般贸易,5,台,10,71,",
    f"202509,{KNOWN},示范精密机械有限公司,8517,手机,999999,火星,10,一般贸易,,,5,35,",
    f"202513,{KNOWN},示范精密机械有限公司,85171300,智能手机,116,日本,10,一般贸易,,,5,35,",
    f"202509,{KNOWN},示范精密机械有限公司,85171300,智能手机,116,日本,10,一般贸易,,,-5,-35,",
]


def test_summary_counts_totals_and_errors_with_row_numbers(known, tmp_path):
    summary = run(write_csv(tmp_path, LINES))
    assert summary["rows_read"] == 7
    assert summary["rows_imported"] + summary["rows_rejected"] == summary["rows_read"]
    assert summary["rows_imported"] == 3
    assert summary["totals"]["export"] == {"usd": "3200.50", "cny": "21300.25"}
    rows = {e["row"] for e in summary["errors"]}
    assert rows == {5, 6, 7, 8}  # header is row 1
    reasons = " ".join(e["reason"] for e in summary["errors"])
    assert "校验" in reasons or "不正确" in reasons
    db_usd = CustomsRecord.objects.aggregate(s=Sum("value_usd"))["s"]
    assert db_usd == Decimal("3200.50")


def test_duplicates_are_summed_into_one_record(known, tmp_path):
    run(write_csv(tmp_path, LINES[:2]))
    record = CustomsRecord.objects.get(enterprise=known)
    assert record.value_usd == Decimal("1200.50")
    assert record.value_cny == Decimal("7100.25")  # "?" is missing, not zero
    assert record.qty1 == Decimal(3)


def test_unknown_enterprise_is_created_pending(known, tmp_path):
    run(write_csv(tmp_path, LINES[2:3]))
    created = Enterprise.objects.get(uscc=NEW)
    assert created.status == EnterpriseStatus.PENDING
    assert created.name == "新发现外贸有限公司"
    assert created.customs_records.count() == 1


def test_reimport_changes_nothing(known, tmp_path):
    path = write_csv(tmp_path, LINES[:3])
    run(path)
    before = list(CustomsRecord.objects.order_by("id").values_list("id", "value_usd", "value_cny"))
    run(path)
    after = list(CustomsRecord.objects.order_by("id").values_list("id", "value_usd", "value_cny"))
    assert before == after
    assert Enterprise.objects.filter(uscc=NEW).count() == 1


def test_same_key_in_a_later_file_replaces_not_adds(known, tmp_path):
    run(write_csv(tmp_path, LINES[:1]))
    corrected = LINES[0].replace("1000.50", "900").replace("7100.25", "6390")
    run(write_csv(tmp_path, [corrected], name="again.csv"))
    assert CustomsRecord.objects.get(enterprise=known).value_usd == Decimal("900")


def test_replace_period_removes_rows_missing_from_new_file(known, tmp_path):
    run(write_csv(tmp_path, LINES[:3]))
    assert CustomsRecord.objects.count() == 2
    run(write_csv(tmp_path, LINES[2:3], name="v2.csv"), "--replace-period")
    assert list(CustomsRecord.objects.values_list("enterprise__uscc", flat=True)) == [NEW]


def test_failed_import_leaves_database_as_it_was(known, tmp_path):
    run(write_csv(tmp_path, LINES[:1]))
    before = list(CustomsRecord.objects.values_list("id", "value_usd"))
    enterprises = Enterprise.objects.count()
    with (
        mock.patch(
            "kaifang.trade.actions.stream.rebuild_rollups", side_effect=RuntimeError("断电")
        ),
        pytest.raises(RuntimeError),
    ):
        run(write_csv(tmp_path, LINES[:3], name="v2.csv"), "--replace-period")
    assert list(CustomsRecord.objects.values_list("id", "value_usd")) == before
    assert Enterprise.objects.count() == enterprises


def test_dry_run_writes_nothing(known, tmp_path):
    summary = run(write_csv(tmp_path, LINES[:3]), "--dry-run")
    assert summary["rows_imported"] == 3
    assert CustomsRecord.objects.count() == 0
    assert not Enterprise.objects.filter(uscc=NEW).exists()


def test_rollups_equal_facts_and_import_is_audited(known, tmp_path):
    run(write_csv(tmp_path, LINES[:3]))
    partner_total = TradeRollup.objects.filter(dimension=Dimension.PARTNER).aggregate(
        s=Sum("value_usd")
    )["s"]
    assert partner_total == CustomsRecord.objects.aggregate(s=Sum("value_usd"))["s"]
    japan = TradeRollup.objects.get(dimension=Dimension.PARTNER, key="116")
    assert japan.value_usd == Decimal("2000")
    assert AuditEntry.objects.filter(action="import.commit").count() == 1


def test_every_data_sheet_is_read_and_sheet_picks_some(known, tmp_path):
    """Only the first data sheet was read: the 进口 sheet's figures were left out unsaid."""
    header = ["数据年月", "统一社会信用代码", "贸易伙伴编码", "美元"]
    path = tmp_path / "九月.xlsx"
    path.write_bytes(
        workbook_bytes(
            {
                "出口": [header, [202509, KNOWN, "502", 100]],
                "进口": [header, [202509, KNOWN, "116", 7], [202509, BAD, "116", 1]],
            }
        )
    )
    out = StringIO()
    call_command("import-customs", str(path), "--json", "--dry-run", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["sheets"] == ["出口", "进口"]
    assert summary["totals"]["import"]["usd"] == "7"
    assert summary["errors"][0]["sheet"] == "进口" and summary["errors"][0]["row"] == 3
    out = StringIO()
    call_command("import-customs", str(path), "--sheet", "进口", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "读取工作表：进口；未读取：「出口」（未选择）" in text
    assert "工作表「进口」第 3 行 [统一社会信用代码]" not in text  # one sheet: rows as before
    assert "第 3 行 [统一社会信用代码]" in text
    call_command("import-customs", str(path), "--sheet", "出口", "--sheet", "进口")
    assert CustomsRecord.objects.aggregate(s=Sum("value_usd"))["s"] == Decimal(107)


def test_a_month_and_flow_only_in_the_title_pass_the_header_check(known, tmp_path):
    """The parser took them from the title, but the command's header check ran first and
    refused the file: 未找到年月列…；未找到进出口标志列… (the upload page's too)."""
    path = tmp_path / "九月.csv"
    path.write_text(f"2025年9月示范市出口企业数据\n统一社会信用代码,美元\n{KNOWN},10\n", "utf-8")
    out = StringIO()
    call_command("import-customs", str(path), "--json", "--dry-run", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["rows_imported"], summary["totals"]["export"]["usd"]) == (1, "10")
