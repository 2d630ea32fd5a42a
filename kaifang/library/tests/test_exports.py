"""Excel exports of the library: an item's matches with reasons, an enterprise's 可享政策, and
the 免申即享 ledger with totals per policy. Scoped (district B's file holds none of district
A's enterprises), audited, formula-like text kept as text by the one xlsx writer, and the
ledger's total rows equal the sums of its entry rows."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from kaifang.core.exports import HEAVY_CELL_WEIGHT
from kaifang.core.models import AuditEntry
from kaifang.core.tests.queue import export_through_worker
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library.actions import ledger_advance, support_item_save
from kaifang.library.models import LedgerEntry, LedgerStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(city: Any, make_document: Any) -> Any:
    EnterpriseFactory(
        name='=HYPERLINK("http://x","东城")', district=city.district_a, ownership="private"
    )
    EnterpriseFactory(name="东城二号公司", district=city.district_a, ownership="state")
    EnterpriseFactory(name="西城一号公司", district=city.district_b, ownership="private")
    document = make_document("示范市外贸奖励办法\n第一条 奖励。\n")
    return support_item_save(
        actor=city.officer,
        document=document,
        title="外贸奖励",
        amount=Decimal("2.5"),
        no_application=True,
        conditions=[{"type": "ownership", "values": ["private", "state"]}],
    )


def _cells(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _cell_objects(response: Any) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [cell for row in book.active.iter_rows() for cell in row]


def test_item_matches_export_is_scoped_and_keeps_formulas_as_text(client: Client, city, item):
    client.force_login(city.district_b_user)
    rows = _cells(client.get(reverse("library:item_matches_export", args=[item.pk])))
    names = [r[0] for r in rows[3:]]
    assert names == ["西城一号公司"]
    client.force_login(city.officer)
    response = client.get(reverse("library:item_matches_export", args=[item.pk]))
    rows = _cells(response)
    assert rows[2][:5] == ["企业名称", "统一社会信用代码", "县区", "园区", "结果"]
    assert len(rows) == 3 + 3
    hostile = next(c for c in _cell_objects(response) if str(c.value).startswith("=HYPERLINK"))
    assert hostile.data_type == "s" and hostile.quotePrefix
    assert "满足｜企业性质" in rows[3][5]
    assert AuditEntry.objects.filter(action="export.library_matches", actor=city.officer).exists()


def test_ledger_export_totals_equal_its_rows_per_policy(client: Client, city, item):
    entries = list(LedgerEntry.objects.filter(item=item).order_by("enterprise__name"))
    ledger_advance(actor=city.officer, entry=entries[0], to=LedgerStatus.CONFIRMED)
    ledger_advance(actor=city.officer, entry=entries[0], to=LedgerStatus.PAID, amount=Decimal("3"))
    client.force_login(city.officer)
    rows = _cells(client.get(reverse("library:ledger_export")))
    data = [r for r in rows[3:] if r[3]]
    totals = [r for r in rows[3:] if not r[3]]
    assert len(data) == 3
    assert sum(Decimal(str(r[7])) for r in data) == Decimal("8")
    assert totals[0][0] == "小计：示范市外贸奖励办法" and Decimal(str(totals[0][7])) == Decimal("8")
    assert totals[0][6] == "应享2家、已确认0家、已兑现1家，共3家"
    assert totals[-1][0] == "合计" and Decimal(str(totals[-1][7])) == Decimal("8")
    # District B: its own enterprise only, and totals of its own rows.
    client.force_login(city.district_b_user)
    rows = _cells(client.get(reverse("library:item_ledger_export", args=[item.pk])))
    assert [r[3] for r in rows[3:] if r[3]] == ["西城一号公司"]
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][7])) == Decimal("2.5")


def test_ledger_page_totals_per_policy_within_scope(client: Client, city, item):
    client.force_login(city.district_a_user)
    html = client.get(reverse("library:ledger_list")).content.decode()
    assert "东城二号公司" in html and "西城一号公司" not in html
    assert "5.00" in html  # two district A enterprises × 2.5 万元
    html = client.get(reverse("library:ledger_list"), {"status": "paid"}).content.decode()
    assert "东城二号公司" not in html and "暂无" in html


def test_enterprise_matches_export_behind_the_enterprises_scope(client: Client, city, item):
    east = LedgerEntry.objects.get(item=item, enterprise__name="东城二号公司").enterprise
    client.force_login(city.district_b_user)
    url = reverse("library:enterprise_matches_export", args=[east.pk])
    assert client.get(url).status_code == 404
    client.force_login(city.district_a_user)
    rows = _cells(client.get(url))
    assert rows[3][0] == "示范市外贸奖励办法" and rows[3][2] == "外贸奖励"


def test_a_long_ledger_export_is_written_by_the_worker_within_the_users_scope(
    client: Client, city, item, settings, django_capture_on_commit_callbacks
):
    client.force_login(city.district_b_user)
    direct = _cells(client.get(reverse("library:ledger_export")))
    AuditEntry.objects.filter(action="export.library_ledger").delete()
    # one cell fewer than its rows (an entry, a subtotal, the total) × ten wrapped columns
    settings.EXPORT_SYNC_CELLS = 3 * 10 * HEAVY_CELL_WEIGHT - 1
    job, rows = export_through_worker(
        client, reverse("library:ledger_export"), django_capture_on_commit_callbacks
    )
    assert rows[2:] == direct[2:] and [r[3] for r in rows[3:] if r[3]] == ["西城一号公司"]
    assert job.result["filename"].startswith("免申即享台账-")
    entry = AuditEntry.objects.get(action="export.library_ledger")
    assert entry.actor == city.district_b_user and entry.changes["rows"] == 3
    # an item's matches too, by the item's id: district B's enterprise alone
    settings.EXPORT_SYNC_CELLS = 0
    _, rows = export_through_worker(
        client,
        reverse("library:item_matches_export", args=[item.pk]),
        django_capture_on_commit_callbacks,
    )
    assert [r[0] for r in rows[3:]] == ["西城一号公司"]
    # as many cells as the budget: written at once
    settings.EXPORT_SYNC_CELLS = 3 * 10 * HEAVY_CELL_WEIGHT
    assert len(_cells(client.get(reverse("library:ledger_export")))) == 3 + 3
