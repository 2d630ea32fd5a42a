"""Support items evaluated over constructed enterprises and customs records: stored matches
with reasons, missing data never eligible, liaison notifications, the 免申即享 ledger and its
totals, and scope (a district sees only its enterprises' matches)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kaifang.core.models import Industry, Notification
from kaifang.enterprises.models import Tag
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library.actions import ledger_advance, support_item_evaluate, support_item_save
from kaifang.library.models import LedgerEntry, LedgerStatus, Match, Outcome
from kaifang.library.selectors import (
    ledger_for_item,
    ledger_totals,
    matches_for_enterprise,
    matches_for_item,
)
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups

pytestmark = pytest.mark.django_db

POLICY = (
    "示范市外贸稳增长奖励办法\n第一条 对出口增长较快的企业给予奖励。\n"
    "（一）出口增长10%以上的，奖励10万元。\n"
)


def _export(enterprise: Any, month: dt.date, usd: str) -> None:
    CustomsRecord.objects.create(
        enterprise=enterprise,
        period=month,
        flow="export",
        hs_code="85171300",
        partner_code="502",
        trade_mode="10",
        value_usd=Decimal(usd),
        value_cny=Decimal(usd) * 7,
    )


@pytest.fixture
def firms(city: Any) -> dict[str, Any]:
    manufacturing = Industry.objects.create(code="C", name="制造业", level=1, section_code="C")
    trade_tag = Tag.objects.create(name="外贸")
    fast = EnterpriseFactory(
        name="东城快速增长公司",
        district=city.district_a,
        industry=manufacturing,
        liaison=city.liaison,
    )
    slow = EnterpriseFactory(
        name="东城增长8%公司", district=city.district_a, industry=manufacturing
    )
    west = EnterpriseFactory(
        name="西城快速增长公司", district=city.district_b, industry=manufacturing
    )
    unknown = EnterpriseFactory(name="东城无行业公司", district=city.district_a, industry=None)
    for firm in (fast, slow, west, unknown):
        firm.tags.add(trade_tag)
    # The city has data for all of 2025 and January–June 2026 (some other firm's records).
    other = EnterpriseFactory(name="其他公司", district=city.district_b)
    for year, last in ((2025, 12), (2026, 6)):
        for m in range(1, last + 1):
            _export(other, dt.date(year, m, 1), "1")
    for firm, before, after in (
        (fast, "1000000", "1500000"),
        (slow, "1000000", "1080000"),
        (west, "1000000", "2000000"),
        (unknown, "1000000", "2000000"),
    ):
        _export(firm, dt.date(2025, 3, 1), before)
        _export(firm, dt.date(2026, 3, 1), after)
    # as an import does: matching reads the enterprise rollup, rebuilt with the records
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True).distinct())
    return {"fast": fast, "slow": slow, "west": west, "unknown": unknown}


GROWTH = {"type": "export_growth", "min": "10", "start": "2026-01", "end": "2026-06"}
INDUSTRY = {"type": "industry", "codes": ["C"]}


@pytest.fixture
def item(city: Any, firms: Any, make_document: Any, django_capture_on_commit_callbacks: Any):
    document = make_document(POLICY)
    with django_capture_on_commit_callbacks(execute=True):
        return support_item_save(
            actor=city.officer,
            document=document,
            title="出口增长奖励",
            benefit="reward",
            amount=Decimal("10"),
            anchor="a1.s1",
            no_application=True,
            conditions=[INDUSTRY, GROWTH],
        )


def _outcomes(matches: Any) -> dict[str, str]:
    return {m.enterprise.name: m.outcome for m in matches}


def test_matches_with_reasons_and_near_misses(city, firms, item):
    assert _outcomes(Match.objects.filter(item=item).select_related("enterprise")) == {
        "东城快速增长公司": Outcome.ELIGIBLE,
        "西城快速增长公司": Outcome.ELIGIBLE,
        "东城增长8%公司": Outcome.NEAR,
        "东城无行业公司": Outcome.UNKNOWN,
    }
    near = Match.objects.get(item=item, enterprise=firms["slow"])
    assert near.reasons[1] == {
        "condition": "出口增长",
        "met": False,
        "value": "2026年1–6月出口增长 8.0%，差 2.0 个百分点",
    }
    unknown = Match.objects.get(item=item, enterprise=firms["unknown"])
    assert unknown.reasons[0]["met"] is None


def test_matching_reads_the_enterprise_rollup_not_the_records(city, firms, item):
    """The exports matching weighs equal the records' sums, read from trade's enterprise
    rollup: re-evaluating an item on a large city sends no query to the customs records."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaifang.library.actions import support_item_evaluate
    from kaifang.library.selectors import enterprise_facts

    with CaptureQueriesContext(connection) as ctx:
        counts = support_item_evaluate(item=item)
    assert not [q for q in ctx.captured_queries if '"trade_customsrecord"' in q["sql"]]
    assert counts[Outcome.ELIGIBLE] == 2
    facts = enterprise_facts(conditions=[GROWTH])
    fast = facts.by_enterprise[firms["fast"].pk]
    assert fast.exports == {
        dt.date(2025, 3, 1): Decimal("1000000"),
        dt.date(2026, 3, 1): Decimal("1500000"),
    }
    assert len(fast.covered) == 12  # January–June of 2026 and of 2025, all with records


def test_a_period_the_customs_data_does_not_cover_leaves_everyone_unknown(city, firms, item):
    support_item_save(
        actor=city.officer,
        document=item.document,
        item=item,
        title=item.title,
        conditions=[{**GROWTH, "end": "2026-07"}],
    )
    outcomes = set(Match.objects.filter(item=item).values_list("outcome", flat=True))
    assert outcomes == {Outcome.UNKNOWN}


def test_liaison_is_told_of_new_eligible_matches_once(
    city, firms, item, django_capture_on_commit_callbacks
):
    notes = Notification.objects.filter(recipient=city.liaison, category="library")
    assert notes.count() == 1
    assert "东城快速增长公司" in notes.get().body
    with django_capture_on_commit_callbacks(execute=True):
        support_item_save(
            actor=city.officer,
            document=item.document,
            item=item,
            title=item.title,
            conditions=item.conditions,
            no_application=True,
            amount=Decimal("10"),
        )
    assert notes.count() == 1  # nothing new


def test_district_sees_only_its_enterprises_matches(city, firms, item):
    a = _outcomes(matches_for_item(user=city.district_a_user, item=item))
    assert "西城快速增长公司" not in a and "东城快速增长公司" in a
    b = _outcomes(matches_for_item(user=city.district_b_user, item=item))
    assert set(b) == {"西城快速增长公司"}
    assert list(matches_for_enterprise(user=city.district_b_user, enterprise=firms["fast"])) == []
    assert _outcomes(matches_for_item(user=city.liaison, item=item)) == {
        "东城快速增长公司": Outcome.ELIGIBLE
    }


def test_no_application_ledger_and_totals(city, firms, item):
    entries = {e.enterprise.name: e for e in LedgerEntry.objects.filter(item=item)}
    assert set(entries) == {"东城快速增长公司", "西城快速增长公司"}  # eligible only
    fast = entries["东城快速增长公司"]
    with pytest.raises(ValidationError):
        ledger_advance(actor=city.officer, entry=fast, to=LedgerStatus.PAID)  # skip a step
    with pytest.raises(PermissionDenied):
        ledger_advance(actor=city.district_a_user, entry=fast, to=LedgerStatus.CONFIRMED)
    ledger_advance(actor=city.officer, entry=fast, to=LedgerStatus.CONFIRMED)
    ledger_advance(actor=city.officer, entry=fast, to=LedgerStatus.PAID, amount=Decimal("12.5"))
    totals = ledger_totals(ledger_for_item(user=city.leader, item=item))
    assert totals.rows["paid"] == (1, Decimal("12.5"))
    assert totals.rows["due"] == (1, Decimal("10"))
    assert totals.count == 2
    assert totals.amount == Decimal("22.5")
    district_b = ledger_totals(ledger_for_item(user=city.district_b_user, item=item))
    assert district_b.count == 1
    assert district_b.amount == Decimal("10")


def test_conditions_are_validated(city, make_document):
    document = make_document(POLICY)
    with pytest.raises(ValidationError):
        support_item_save(
            actor=city.officer,
            document=document,
            title="x",
            conditions=[{"type": "exports", "min": "5", "start": "2026-06", "end": "2026-01"}],
        )
    with pytest.raises(PermissionDenied):
        support_item_save(actor=city.district_a_user, document=document, title="x")


def test_policy_match_cli_prints_enterprises_with_reasons(city, firms, item):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("policy-match", str(item.document_id), "--json", stdout=out)
    rows = {r["name"]: r for r in json.loads(out.getvalue())}
    fast = rows["东城快速增长公司"]
    assert fast["uscc"] == firms["fast"].uscc
    assert fast["eligible"] is True
    assert fast["reasons"][1]["condition"] == "出口增长"
    assert rows["东城增长8%公司"]["eligible"] is False
    assert rows["东城无行业公司"]["eligible"] is None
    assert {"condition", "met", "value"} == set(fast["reasons"][0])


def test_responsible_unit_is_told_of_new_no_application_entries_once(
    city, firms, make_document, django_capture_on_commit_callbacks
):
    document = make_document(POLICY)
    with django_capture_on_commit_callbacks(execute=True):
        item = support_item_save(
            actor=city.officer,
            document=document,
            title="免申即享出口奖励",
            amount=Decimal("10"),
            no_application=True,
            responsible_unit=city.district_a,
            conditions=[INDUSTRY, GROWTH],
        )
    told = Notification.objects.filter(
        recipient=city.district_a_user, title__contains="免申即享待确认"
    )
    assert told.count() == 1
    # two firms qualify, one in each district: district A's people are told of theirs alone
    assert "新增 1 家应享企业" in told.get().body
    with django_capture_on_commit_callbacks(execute=True):
        support_item_evaluate(item=item, actor=city.officer)
    assert told.count() == 1  # nothing new, nobody told again
