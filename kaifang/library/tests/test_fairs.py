"""The fair-participation condition (参展): evaluated met / not met / unknown on constructed
facts (a fair whose list is not imported is unknown, never 不符合); the exhibitor-list reader
on real .xlsx and .csv files with row-level Chinese errors (no database); and the import
action, which refuses a whole file on any bad row, changes nothing then, is idempotent, and
matches the items that name the fair again."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.tests.xlsx import behind_a_hidden_sheet_and_a_cover
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library import fair_import, matching
from kaifang.library.actions import support_item_save
from kaifang.library.actions.fairs import fair_import_exhibitors, fair_save
from kaifang.library.models import FairExhibitor, Match, Outcome

NAMES = {"fair:1": "广交会（第138届）", "fair:2": "进博会（2026）"}


def _fair(*ids: int) -> dict[str, Any]:
    return {"type": "fair", "fairs": list(ids)}


# --- the condition (pure) ---------------------------------------------------------------


def test_fair_met_when_the_enterprise_is_on_a_named_list():
    facts = matching.Facts(fairs=frozenset({2}), fairs_known=frozenset({1, 2}))
    reason = matching.evaluate_one(_fair(1, 2), facts, NAMES)
    assert reason.met is True
    assert reason.value == "参加了进博会（2026）"


def test_fair_not_met_only_when_every_named_list_is_imported():
    facts = matching.Facts(fairs=frozenset(), fairs_known=frozenset({1, 2}))
    reason = matching.evaluate_one(_fair(1, 2), facts, NAMES)
    assert reason.met is False
    assert reason.value == "未参加广交会（第138届）、进博会（2026）"


def test_fair_unknown_while_a_named_list_is_missing_and_never_eligible():
    facts = matching.Facts(fairs=frozenset(), fairs_known=frozenset({1}))
    reason = matching.evaluate_one(_fair(1, 2), facts, NAMES)
    assert reason.met is None
    assert reason.value == "进博会（2026）参展名单尚未导入"
    result = matching.evaluate([_fair(1, 2)], facts, NAMES)
    assert result.eligible is None


def test_fair_described_for_the_item_page():
    assert matching.describe(_fair(1, 2), NAMES) == "参加展会：广交会（第138届）或进博会（2026）"


# --- the reader (pure) ------------------------------------------------------------------


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = synthetic_uscc(7001)
OTHER = synthetic_uscc(7002)


def test_reads_an_organisers_list_with_a_title_row_and_varied_headers():
    data = _xlsx(
        [
            ["第138届广交会示范市参展企业名单"],
            ["序号", "参展单位", "社会信用代码", "展位号", "展位面积"],
            [1, "示范进出口有限公司", GOOD, "10.2K05", 18],
            [],
            [2, "示范机电有限公司", OTHER.lower(), "10.2K06", "36.5"],
        ]
    )
    parsed = fair_import.parse(data, "名单.xlsx")
    assert parsed.errors == []
    assert [(r.row, r.uscc, r.booth, r.area) for r in parsed.rows] == [
        (3, GOOD, "10.2K05", Decimal(18)),
        (5, OTHER, "10.2K06", Decimal("36.5")),
    ]


def test_every_bad_row_is_named_with_its_column_and_reason():
    data = _xlsx(
        [
            ["统一社会信用代码", "企业名称", "展位面积"],
            [GOOD, "甲", 9],
            ["91350200MA0000000X", "乙", 9],
            [GOOD, "甲（重复）", 9],
            [OTHER, "丙", "九平方"],
        ]
    )
    parsed = fair_import.parse(data, "名单.xlsx")
    assert [str(e) for e in parsed.errors] == [
        f"第 3 行，统一社会信用代码：“91350200MA0000000X”：{_reason('91350200MA0000000X')}",
        f"第 4 行，统一社会信用代码：{GOOD} 与第 2 行重复",
        "第 5 行，展位面积：“九平方”不是数字",
    ]
    assert [r.row for r in parsed.rows] == [2]


def test_nan_and_infinite_areas_are_row_errors_not_a_crash():
    """NaN used to raise decimal.InvalidOperation (a 500) when compared with zero."""
    data = f"统一社会信用代码,企业名称,展位面积\n{GOOD},甲,NaN\n{OTHER},乙,Infinity\n"
    parsed = fair_import.parse(data.encode(), "名单.csv")
    assert [str(e) for e in parsed.errors] == [
        "第 2 行，展位面积：“NaN”不是数字",
        "第 3 行，展位面积：“Infinity”不是数字",
    ]


def _reason(code: str) -> str:
    from kaifang.core.lib.uscc import UsccError, validate_uscc

    try:
        validate_uscc(code)
    except UsccError as error:
        return error.reason
    raise AssertionError("code should be invalid")


def test_reads_a_gbk_csv():
    text = f"统一社会信用代码,企业名称\n{GOOD},示范进出口有限公司\n"
    parsed = fair_import.parse(text.encode("gb18030"), "名单.csv")
    assert [(r.uscc, r.name) for r in parsed.rows] == [(GOOD, "示范进出口有限公司")]


def test_a_file_without_a_credit_code_column_is_refused_in_chinese():
    with pytest.raises(fair_import.FileUnreadable, match="统一社会信用代码"):
        fair_import.parse(_xlsx([["企业名称"], ["甲"]]), "名单.xlsx")
    with pytest.raises(fair_import.FileUnreadable, match=r"\.xlsx 和 \.csv"):
        fair_import.parse(b"x", "名单.xls")
    with pytest.raises(fair_import.FileUnreadable, match="无法读取"):
        fair_import.parse(b"not a zip", "名单.xlsx")


# --- the import action and matching -----------------------------------------------------


@pytest.mark.django_db
def test_import_refuses_unknown_enterprises_and_changes_nothing(city):
    ent = EnterpriseFactory(name="参展甲公司", uscc=GOOD)
    fair = fair_save(actor=city.officer, name="广交会", session="第138届")
    fair_import_exhibitors(
        actor=city.officer, fair=fair, data=_xlsx([["统一社会信用代码"], [GOOD]]), filename="a.xlsx"
    )
    stamp = fair.list_imported_at
    bad = _xlsx([["统一社会信用代码", "企业名称"], [OTHER, "未登记公司"]])
    with pytest.raises(ValidationError) as refused:
        fair_import_exhibitors(actor=city.officer, fair=fair, data=bad, filename="b.xlsx")
    assert refused.value.messages == [
        f"第 2 行，统一社会信用代码：{OTHER}（未登记公司）不在企业名录中，请先登记该企业"
    ]
    fair.refresh_from_db()
    assert fair.list_imported_at == stamp and fair.list_file == "a.xlsx"
    assert list(FairExhibitor.objects.values_list("enterprise_id", flat=True)) == [ent.pk]


@pytest.mark.django_db
def test_import_is_idempotent_and_replaces_the_list(city):
    a = EnterpriseFactory(uscc=GOOD)
    b = EnterpriseFactory(uscc=OTHER)
    fair = fair_save(actor=city.officer, name="进博会", session="2026")
    both = _xlsx([["统一社会信用代码", "展位号"], [GOOD, "A1"], [OTHER, "A2"]])
    first = fair_import_exhibitors(actor=city.officer, fair=fair, data=both, filename="x.xlsx")
    again = fair_import_exhibitors(actor=city.officer, fair=fair, data=both, filename="x.xlsx")
    assert first == {"rows": 2, "added": 2, "removed": 0, "changed": 0, "skipped": 0}
    assert again == {"rows": 2, "added": 0, "removed": 0, "changed": 0, "skipped": 0}
    only_b = _xlsx([["统一社会信用代码", "展位号"], [OTHER, "B9"]])
    last = fair_import_exhibitors(actor=city.officer, fair=fair, data=only_b, filename="y.xlsx")
    assert last == {"rows": 1, "added": 0, "removed": 1, "changed": 1, "skipped": 0}
    assert list(FairExhibitor.objects.values_list("enterprise_id", "booth")) == [(b.pk, "B9")]
    assert not FairExhibitor.objects.filter(enterprise=a).exists()


@pytest.mark.django_db
def test_annotated_header_totals_and_notes_do_not_refuse_the_list(city):
    """统一社会信用代码（18位） was not found as the header, and a 合计 line or a 注： footnote
    refused the whole list (it is all or nothing); now the list imports, passing over them."""
    a = EnterpriseFactory(uscc=GOOD)
    fair = fair_save(actor=city.officer, name="广交会", session="第138届")
    data = _xlsx(
        [
            ["序号", "统一社会信用代码（18位）", "企业名称", "展位号", "展位面积（㎡）"],
            [1, GOOD, "甲", "A1", 9],
            [None, None, "合计：", None, 9],
            ["总计（1家）", None, None, None, 9],
            [None, "注：名单以报到为准"],
            ["说明：展位面积以主办方确认为准"],  # in the credit-code column itself
        ]
    )
    parsed = fair_import.parse(data, "名单.xlsx")
    assert parsed.errors == []
    assert [(r.row, r.uscc, r.area) for r in parsed.rows] == [(2, GOOD, Decimal(9))]
    assert [(p.row, p.reason) for p in parsed.skipped] == [
        (3, "合计行，已跳过"),
        (4, "合计行，已跳过"),
        (5, "说明行，已跳过"),
        (6, "说明行，已跳过"),
    ]
    counts = fair_import_exhibitors(actor=city.officer, fair=fair, data=data, filename="a.xlsx")
    assert counts == {"rows": 1, "added": 1, "removed": 0, "changed": 0, "skipped": 4}
    assert list(FairExhibitor.objects.values_list("enterprise_id", flat=True)) == [a.pk]


def test_a_row_without_a_code_that_is_no_total_is_still_an_error():
    data = _xlsx([["统一社会信用代码", "企业名称"], [GOOD, "甲"], [None, "合计公司"]])
    errors = fair_import.parse(data, "名单.xlsx").errors
    assert [(e.row, e.column) for e in errors] == [(3, "统一社会信用代码")]


@pytest.mark.django_db
def test_only_editors_keep_fairs(city):
    with pytest.raises(PermissionDenied):
        fair_save(actor=city.district_a_user, name="广交会")


@pytest.mark.django_db
def test_an_item_with_a_fair_condition_is_unknown_until_the_list_comes(city, make_document):
    on_list = EnterpriseFactory(name="参展企业", uscc=GOOD)
    off_list = EnterpriseFactory(name="未参展企业", uscc=OTHER)
    fair = fair_save(actor=city.officer, name="广交会", session="第138届")
    document = make_document("示范市展会补贴办法\n第一条 参加广交会的企业给予补贴。\n")
    item = support_item_save(
        actor=city.officer,
        document=document,
        title="广交会展位补贴",
        conditions=[{"type": "fair", "fairs": [fair.pk]}],
    )
    outcomes = dict(Match.objects.filter(item=item).values_list("enterprise__name", "outcome"))
    assert outcomes[on_list.name] == Outcome.UNKNOWN and outcomes[off_list.name] == Outcome.UNKNOWN
    reasons = Match.objects.get(item=item, enterprise=on_list).reasons
    assert reasons == [
        {"condition": "参加展会", "met": None, "value": "广交会（第138届）参展名单尚未导入"}
    ]
    fair_import_exhibitors(
        actor=city.officer, fair=fair, data=_xlsx([["统一社会信用代码"], [GOOD]]), filename="a.xlsx"
    )
    outcomes = dict(Match.objects.filter(item=item).values_list("enterprise__name", "outcome"))
    assert outcomes == {on_list.name: Outcome.ELIGIBLE}
    assert Match.objects.get(item=item).reasons[0]["value"] == "参加了广交会（第138届）"


@pytest.mark.django_db
def test_a_fair_condition_must_name_registered_fairs(city, make_document):
    document = make_document("示范市展会补贴办法\n第一条 补贴。\n")
    with pytest.raises(ValidationError, match="参展条件需要选择已登记的展会"):
        support_item_save(
            actor=city.officer,
            document=document,
            title="补贴",
            conditions=[{"type": "fair", "fairs": [999]}],
        )


@pytest.mark.django_db
def test_fair_pages_import_with_row_errors_and_scope(client, city):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    east = EnterpriseFactory(name="东城参展公司", uscc=GOOD, district=city.district_a)
    client.force_login(city.officer)
    response = client.post(
        reverse("library:fair_create"), {"name": "广交会", "session": "第138届", "city": "广州"}
    )
    fair_url = response["Location"]
    bad = _xlsx([["统一社会信用代码", "企业名称"], [GOOD, "东城参展公司"], ["123", "乙"]])
    page = client.post(fair_url, {"upload": SimpleUploadedFile("名单.xlsx", bad)})
    assert page.status_code == 400
    html = page.content.decode()
    assert "文件未导入" in html and "第 3 行，统一社会信用代码：“123”" in html
    assert not FairExhibitor.objects.exists()
    good = _xlsx([["统一社会信用代码", "展位号"], [GOOD, "A-1"]])
    assert (
        client.post(fair_url, {"upload": SimpleUploadedFile("名单.xlsx", good)}).status_code == 302
    )
    assert FairExhibitor.objects.get().enterprise == east
    # District B reads the fair but not district A's exhibitor; it cannot import.
    client.force_login(city.district_b_user)
    html = client.get(fair_url).content.decode()
    assert "广交会（第138届）" in html and "东城参展公司" not in html
    assert "导入参展企业名单" not in html
    assert (
        client.post(fair_url, {"upload": SimpleUploadedFile("名单.xlsx", good)}).status_code == 403
    )
    client.force_login(city.district_a_user)
    assert "东城参展公司" in client.get(fair_url).content.decode()


def test_formulas_without_results_are_refused():
    data = _xlsx([["统一社会信用代码", "企业名称", "展位面积"], [GOOD, "甲", "=3*3"]])
    with pytest.raises(fair_import.FileUnreadable, match="C2 等单元格是公式，但没有计算结果"):
        fair_import.parse(data, "名单.xlsx")


def test_a_hidden_sheet_and_a_cover_page_are_passed_over():
    data = behind_a_hidden_sheet_and_a_cover([["统一社会信用代码", "企业名称"], [GOOD, "甲"]])
    assert [r.uscc for r in fair_import.parse(data, "名单.xlsx").rows] == [GOOD]
