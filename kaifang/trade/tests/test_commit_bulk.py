"""The import commit below the ORM (trade/bulk.py): rows of one enterprise under two
identifiers are summed, a chunk meeting existing keys replaces them in place, and a new key
beside them is inserted."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.enterprises.models import Enterprise, EnterpriseStatus
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.bulk import upsert_rows
from kaifang.trade.models import CustomsRecord

pytestmark = pytest.mark.django_db

HEADER = (
    "数据年月,统一社会信用代码,海关编码,企业名称,商品编码,贸易伙伴编码,贸易方式编码,美元,人民币"
)
NEW = synthetic_uscc(31)


def run(tmp_path, lines, name="c.csv"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode("gb18030"))
    out = StringIO()
    call_command("import-customs", str(path), "--flow", "export", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_one_new_enterprise_under_two_identifiers_is_summed(trade_reference, tmp_path):
    summary = run(
        tmp_path,
        [
            f"202509,{NEW},4103960001,双码公司,84571010,502,10,100,710",
            "202509,,4103960001,双码公司,84571010,502,10,50.25,356.78",
        ],
    )
    assert summary["rows_imported"] == 2
    enterprise = Enterprise.objects.get(uscc=NEW)
    assert enterprise.status == EnterpriseStatus.PENDING
    assert enterprise.customs_code == "4103960001"
    record = CustomsRecord.objects.get()
    assert record.enterprise == enterprise
    assert record.value_usd == Decimal("150.25")
    assert record.value_cny == Decimal("1066.78")


def test_later_file_replaces_existing_keys_in_place_and_adds_new_ones(trade_reference, tmp_path):
    known = EnterpriseFactory(uscc=synthetic_uscc(32))
    first = f"202509,{known.uscc},,甲公司,84571010,502,10,100,710"
    run(tmp_path, [first])
    original = CustomsRecord.objects.get()
    run(
        tmp_path,
        [
            first.replace(",100,710", ",90,639"),
            f"202509,{known.uscc},,甲公司,85171300,116,10,5,35.5",
        ],
        name="v2.csv",
    )
    records = {r.hs_code: r for r in CustomsRecord.objects.all()}
    assert set(records) == {"84571010", "85171300"}
    assert records["84571010"].pk == original.pk
    assert records["84571010"].value_usd == Decimal("90")
    assert records["85171300"].value_cny == Decimal("35.5")


def test_upsert_rows_falls_back_per_chunk(trade_reference):
    known = EnterpriseFactory(uscc=synthetic_uscc(33))

    def row(hs: str, usd: str) -> tuple:
        return (
            known.pk,
            "2025-09-01",
            "export",
            hs,
            "502",
            "10",
            None,
            "",
            None,
            "",
            usd,
            None,
            "customs",
            None,
        )

    with transaction.atomic():
        upsert_rows([row("84571010", "1")])
        written = upsert_rows([row("84571010", "2"), row("85171300", "3")], chunk=1)
    assert written == 2
    values = dict(CustomsRecord.objects.values_list("hs_code", "value_usd"))
    assert values == {"84571010": Decimal("2"), "85171300": Decimal("3")}
