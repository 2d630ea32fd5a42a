"""The scenario's records page: the records a scenario's figure sums, largest first, each
page read through the plan its counts make cheapest (split from `selectors.py`, whose
`matching_sums` gives the page's count and total)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from kaifang.core.models import User
from kaifang.enterprises.models import Enterprise
from kaifang.risk.selectors import Spec, in_months, scope_gates, spec_terms, within
from kaifang.trade.models import CustomsRecord, Dimension, TradeRollup
from kaifang.trade.selectors import Viewer, sees_all
from kaifang.trade.selectors.base import hidden_in_case, reach
from kaifang.trade.selectors.plans import (
    KEY_ROW_COST,
    PG_VALUE_WALK_ENTRY_COST,
    SCOPE_TESTED_ENTRY_COST,
    VALUE_WALK_ENTRY_COST,
    table_records,
)

# The records page lists a scenario's records largest first (ties by month, then id), 50 a
# page. Sorting every matching record for it took 290–300 ms of query at 5.6 M records for
# the leader's EU textiles scenario (its partners' 305,850 records of the year read through
# the (partner, period) index and sorted), whose first page holds 50. As trade's drill-down
# (`trade/selectors/plans.py`), the page is read through the plan its counts make cheapest,
# every other condition inside one CASE (`trade.selectors.base.hidden_in_case`) so that
# SQLite reads only the intended index. The counts: the table's records (the trade-mode rollup),
# the matching ones (the exposure rollup's count, which the page shows), the firms' records
# in the window (the enterprise rollup) and the partners' (the partner rollup).
# - walk: down the value index (`customs_record_usd`, or `_cny` in yuan), which on SQLite
#   carries every column the conditions test (trade/0015), until the page's last row:
#   about `depth × table / matching` entries, each tested on the index (weight 1). Bounded
#   by the page however many records there are, when the scenario's records are a fair
#   share of the table (the leader's first page: 9,300 entries, 3 ms).
# - scope: the firms' records of the window through the unique key's (enterprise, period)
#   prefix, tested on its entries (0.5 each) and the matching ones sorted (1 each), when the
#   page is narrowed to firms: a district's or a liaison officer's, the owner's, `?district=`
#   or `?enterprise=` (a district's page 20: 80–100 ms, where the walk reads 900,000 entries).
# - partners: the scenario's partners' records of the window through (partner, period), each
#   row fetched to be tested (3 each): a small partner's deep pages.
# A walk needs no other count when it is cheaper than the matching rows alone (the least any
# narrow plan reads). The walk's cut (trade's month cut and firms plan) serves a page merged
# from several ranges in value order; one range, the value index, gives the page directly.
# On PostgreSQL the whole city's page of several partners walks (its ids from the value
# index alone, then the rows); every other page is the database's own plan (FREE).
RECORD_WALK, RECORD_SCOPE, RECORD_PARTNERS, RECORD_FREE = "walk", "scope", "partners", "free"
RECORD_PLANS = (RECORD_WALK, RECORD_SCOPE, RECORD_PARTNERS, RECORD_FREE)
# What the page shows of a record and its firm: a sorted row carries no more (trade's
# SHOWN_FIELDS: the firm's long texts in every sorted row cost more than the sort).
RECORD_FIELDS = (
    "period",
    "flow",
    "hs_code",
    "partner_code",
    "trade_mode",
    "value_usd",
    "value_cny",
    "enterprise__name",
)


class ScenarioRecords:
    """The records of a scenario's page (all, or one enterprise's or district's), largest
    first, for a Paginator: their count is known beforehand (the exposure rollup's, or the
    records' while it is rewritten) and each slice is read through the plan cheapest for its
    depth. Every plan gives the same rows in the same order (`query(plan)`, tested)."""

    def __init__(
        self,
        *,
        viewer: Viewer,
        spec: Spec,
        months: Sequence[dt.date],
        owner: User | None = None,
        enterprise: int | None = None,
        district: int | None = None,
        count: int = 0,
    ) -> None:
        self.viewer, self.spec, self.months, self.owner = viewer, spec, list(months), owner
        self.enterprise, self.district, self._count = enterprise, district, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[CustomsRecord]:
        if not self.months:
            return []
        plan = self.plan(depth=index.stop if index.stop is not None else self._count)
        if plan != RECORD_WALK or connection.vendor == "sqlite":
            return list(self.query(plan)[index])
        # PostgreSQL walks the value index for the page's ids alone, an index-only scan (the
        # index carries every column the walk tests, trade/0016), then reads those records
        # by id (trade's `drill_page`); a record gone between the two is left out.
        ids = list(self.query(plan).values_list("id", flat=True)[index])
        found = {r.pk: r for r in self.query(RECORD_FREE).filter(pk__in=ids).order_by()}
        return [found[pk] for pk in ids if pk in found]

    def _gate(self, *, listed: bool = False) -> Q:
        """The scope gates and the page's own narrowing to a firm or a district; `listed`: as
        the list of the firms they let through (`firms`), which a walk tests on each entry
        of the value index without a join to the firm (PostgreSQL's index carries the firm,
        trade/0016). The page's rows are then read by id through the gates as written."""
        firms = self.firms() if listed else None
        if firms is not None:
            return Q(enterprise_id__in=firms)
        return scope_gates(self.viewer, self.owner) & within(self.enterprise, self.district)

    def query(self, plan: str, *, listed: bool | None = None) -> QuerySet[CustomsRecord]:
        """The records in the page's order, read through `plan`'s index: its conditions
        plain, every other one hidden in a CASE (all of them plain for FREE). `listed`: the
        gates as the list of their firms (`_gate`); by default for PostgreSQL's walk."""
        if listed is None:
            listed = plan == RECORD_WALK and connection.vendor != "sqlite"
        gate, months = self._gate(listed=listed), in_months(self.months)
        terms = spec_terms(self.spec, flow=True)
        qs = CustomsRecord.objects.all()
        if plan == RECORD_FREE:
            qs = qs.filter(gate & months & terms)
        elif plan == RECORD_WALK:
            qs = hidden_in_case(qs, gate & months & terms)
        elif plan == RECORD_SCOPE:
            qs = hidden_in_case(qs.filter(gate & months), terms)
        elif plan == RECORD_PARTNERS:
            if self.spec.partner_codes is None:
                raise ValueError("the partners plan needs the scenario's partners")
            by_partner = Q(partner_code__in=sorted(self.spec.partner_codes)) & months
            qs = hidden_in_case(
                qs.filter(by_partner), gate & spec_terms(self.spec, flow=True, partners=False)
            )
        else:
            raise ValueError(f"unknown plan {plan!r}")
        field = self.spec.field
        shown = qs.select_related("enterprise").only(*RECORD_FIELDS)
        return shown.order_by(f"-{field}", "period", "id")

    def plan(self, *, depth: int, vendor: str | None = None) -> str:
        """The cheapest plan for a page ending at row `depth` (see the note above); FREE with
        nothing matching. On PostgreSQL (`vendor`: the database's, or the tests') the walk
        or its own plan (`_planned_on_postgresql`)."""
        matching = self._count
        if matching <= 0:
            return RECORD_FREE
        if (vendor or connection.vendor) != "sqlite":
            return self._planned_on_postgresql(depth)
        table = table_records()
        walk = min(depth * table / matching, table) * VALUE_WALK_ENTRY_COST
        if walk <= matching:
            return RECORD_WALK
        costs = {RECORD_WALK: walk}
        firms = self._firm_records()
        if firms is not None:
            costs[RECORD_SCOPE] = firms * SCOPE_TESTED_ENTRY_COST + matching
        if self.spec.partner_codes is not None:
            costs[RECORD_PARTNERS] = self._partner_records() * KEY_ROW_COST
        return min(costs, key=lambda name: costs[name])

    def _planned_on_postgresql(self, depth: int) -> str:
        """PostgreSQL has statistics and finds the (partner, value) index of one partner
        itself (the US scenario's page 20 at 5.6 M records: 15 ms), but sorts several
        partners' records (the EU scenario's 27: 127–137 ms for page 1 or 20), where the walk
        of the value index for the page's ids takes 9 ms for page 1 and 84 for page 20. The
        walk, weighed as trade weighs it there (`PG_VALUE_WALK_ENTRY_COST`), against the
        partners' records of the window. A narrowed page's walk tests its firms as a list
        (`_gate(listed=True)`): written as the gate's join to the firm it cost 410 ms for
        ?district=13, its own plan 120–135 ms, the list 9.5 ms (page 1) and 119 ms (page 20)."""
        several = self.spec.partner_codes is None or len(self.spec.partner_codes) > 1
        if not several:
            return RECORD_FREE
        table = table_records()
        walk = min(depth * table / self._count, table) * PG_VALUE_WALK_ENTRY_COST
        if self.spec.partner_codes is None:
            return RECORD_WALK if walk <= self._count else RECORD_FREE
        return RECORD_WALK if walk <= self._partner_records() else RECORD_FREE

    def _narrowed(self) -> bool:
        """Whether the page holds fewer firms than the city's (`firms` is not None), without
        reading which."""
        if self.enterprise is not None or self.district is not None:
            return True
        return any(user is not None and not sees_all(user) for user in (self.viewer, self.owner))

    def firms(self) -> list[int] | None:
        """The firms whose records the page may hold, when fewer than the city's: those the
        viewer and the owner see, within the page's enterprise or district."""
        if not self._narrowed():
            return None
        chosen: list[set[int]] = []
        if self.enterprise is not None:
            chosen.append({self.enterprise})
        elif self.district is not None:
            named = Enterprise.objects.filter(district_id=self.district)
            chosen.append(set(named.values_list("pk", flat=True)))
        for user in (self.viewer, self.owner):
            if user is not None and not sees_all(user):
                chosen.append(set(reach(user).enterprise_ids))
        return sorted(set.intersection(*chosen))

    def _firm_records(self) -> float | None:
        """The firms' records in the window, both flows (what the unique key's ranges hold)."""
        firms = self.firms()
        if firms is None:
            return None
        return self._window_records(Dimension.ENTERPRISE, [str(pk) for pk in firms])

    def _partner_records(self) -> float:
        """The partners' records in the window, both flows (what (partner, period) holds)."""
        return self._window_records(Dimension.PARTNER, sorted(self.spec.partner_codes or ()))

    def _window_records(self, dimension: str, keys: list[str]) -> float:
        """The records of these keys of a city rollup dimension in the window, both flows."""
        rows = TradeRollup.objects.filter(dimension=dimension, key__in=keys, period__in=self.months)
        return float(rows.aggregate(n=Sum("rows"))["n"] or 0)
