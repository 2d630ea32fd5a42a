"""The statistics' year runs from local midnight to local midnight (Beijing time), and each
appeal's working days count once however many rows it adds to."""

from __future__ import annotations

import datetime as dt

from kaifang.servicedesk import actions
from kaifang.servicedesk.stats import build
from kaifang.servicedesk.tests.conftest import at


def test_the_year_counts_appeals_by_their_local_date(city, firm, make_appeal):
    """00:10 on 1 January in Beijing is still 31 December in UTC; 23:50 on 31 December is
    the year before: each counts in its local year."""
    make_appeal(firm, when=at(2026, 1, 1, 0).replace(minute=10))
    make_appeal(firm, when=at(2025, 12, 31, 23).replace(minute=50))
    make_appeal(firm, when=at(2026, 12, 31, 23).replace(minute=50))
    make_appeal(firm, when=at(2027, 1, 1, 0))
    report = build(user=city.leader, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert report.total.volume == 2
    before = build(user=city.leader, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert before.total.volume == 1


def test_working_days_to_accept_and_resolve_add_to_the_unit_the_category_and_the_total(
    city, accepted
):
    """Registered on Friday 4 December 2026, accepted the same day, resolved on Wednesday
    the 9th: 0 working days to accept, 3 to resolve, in every row it adds to."""
    appeal = accepted(when=at(2026, 12, 4))
    actions.appeal_resolve(
        appeal=appeal, actor=city.district_a_user, resolution="已协调办结。", at=at(2026, 12, 9)
    )
    report = build(user=city.leader, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    rows = [report.total, *report.by_unit, *report.by_category]
    assert [(r.volume, r.accept_days, r.resolve_days, r.resolved) for r in rows] == [
        (1, 0, 3, 1)
    ] * 3
