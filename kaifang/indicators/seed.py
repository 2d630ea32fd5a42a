"""The commerce bureau's usual set of indicators and the default comparison rows (seeded by
`kaifang load-indicators` and the demo loader; an administrator edits them in the admin)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    unit: str
    source_kind: str
    aliases: str = ""
    flow: str = ""
    currency: str = ""
    investment_kind: str = ""
    frequency: str = "month"
    cumulative: bool = True


INDICATORS = [
    IndicatorSpec(
        "trade_total", "进出口总额", "亿元", "customs", "进出口总值,外贸进出口", "total", "cny"
    ),
    IndicatorSpec("export", "出口额", "亿元", "customs", "出口总额,出口总值,出口", "export", "cny"),
    IndicatorSpec("import", "进口额", "亿元", "customs", "进口总额,进口总值,进口", "import", "cny"),
    IndicatorSpec("trade_total_usd", "进出口总额（美元）", "万美元", "customs", "", "total", "usd"),
    IndicatorSpec(
        "fdi",
        "实际使用外资",
        "万美元",
        "investment",
        "实际利用外资,实际使用外资金额",
        currency="usd",
        investment_kind="fdi",
    ),
    IndicatorSpec(
        "odi",
        "对外直接投资",
        "万美元",
        "investment",
        "对外直接投资额,境外投资",
        currency="usd",
        investment_kind="odi",
    ),
    IndicatorSpec("retail", "社会消费品零售总额", "亿元", "entered", "社零总额,社会消费品零售额"),
    IndicatorSpec("online_retail", "网络零售额", "亿元", "entered", "网上零售额"),
    IndicatorSpec("new_fie", "新设外资企业数", "家", "entered", "新设外商投资企业,新设外资企业"),
    IndicatorSpec("cbec", "跨境电商交易额", "亿元", "entered", "跨境电子商务交易额,跨境电商进出口"),
    IndicatorSpec("outsourcing", "服务外包执行额", "万美元", "entered", "服务外包离岸执行额"),
    IndicatorSpec("trains", "中欧（亚）班列开行", "列", "entered", "中欧班列,中亚班列,班列开行"),
]

# code, name, kind: the city first, then the province and the nation, then peer cities.
REGIONS = [
    ("city", "本市", "city"),
    ("province", "全省", "province"),
    ("nation", "全国", "nation"),
    ("wuhan", "武汉", "peer"),
    ("xuzhou", "徐州", "peer"),
    ("zhengzhou", "郑州", "peer"),
]
