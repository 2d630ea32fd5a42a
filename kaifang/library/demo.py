"""Demo policies of 示范市: two dozen policies, notices and plans written for the demo city
(fictional, not copied from real documents), with articles and numbered clauses, and support
items whose conditions the demo register and customs data meet, so enterprises get matches.

Idempotent: documents are keyed by their 文号; a second run changes nothing but re-evaluates
the support items (the demo trade months move with the calendar).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kaifang.core.demo import DemoContext
from kaifang.core.models import Unit
from kaifang.library.actions import document_create, support_item_save
from kaifang.library.models import Document, DocumentStatus, SupportItem


@dataclass(frozen=True)
class Item:
    title: str
    anchor: str
    benefit: str
    conditions: list[dict[str, Any]]
    amount: str | None = None
    rate: str = ""
    no_application: bool = False
    unit: str = "外贸科"


@dataclass(frozen=True)
class Policy:
    number: str
    title: str
    issuer: str
    level: str
    kind: str
    months_ago: int  # issued this many months before today
    years: int | None  # valid for this many years (None: no expiry)
    tags: str
    unit: str
    articles: list[tuple[str, list[str]]]  # (article text, its clauses)
    items: list[Item] = field(default_factory=list)
    plan: bool = False  # numbered 一、(一)1. instead of 第X条


def _text(policy: Policy) -> str:
    lines = [policy.title, policy.number, ""]
    cn = "一二三四五六七八九十"
    if policy.plan:
        for n, (head, clauses) in enumerate(policy.articles):
            lines.append(f"{cn[n]}、{head}")
            lines += [f"（{cn[m]}）{c}" for m, c in enumerate(clauses)]
        return "\n".join(lines)
    lines.append("第一章 总则")
    for n, (head, clauses) in enumerate(policy.articles, start=1):
        if n == len(policy.articles) and n > 2:
            lines.append("第二章 附则" if n < 4 else "第三章 附则")
        elif n == 3:
            lines.append("第二章 支持措施")
        lines.append(f"第{_cn_number(n)}条 {head}")
        lines += [f"（{cn[m]}）{c}" for m, c in enumerate(clauses)]
    return "\n".join(lines)


def _cn_number(n: int) -> str:
    cn = "零一二三四五六七八九"
    if n < 10:
        return cn[n]
    return ("十" if n < 20 else cn[n // 10] + "十") + (cn[n % 10] if n % 10 else "")


def _periods() -> dict[str, str]:
    """The demo customs months: the last full half-year, and last full year."""
    today = timezone.localdate()
    last = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
    six = dt.date(last.year, last.month, 1)
    for _ in range(5):
        six = (six - dt.timedelta(days=1)).replace(day=1)
    return {
        "half_start": f"{six:%Y-%m}",
        "half_end": f"{last:%Y-%m}",
        "year": str(last.year if last.month >= 6 else last.year - 1),
    }


CLOSING: tuple[str, list[str]] = ("本办法自印发之日起施行，由市商务局负责解释。", [])


def policies(units: dict[str, int]) -> list[Policy]:
    p = _periods()
    half = {"start": p["half_start"], "end": p["half_end"]}
    dong, xi = units.get("东城区商务局"), units.get("西城区商务局")
    gaoxin = units.get("高新区经济发展局")
    zone = units.get("示范综合保税区管委会")
    return [
        Policy(
            "示商发〔2026〕3号",
            "示范市促进外贸稳规模优结构若干措施",
            "示范市商务局",
            "city",
            "policy",
            4,
            3,
            "外贸稳增长、出口、外贸企业",
            "外贸科",
            [
                ("为稳定外贸基本盘，推动外贸企业稳规模、优结构，结合本市实际，制定本措施。", []),
                ("本措施适用于在本市依法注册、具有进出口经营资格的外贸企业。", []),
                (
                    "支持外贸企业扩大出口规模。",
                    [
                        "统计期内出口额达到500万美元以上、且同比增长10%以上的企业，给予一次性奖励10万元。",
                        "统计期内出口额达到2000万美元以上的企业，给予一次性奖励30万元。",
                    ],
                ),
                (
                    "支持新增出口企业。当年首次实现出口的企业，给予一次性奖励5万元，免于申报，由市商务局根据海关数据直接兑现。",
                    [],
                ),
                ("奖励资金按年度兑现，同一企业同一事项不重复享受。", []),
                CLOSING,
            ],
            [
                Item(
                    "出口增长奖励",
                    "a3.s1",
                    "reward",
                    [
                        {"type": "exports", "min": "500", **half},
                        {"type": "export_growth", "min": "10", **half},
                    ],
                    amount="10",
                ),
                Item(
                    "出口规模奖励",
                    "a3.s2",
                    "reward",
                    [{"type": "exports", "min": "2000", **half}],
                    amount="30",
                ),
                Item(
                    "新增出口企业奖励（免申即享）",
                    "a4",
                    "reward",
                    [{"type": "new_exporter", "year": int(p["year"])}],
                    amount="5",
                    no_application=True,
                ),
            ],
        ),
        Policy(
            "示商发〔2026〕7号",
            "示范市支持中欧班列和中亚班列高质量发展办法",
            "示范市商务局",
            "city",
            "policy",
            6,
            2,
            "中欧班列、中亚班列、物流、开放平台",
            "开放平台科",
            [
                ("为推动中欧班列、中亚班列常态化开行，降低企业物流成本，制定本办法。", []),
                ("本办法所称班列，是指从示范市始发或到达的国际货运班列。", []),
                (
                    "对通过班列出口的本市企业给予运费补助。",
                    ["每标准箱补助500元。", "单个企业年度补助不超过50万元。"],
                ),
                ("支持北山现代物流园建设班列集结中心，对新建集结仓库给予一次性补助。", []),
                CLOSING,
            ],
            [
                Item(
                    "班列运费补助",
                    "a3",
                    "subsidy",
                    [
                        {"type": "tag", "names": ["外贸"]},
                        {"type": "exports", "min": "100", **half},
                    ],
                    rate="每标准箱500元，年度最高50万元",
                    unit="开放平台科",
                )
            ],
        ),
        Policy(
            "示商发〔2025〕21号",
            "示范市跨境电商高质量发展扶持办法",
            "示范市商务局",
            "city",
            "policy",
            11,
            3,
            "跨境电商、海外仓、外贸新业态",
            "电子商务科",
            [
                ("为加快跨境电商综合试验区建设，培育外贸新业态新模式，制定本办法。", []),
                ("支持对象为在本市注册的跨境电商企业、平台企业和服务企业。", []),
                (
                    "支持跨境电商企业建设海外仓。",
                    [
                        "新建或租用面积1000平方米以上的海外仓，按实际投入的20%给予补助，最高50万元。",
                        "获评省级公共海外仓的，另给予一次性奖励20万元。",
                    ],
                ),
                ("对跨境电商年度出口额增长20%以上的企业，给予奖励。", []),
                CLOSING,
            ],
            [
                Item(
                    "跨境电商出口增长奖励",
                    "a4",
                    "reward",
                    [
                        {"type": "tag", "names": ["跨境电商"]},
                        {"type": "export_growth", "min": "20", **half},
                    ],
                    amount="15",
                    unit="电子商务科",
                ),
                Item(
                    "海外仓建设补助",
                    "a3.s1",
                    "subsidy",
                    [{"type": "tag", "names": ["跨境电商"]}],
                    rate="实际投入的20%，最高50万元",
                    unit="电子商务科",
                ),
            ],
        ),
        Policy(
            "示政发〔2025〕12号",
            "示范市关于进一步做好利用外资工作的若干措施",
            "示范市人民政府",
            "city",
            "policy",
            14,
            3,
            "利用外资、外商投资、招商引资",
            "外资科",
            [
                ("为进一步扩大高水平对外开放，稳住外资基本盘，制定本措施。", []),
                (
                    "加大外资企业奖励力度。",
                    [
                        "对当年实际使用外资金额1000万美元以上的新设外商投资企业，按实际到资额的1%给予奖励。",
                        "对外资企业利润再投资的，视同新增外资给予支持。",
                    ],
                ),
                ("支持外资研发中心建设，经认定的给予一次性奖励100万元。", []),
                ("优化外商投资企业服务，建立外资企业服务专员制度。", []),
                CLOSING,
            ],
            [
                Item(
                    "外资企业服务专员",
                    "a4",
                    "facilitation",
                    [{"type": "ownership", "values": ["foreign", "hmt"]}],
                    unit="外资科",
                ),
            ],
        ),
        Policy(
            "示商发〔2026〕11号",
            "示范市境外展会补贴实施细则",
            "示范市商务局",
            "city",
            "notice",
            3,
            1,
            "展会补贴、开拓市场、一带一路",
            "外贸科",
            [
                ("为支持企业开拓国际市场，规范境外展会补贴管理，制定本细则。", []),
                (
                    "补贴标准。",
                    [
                        "参加市商务局公布的重点境外展会的，按展位费的50%给予补贴。",
                        "参加“一带一路”沿线国家展会的，补贴比例提高到70%。",
                        "中小微企业每年最多享受3个展会补贴。",
                    ],
                ),
                ("申报材料包括参展合同、付款凭证和现场照片。", []),
                CLOSING,
            ],
            [
                Item(
                    "中小微企业境外展会补贴",
                    "a2.s1",
                    "subsidy",
                    [
                        {"type": "size", "values": ["small", "micro", "medium"]},
                        {"type": "tag", "names": ["外贸"]},
                    ],
                    rate="展位费的50%",
                )
            ],
        ),
        Policy(
            "示商发〔2026〕15号",
            "示范市外贸企业出口信用保险保费补贴办法",
            "示范市商务局",
            "city",
            "policy",
            2,
            1,
            "出口信用保险、外贸稳增长",
            "外贸科",
            [
                ("为帮助外贸企业防范收汇风险，制定本办法。", []),
                (
                    "对投保短期出口信用保险的企业给予保费补贴。",
                    [
                        "上年度出口额300万美元以下的小微企业，保费全额补贴。",
                        "其他企业按保费的50%补贴。",
                    ],
                ),
                ("本办法有效期一年。", []),
            ],
            [
                Item(
                    "小微外贸企业信保保费全额补贴（免申即享）",
                    "a2.s1",
                    "subsidy",
                    [
                        {"type": "size", "values": ["small", "micro"]},
                        {"type": "tag", "names": ["外贸"]},
                    ],
                    amount="2",
                    no_application=True,
                )
            ],
        ),
        Policy(
            "示商发〔2025〕30号",
            "示范市服务外包产业发展扶持办法",
            "示范市商务局",
            "city",
            "policy",
            10,
            3,
            "服务外包、服务贸易",
            "外贸科",
            [
                ("为加快服务外包产业发展，制定本办法。", []),
                (
                    "对离岸服务外包执行额增长的企业给予奖励。",
                    [
                        "执行额增长10%以上的，按增量的2%给予奖励。",
                        "新认定的技术先进型服务企业，奖励20万元。",
                    ],
                ),
                ("支持服务外包人才培训，按培训人数给予补助。", []),
                CLOSING,
            ],
            [
                Item(
                    "服务外包企业培训补助",
                    "a3",
                    "subsidy",
                    [{"type": "tag", "names": ["服务外包"]}],
                    rate="每人2000元",
                )
            ],
        ),
        Policy(
            "示商发〔2025〕18号",
            "示范市支持企业“走出去”开展对外投资合作办法",
            "示范市商务局",
            "city",
            "policy",
            13,
            3,
            "走出去、对外投资、境外经贸合作区",
            "对外经济合作科",
            [
                ("为引导企业有序开展对外投资合作，制定本办法。", []),
                (
                    "对在境外新设企业或并购的，按中方实际投资额给予贴息。",
                    ["贷款贴息比例不超过同期贷款市场报价利率的50%。", "单个项目贴息最高100万元。"],
                ),
                ("支持企业参与境外经贸合作区建设。", []),
                CLOSING,
            ],
            [
                Item(
                    "对外投资贷款贴息",
                    "a2",
                    "interest",
                    [{"type": "tag", "names": ["走出去"]}],
                    rate="LPR 的50%，单个项目最高100万元",
                    unit="对外经济合作科",
                )
            ],
        ),
        Policy(
            "东商发〔2026〕2号",
            "东城区外贸企业稳增长奖励办法",
            "东城区商务局",
            "district",
            "policy",
            5,
            2,
            "外贸稳增长、东城区",
            "外贸科",
            [
                ("为支持东城区外贸企业发展，制定本办法。", []),
                ("对出口增长5%以上的区内企业，给予奖励。", []),
                CLOSING,
            ],
            [
                Item(
                    "东城区出口增长奖励",
                    "a2",
                    "reward",
                    [
                        {"type": "district", "units": [dong] if dong else []},
                        {"type": "export_growth", "min": "5", **half},
                    ],
                    amount="3",
                )
            ],
        ),
        Policy(
            "西商发〔2026〕4号",
            "西城区中德产业园外资企业扶持措施",
            "西城区商务局",
            "district",
            "policy",
            7,
            2,
            "利用外资、中德产业园",
            "外资科",
            [
                ("为推动中德产业园开放合作，制定本措施。", []),
                ("对园区内外商投资企业给予房租减免。", ["第一年全额减免。", "第二、三年减半。"]),
                CLOSING,
            ],
            [
                Item(
                    "西城区外资企业房租减免",
                    "a2",
                    "facilitation",
                    [
                        {"type": "district", "units": [xi] if xi else []},
                        {"type": "ownership", "values": ["foreign", "hmt"]},
                    ],
                    unit="外资科",
                )
            ],
        ),
        Policy(
            "示综保发〔2026〕1号",
            "示范综合保税区加工贸易企业扶持办法",
            "示范综合保税区管委会",
            "district",
            "policy",
            3,
            3,
            "综保区、加工贸易、开放平台",
            "开放平台科",
            [
                ("为推动综合保税区加工贸易发展，制定本办法。", []),
                ("对区内出口额1000万美元以上的加工贸易企业给予物流补贴。", []),
                CLOSING,
            ],
            [
                Item(
                    "综保区加工贸易物流补贴",
                    "a2",
                    "subsidy",
                    [
                        {"type": "district", "units": [gaoxin] if gaoxin else []},
                        {"type": "park", "units": [zone] if zone else []},
                        {"type": "exports", "min": "1000", **half},
                    ],
                    amount="20",
                    unit="开放平台科",
                )
            ],
        ),
        Policy(
            "示商发〔2023〕9号",
            "示范市外贸发展专项资金管理办法",
            "示范市商务局",
            "city",
            "policy",
            40,
            3,
            "专项资金、外贸",
            "外贸科",
            [
                ("为规范外贸发展专项资金管理，制定本办法。", []),
                ("专项资金实行项目库管理。", ["申报、评审、公示、拨付四个环节。"]),
                CLOSING,
            ],
        ),
        Policy(
            "示商发〔2021〕5号",
            "示范市外贸企业出口奖励办法（已废止）",
            "示范市商务局",
            "city",
            "policy",
            60,
            None,
            "外贸稳增长",
            "外贸科",
            [("为鼓励出口，制定本办法。", []), ("对出口额增长的企业给予奖励。", []), CLOSING],
        ),
        Policy(
            "省商发〔2025〕40号",
            "省商务厅关于促进跨境电商和海外仓协同发展的通知",
            "省商务厅",
            "provincial",
            "notice",
            9,
            2,
            "跨境电商、海外仓",
            "电子商务科",
            [
                (
                    "推动跨境电商与海外仓协同发展。",
                    ["支持企业建设公共海外仓。", "培育跨境电商品牌。"],
                ),
                ("加强跨境电商统计监测。", []),
            ],
            plan=True,
        ),
        Policy(
            "商贸发〔2025〕88号",
            "商务部关于促进外贸稳规模优结构的意见",
            "商务部",
            "national",
            "policy",
            16,
            None,
            "外贸稳增长",
            "外贸科",
            [
                ("稳定外贸规模。", ["加大出口信用保险支持力度。", "支持企业参加境外展会。"]),
                ("优化外贸结构。", ["发展跨境电商、海外仓等新业态。", "推动中间品贸易。"]),
                ("加强组织保障。", []),
            ],
            plan=True,
        ),
        Policy(
            "示政办发〔2026〕6号",
            "示范市提振消费专项行动方案",
            "示范市人民政府办公室",
            "city",
            "plan",
            5,
            1,
            "消费促进、社会消费品零售总额",
            "消费促进科",
            [
                (
                    "总体要求",
                    ["坚持以人民为中心，扩大消费需求。", "到年底社会消费品零售总额增长6%。"],
                ),
                (
                    "重点任务",
                    ["开展消费季活动。", "发放餐饮、家电消费券。", "培育夜间经济集聚区。"],
                ),
                ("保障措施", ["建立消费运行监测机制。"]),
            ],
            plan=True,
        ),
        Policy(
            "示商发〔2026〕19号",
            "示范市综合保税区申建工作方案",
            "示范市商务局",
            "city",
            "plan",
            2,
            1,
            "综保区、开放平台、申建",
            "开放平台科",
            [
                ("工作目标", ["年内完成综合保税区申建并通过验收。"]),
                ("工作任务", ["完成围网和卡口建设。", "建设公共信息化平台。", "组织预验收。"]),
                ("责任分工", ["开放平台科牵头，海关、自然资源等部门配合。"]),
            ],
            plan=True,
        ),
        Policy(
            "示商发〔2026〕22号",
            "示范市加工贸易梯度转移承接工作方案",
            "示范市商务局",
            "city",
            "plan",
            1,
            2,
            "加工贸易、产业转移、园区",
            "外贸科",
            [
                ("总体思路", ["承接沿海地区加工贸易梯度转移。"]),
                ("主要措施", ["建设标准厂房。", "开展沿海招商推介。", "完善产业链配套。"]),
            ],
            plan=True,
        ),
        Policy(
            "示商发〔2025〕25号",
            "示范市RCEP实施工作指引",
            "示范市商务局",
            "city",
            "notice",
            12,
            None,
            "RCEP、原产地、关税减让",
            "外贸科",
            [
                ("用好RCEP关税减让。", ["指导企业申领原产地证书。", "开展RCEP规则培训。"]),
                ("拓展RCEP成员国市场。", ["组织企业参加东盟、日韩展会。"]),
            ],
            plan=True,
        ),
        Policy(
            "示商发〔2026〕25号",
            "示范市外贸企业汇率避险扶持措施",
            "示范市商务局",
            "city",
            "notice",
            1,
            1,
            "汇率避险、金融服务、外贸",
            "外贸科",
            [
                ("为帮助外贸企业应对汇率波动，制定本措施。", []),
                ("对中小微外贸企业办理汇率避险业务给予担保费补贴。", []),
                CLOSING,
            ],
            [
                Item(
                    "汇率避险担保费补贴",
                    "a2",
                    "subsidy",
                    [
                        {"type": "size", "values": ["small", "micro", "medium"]},
                        {"type": "exports", "min": "50", **half},
                    ],
                    rate="担保费的50%",
                )
            ],
        ),
        Policy(
            "示商发〔2024〕14号",
            "示范市商贸流通企业纾困若干措施",
            "示范市商务局",
            "city",
            "policy",
            28,
            2,
            "商贸流通、纾困",
            "消费促进科",
            [
                ("为帮助商贸流通企业纾困，制定本措施。", []),
                ("减免部分行政事业性收费。", []),
                CLOSING,
            ],
        ),
        Policy(
            "示商发〔2026〕28号",
            "示范市新能源汽车和机电产品出口支持措施",
            "示范市商务局",
            "city",
            "policy",
            1,
            2,
            "机电产品、新能源、出口",
            "外贸科",
            [
                ("为扩大机电产品和新能源产品出口，制定本措施。", []),
                (
                    "对机电、电气行业出口增长15%以上的企业给予奖励。",
                    ["奖励金额为出口增量的千分之五，最高50万元。"],
                ),
                CLOSING,
            ],
            [
                Item(
                    "机电产品出口增长奖励",
                    "a2",
                    "reward",
                    [
                        {"type": "industry", "codes": ["34", "35", "38"]},
                        {"type": "export_growth", "min": "15", **half},
                    ],
                    rate="出口增量的千分之五，最高50万元",
                )
            ],
        ),
    ]


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, min(day.day, 28))


def load_library(ctx: DemoContext) -> None:
    units = dict(Unit.objects.values_list("name", "pk"))
    today = timezone.localdate()
    created = 0
    for policy in policies(units):
        document = Document.objects.filter(doc_number=policy.number).first()
        if document is None:
            issued = _months_before(today, policy.months_ago)
            expiry = (
                issued.replace(year=issued.year + policy.years)
                if policy.years is not None
                else None
            )
            status = DocumentStatus.VALID
            if "已废止" in policy.title:
                status = DocumentStatus.REPEALED
            elif expiry is not None and expiry < today:
                status = DocumentStatus.EXPIRED
            unit_pk = units.get(policy.unit)
            document = document_create(
                actor=None,
                title=policy.title,
                text=_text(policy),
                kind=policy.kind,
                issuer=policy.issuer,
                doc_number=policy.number,
                level=policy.level,
                issued=issued,
                effective=issued,
                expiry=expiry,
                status=status,
                tags=policy.tags,
                responsible_unit=Unit.objects.filter(pk=unit_pk).first() if unit_pk else None,
                is_synthetic=True,
            )
            created += 1
        for item in policy.items:
            existing = SupportItem.objects.filter(document=document, title=item.title).first()
            unit_pk = units.get(item.unit)
            support_item_save(
                actor=None,
                document=document,
                item=existing,
                title=item.title,
                anchor=item.anchor,
                benefit=item.benefit,
                amount=Decimal(item.amount) if item.amount else None,
                rate=item.rate,
                no_application=item.no_application,
                conditions=item.conditions,
                responsible_unit=Unit.objects.filter(pk=unit_pk).first() if unit_pk else None,
            )
    superseded = Document.objects.filter(doc_number="示商发〔2021〕5号").first()
    replacement = Document.objects.filter(doc_number="示商发〔2026〕3号").first()
    if superseded and replacement and superseded.superseded_by_id is None:
        Document.objects.filter(pk=superseded.pk).update(superseded_by=replacement)
    from kaifang.library.actions import index_supervision

    index_supervision()
    ctx.log(f"政策库：新增文件 {created} 篇，共 {Document.objects.count()} 篇")
    from kaifang.library.demo_service import load_service

    load_service(ctx)
