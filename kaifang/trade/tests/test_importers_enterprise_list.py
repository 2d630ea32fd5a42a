from __future__ import annotations

from kaifang.trade.importers.enterprise_list import parse_enterprise_list
from kaifang.trade.importers.headers import detect_mapping
from kaifang.trade.importers.tabular import read_table
from kaifang.trade.tests.helpers import BAD_USCC, USCC_A, USCC_NEW, csv_bytes, lookups


def test_enterprise_list_rows_merge_and_errors() -> None:
    header = [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "海关编码",
        "所属县区",
        "所属园区",
        "所属行业",
        "企业性质",
        "标签",
        "联系人",
        "联系电话",
        "曾用名",
    ]
    rows = [
        [
            "1",
            "新来的有限公司",
            USCC_NEW,
            "",
            "洛龙区",
            "",
            "C3411",
            "民营",
            "外贸、跨境电商",
            "张三",
            "13800000000",
            "",
        ],
        [
            "2",
            "新来的有限公司",
            USCC_NEW,
            "4103961234",
            "洛龙区",
            "高新区",
            "",
            "",
            "走出去",
            "",
            "",
            "新来机械厂",
        ],
        ["3", "洛阳一号机械有限公司", USCC_A, "", "西工区", "", "", "外商投资", "", "", "", ""],
        ["4", "坏代码公司", BAD_USCC, "", "", "", "", "", "", "", "", ""],
        ["5", "", "", "4103960ABC", "", "", "", "", "", "", "", ""],
        ["6", "只有名字的公司", "", "", "", "", "", "", "", "", "", ""],
        ["7", "新来的有限公司", USCC_NEW, "", "涧西区", "", "", "", "", "", "", ""],
    ]
    table = read_table(csv_bytes([header, *rows]), "名录.csv")
    mapping = detect_mapping(table.header, kind="enterprise_list")
    result = parse_enterprise_list(table, mapping, lookups=lookups())
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (7, 4, 3)
    assert [(e.row, e.column) for e in result.errors] == [
        (5, "统一社会信用代码"),
        (6, "企业名称"),
        (7, "企业名称"),
    ]
    new = next(r for r in result.rows if r.uscc == USCC_NEW)
    assert new.enterprise_id is None
    assert new.customs_code == "4103961234"
    assert new.tags == ("外贸", "跨境电商", "走出去")
    assert new.former_names == ("新来机械厂",)
    assert new.attributes["district"] == "洛龙区"
    assert new.attributes["park"] == "高新区"
    assert new.row_count == 3
    assert [(w.row, w.value) for w in result.warnings] == [(8, "涧西区")]
    known = next(r for r in result.rows if r.uscc == USCC_A)
    assert known.enterprise_id == 1
    assert known.attributes == {"district": "西工区", "ownership": "外商投资"}
