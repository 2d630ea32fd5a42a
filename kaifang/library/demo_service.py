"""Demo data of the library's service side: two fairs (one exhibitor list imported through the
real Excel import, one not yet, so its condition shows 待核实), a support item that requires
taking part in them, and reply templates per appeal category citing demo clauses.

Idempotent: fairs are keyed by name and session, templates by category and title; the list
import of an unchanged list changes nothing.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from kaifang.core.demo import DemoContext
from kaifang.enterprises.models import Enterprise, EnterpriseStatus
from kaifang.library.actions import support_item_save
from kaifang.library.actions.fairs import fair_import_exhibitors, fair_save, reply_template_save
from kaifang.library.models import Document, Fair, ReplyTemplate, SupportItem

FAIRS = (
    ("中国进出口商品交易会（广交会）", "第139届", "广州", True),
    ("中国国际进口博览会", "第9届", "上海", False),
)
FAIR_POLICY = "示商发〔2026〕11号"
FAIR_ITEM = "重点展会参展企业展位补贴"

# (category, title, text, 文号 of the cited document, anchor)
TEMPLATES = (
    (
        "policy",
        "境外展会补贴如何申报",
        "您好！参加市商务局公布的重点境外展会的，可按展位费的50%申请补贴；"
        "请在展会结束后准备参展合同、付款凭证和现场照片，向市商务局外贸科申报。",
        FAIR_POLICY,
        "a2.s1",
    ),
    (
        "policy",
        "政策咨询已转包联干部跟进",
        "您好！您咨询的政策已转交贵企业的包联干部，将在3个工作日内与您联系并说明申报条件。",
        "",
        "",
    ),
    (
        "tax_rebate",
        "出口退税办理进度说明",
        "您好！出口退税申报已由税务部门受理，正常审核时限为3个工作日，如需补充材料将另行通知。",
        "",
        "",
    ),
    (
        "logistics",
        "中欧班列运费补助",
        "您好！通过中欧班列出口的企业可申请运费补助，具体标准见所附条款。",
        "示商发〔2026〕7号",
        "a3.s1",
    ),
)


def _list_xlsx(rows: list[tuple[str, str, str]]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["序号", "统一社会信用代码", "参展企业", "展位号"])
    for number, (uscc, name, booth) in enumerate(rows, start=1):
        sheet.append([number, uscc, name, booth])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def load_service(ctx: DemoContext) -> None:
    fairs: list[Fair] = []
    for name, session, city, with_list in FAIRS:
        fair = Fair.objects.filter(name=name, session=session).first()
        if fair is None:
            fair = fair_save(actor=None, name=name, session=session, city=city, is_synthetic=True)
        fairs.append(fair)
        if with_list:
            firms = list(
                Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE, tags__name="外贸")
                .order_by("uscc")
                .values_list("uscc", "name")[:200:5]
            )
            rows = [(u, n, f"{10 + i // 20}.{i % 20 + 1}A") for i, (u, n) in enumerate(firms) if u]
            if rows:
                fair_import_exhibitors(
                    actor=None, fair=fair, data=_list_xlsx(rows), filename="广交会参展企业名单.xlsx"
                )
    document = Document.objects.filter(doc_number=FAIR_POLICY).first()
    if document is not None:
        existing = SupportItem.objects.filter(document=document, title=FAIR_ITEM).first()
        support_item_save(
            actor=None,
            document=document,
            item=existing,
            title=FAIR_ITEM,
            anchor="a2.s1",
            benefit="subsidy",
            rate="展位费的50%",
            conditions=[{"type": "fair", "fairs": [f.pk for f in fairs]}],
        )
    for category, title, text, number, anchor in TEMPLATES:
        if ReplyTemplate.objects.filter(category=category, title=title).exists():
            continue
        cited = Document.objects.filter(doc_number=number).first() if number else None
        reply_template_save(
            actor=None,
            category=category,
            title=title,
            text=text,
            document=cited,
            anchor=anchor if cited else "",
            is_synthetic=True,
        )
    ctx.log(f"政策库：展会 {Fair.objects.count()} 个，答复模板 {ReplyTemplate.objects.count()} 条")
