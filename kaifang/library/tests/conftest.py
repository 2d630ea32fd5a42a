"""Shared texts and helpers of the library tests."""

from __future__ import annotations

from typing import Any

import pytest

from kaifang.library.actions import document_create
from kaifang.library.models import Document

RAIL = """示范市支持中欧班列发展的若干措施
第一条 为推动中欧班列常态化运行，降低企业物流成本，制定本措施。
第二条 运费补助。
（一）对通过中欧班列出口的企业，每标准箱补助500元。
（二）单个企业年度补助不超过50万元。
"""
INVEST = """示范市关于进一步做好利用外资工作的意见
一、稳住外资基本盘
（一）对新设外商投资企业，按实际到资额给予奖励。
（二）支持外资研发中心建设。
"""
FAIR = """示范市境外展会补贴实施细则
第一条 对参加境外展会的外贸企业，按展位费的50%给予补贴。
第二条 跨境电商企业参加展会的，补贴比例提高到60%。
"""


@pytest.fixture
def make_document(city: Any) -> Any:
    def make(text: str, **fields: Any) -> Document:
        title = fields.pop("title", text.splitlines()[0])
        return document_create(actor=city.officer, title=title, text=text, **fields)

    return make


@pytest.fixture
def three(make_document: Any) -> dict[str, Document]:
    return {
        "rail": make_document(RAIL, doc_number="示商发〔2026〕3号", level="city", tags="物流,外贸"),
        "invest": make_document(INVEST, doc_number="示政发〔2025〕8号", level="provincial"),
        "fair": make_document(FAIR, doc_number="示商发〔2026〕9号", level="city", tags="展会"),
    }
