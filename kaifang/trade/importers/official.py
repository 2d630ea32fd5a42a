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


# A download with other dimensions selected (partner only, HS and registration place …), or
# with the platform's English headers: still no enterprise column, but not what the official
# import reads either.
PLATFORM_MESSAGE = (
    "这是海关统计数据平台导出的汇总数据（按商品、国别、贸易方式或注册地汇总，没有企业列），"
    "不能导入企业进出口明细。如需作为全市官方统计导入，请在平台查询时选择“商品”和“贸易伙伴”"
    "两个维度、中文表头下载，再在“指标对标 → 海关统计导入”中导入"
)
_PLATFORM_PERIODS = ("数据年月", "dateofdata")
_PLATFORM_VALUES = ("美元", "人民币", "usdollar", "renminbiyuan")
_PLATFORM_CODES = (
    "商品编码",
    "贸易伙伴编码",
    "贸易方式编码",
    "注册地编码",
    "commoditycode",
    "tradingpartnercode",
    "customsregimecode",
    "locationsofimportersandexporterscode",
)


def _norm(text: object) -> str:
    return "" if text is None else str(text).strip().replace(" ", "").replace("\u3000", "")


def is_platform_export(headers: Sequence[object]) -> bool:
    """Any download of the statistics platform (FORMATS.md §1), whichever dimensions were
    chosen and in either language: its month and value columns, one of its code columns and
    no enterprise column."""
    names = [_norm(h).lower() for h in headers]
    return (
        any(p in names for p in _PLATFORM_PERIODS)
        and any(v in names for v in _PLATFORM_VALUES)
        and any(c in names for c in _PLATFORM_CODES)
        and not any(word in name for name in names for word in _ENTERPRISE_WORDS)
    )


def is_official_layout(headers: Sequence[object]) -> bool:
    names = [_norm(h) for h in headers]
    if not all(r in names for r in OFFICIAL_REQUIRED):
        return False
    if not any(v in names for v in OFFICIAL_VALUES):
        return False
    return not any(word in name for name in names for word in _ENTERPRISE_WORDS)
