"""Recognise the customs statistics platform's aggregate export (海关统计数据平台导出):
`数据年月,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,[注册地编码,注册地名称,贸易方式编码,
贸易方式名称,]第一数量,第一计量单位,第二数量,第二计量单位,美元|人民币` without an enterprise
column. Such a file is the city's official series, not enterprise records: the customs import
says so and points to the indicators' official-statistics import. Pure."""

from __future__ import annotations

from collections.abc import Sequence

OFFICIAL_REQUIRED = ("数据年月", "商品编码", "贸易伙伴编码")
OFFICIAL_VALUES = ("美元", "人民币")
_ENTERPRISE_WORDS = ("企业", "经营单位", "收发货人", "信用代码", "海关编码", "企业代码")

OFFICIAL_MESSAGE = (
    "这是海关统计数据平台导出的全市汇总数据（没有企业列），不是企业进出口明细："
    "请在“指标对标 → 海关统计导入”中作为全市官方统计导入，"
    "或运行 kaifang import-official 文件 --flow export|import"
)


def _norm(text: object) -> str:
    return "" if text is None else str(text).strip().replace(" ", "").replace("\u3000", "")


def is_official_layout(headers: Sequence[object]) -> bool:
    names = [_norm(h) for h in headers]
    if not all(r in names for r in OFFICIAL_REQUIRED):
        return False
    if not any(v in names for v in OFFICIAL_VALUES):
        return False
    return not any(word in name for name in names for word in _ENTERPRISE_WORDS)
