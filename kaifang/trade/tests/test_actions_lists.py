"""FDI/ODI and enterprise-list imports through the same upload → validate → commit actions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.core.models import UnitKind
from kaifang.core.tests.factories import UnitFactory
from kaifang.enterprises.models import Enterprise, EnterpriseStatus
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade import actions
from kaifang.trade.models import ImportStatus, InvestmentRecord

pytestmark = pytest.mark.django_db

U1 = synthetic_uscc(31)
U2 = synthetic_uscc(32)


def run_import(city, kind: str, text: str) -> tuple:
    batch = actions.import_upload(
        actor=city.officer, kind=kind, filename=f"{kind}.csv", content=text.encode("gb18030")
    )
    result = actions.import_validate(batch=batch, actor=city.officer)
    batch.refresh_from_db()
    batch.status = ImportStatus.PARSED
    summary = actions.import_commit(batch=batch, actor=city.officer)
    return result, summary


def test_fdi_import_sums_and_reimport_replaces(city, trade_reference):
    EnterpriseFactory(name="示范外资机械有限公司", uscc=U1)
    text = "\n".join(
        [
            "年月,统一社会信用代码,外商投资企业名称,投资方国别(地区),实际使用外资(万美元)",
            f"2025-09,{U1},示范外资机械有限公司,德国,120",
            f"2025-09,{U1},示范外资机械有限公司,德国,30",
            f"2025-09,{U2},新外资公司,日本,50",
        ]
    )
    result, _ = run_import(city, "fdi", text)
    assert result.rows_read == 3 and result.rows_rejected == 0
    record = InvestmentRecord.objects.get(enterprise__uscc=U1)
    assert record.kind == "fdi" and record.partner_code == "304"
    assert record.amount_usd == Decimal("1500000")
    assert Enterprise.objects.get(uscc=U2).status == EnterpriseStatus.PENDING
    run_import(city, "fdi", text)
    assert InvestmentRecord.objects.count() == 2
    assert InvestmentRecord.objects.get(enterprise__uscc=U1).amount_usd == Decimal("1500000")


def test_enterprise_list_creates_updates_and_reports_unplaced(city, trade_reference):
    UnitFactory(name="示范东城区商务局", short_name="东城区", kind=UnitKind.DISTRICT)
    existing = EnterpriseFactory(name="示范老牌外贸有限公司", uscc=U1)
    text = "\n".join(
        [
            "统一社会信用代码,企业名称,所属县区,企业性质,标签,联系人,联系电话",
            f"{U1},示范老牌外贸有限公司,东城区,民营,外贸、跨境电商,张三,13800000000",
            f"{U2},示范新设贸易有限公司,火星区,外商投资,外资,李四,13900000000",
        ]
    )
    _, summary = run_import(city, "enterprises", text)
    existing.refresh_from_db()
    assert existing.district.short_name == "东城区"
    assert existing.ownership == "private"
    assert sorted(t.name for t in existing.tags.all()) == ["外贸", "跨境电商"]
    created = Enterprise.objects.get(uscc=U2)
    assert created.status == EnterpriseStatus.ACTIVE
    assert created.district is None  # 火星区 is not a unit: reported, not guessed
    assert summary.enterprises_created == 1
