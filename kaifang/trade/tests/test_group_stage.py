"""The partner group stage (decision 0040): a firm's month with each partner group, summed from
the partner stage through the groups' members. It must equal the records of the members after
every edit to a group (the firms within a group read it: test_scoped_rollups.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kaifang.core.models import Partner, PartnerGroup
from kaifang.trade.figures import kept_breakdown
from kaifang.trade.selectors import Keys, Query, breakdown
from kaifang.trade.tests.stages import stage_tables, stages_from_facts

Q = Query(year=2025, month=3, flow="total", currency="usd")


def _group_stage_equals_the_records() -> list[tuple]:
    held = stage_tables()["group"]
    assert held == stages_from_facts()["group"]
    return held


def test_the_group_stage_follows_every_edit_to_the_groups(trade_data):
    held = _group_stage_equals_the_records()
    assert {row[3] for row in held} == {"g-ab", "g-b"}  # g-ab = {502, 116}, g-b = {116}
    only_b = PartnerGroup.objects.get(code="g-b")
    japan, usa, uk = (Partner.objects.get(code=c) for c in ("116", "502", "303"))
    only_b.members.add(usa)  # the admin's selector adds and removes through the group
    _group_stage_equals_the_records()
    only_b.members.remove(japan)
    _group_stage_equals_the_records()
    uk.groups.add(only_b)  # from the partner's side
    assert ("g-b", Decimal(40)) in {(r[3], r[4]) for r in _group_stage_equals_the_records()}
    uk.groups.clear()
    _group_stage_equals_the_records()
    only_b.code = "g-new"  # a new code: the rows move to it
    only_b.save()
    assert "g-new" in {row[3] for row in _group_stage_equals_the_records()}
    only_b.members.clear()
    assert "g-new" not in {row[3] for row in _group_stage_equals_the_records()}
    PartnerGroup.objects.get(code="g-ab").delete()
    assert _group_stage_equals_the_records() == []


def test_a_members_edit_retires_the_cached_figures_within_and_by_group(trade_data, city):
    """The pages kept a group's figures per rollup version; nothing moved it when the members
    changed, so they showed the old members' trade for a day or until the next import."""
    leader = city.leader
    within = kept_breakdown(leader, "enterprise", Q, Keys(group="g-b"))
    by_group = kept_breakdown(leader, "group", Q, Keys())
    PartnerGroup.objects.get(code="g-b").members.add(Partner.objects.get(code="502"))
    after = kept_breakdown(leader, "enterprise", Q, Keys(group="g-b"))
    assert after.total.ytd > within.total.ytd  # 502's trade joined the group
    fresh = breakdown(
        viewer=leader, by="enterprise", q=Q, keys=Keys(group="g-b"), facts_only=True, named=False
    )
    assert (after.rows, after.total) == (fresh.rows, fresh.total)
    regrouped = kept_breakdown(leader, "group", Q, Keys())
    assert regrouped.rows != by_group.rows
    assert (
        regrouped.rows
        == breakdown(viewer=leader, by="group", q=Q, facts_only=True, named=False).rows
    )


def test_only_a_change_of_the_groups_trade_moves_the_rollup_version(trade_data):
    """`load-reference` fills the groups of an empty database, and a group may list partners
    nobody trades with: such members change no figure, so the pages keep theirs and the
    worker is not asked to refill them."""
    from kaifang.core.models import Continent
    from kaifang.trade.rollups import rollup_version

    quiet = PartnerGroup.objects.create(code="g-none", name="无贸易组", order=9)
    nobody = Partner.objects.create(code="799", name_zh="无贸易", continent=Continent.OTHER)
    before = rollup_version()
    quiet.members.add(nobody)
    nobody.groups.add(PartnerGroup.objects.get(code="g-b"))
    quiet.members.remove(nobody)
    assert rollup_version() == before
    assert "g-none" not in {row[3] for row in _group_stage_equals_the_records()}
    quiet.members.add(Partner.objects.get(code="303"))  # 英国 traded in 2024-02 and 2023-12
    assert rollup_version() != before
    assert "g-none" in {row[3] for row in _group_stage_equals_the_records()}


def test_a_partners_new_code_or_its_deletion_refreshes_its_groups(trade_data):
    """The group stage joins the partner stage to the members through the partner's code: a
    code edited in the dictionary, or a partner deleted (its memberships go without
    `m2m_changed`), left the firms within its groups at the old figures (found in review)."""
    japan = Partner.objects.get(code="116")  # in g-ab and g-b
    japan.code = "Z16"
    japan.save()
    held = _group_stage_equals_the_records()
    assert "g-b" not in {row[3] for row in held}  # g-b's only member no longer matches
    japan.code = "116"
    japan.save()
    assert "g-b" in {row[3] for row in _group_stage_equals_the_records()}
    japan.delete()
    held = _group_stage_equals_the_records()
    assert "g-b" not in {row[3] for row in held} and "g-ab" in {row[3] for row in held}


@pytest.mark.django_db(transaction=True)  # no test transaction already holding the lock
def test_a_groups_refresh_waits_for_other_rollup_writers_on_postgresql():
    """On PostgreSQL a group's refresh and a month's import each deleted the other's rows
    before either committed, then both inserted the same keys: the later commit failed on
    the unique key. Both now hold one advisory lock until their transaction ends."""
    from django.db import connection, transaction

    from kaifang.trade.rollups import refresh_groups

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(held)
        assert cursor.fetchone()[0] == 0
        refresh_groups(["g-b"])
        cursor.execute(held)
        assert cursor.fetchone()[0] == 1  # held until the transaction ends
