"""Drill-down: the customs records a figure sums. Always read from the facts through the
scope gate with the same key filter the breakdowns use, so the footer total equals the
figure that linked here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from kaifang.core.lib import local_cache
from kaifang.core.scope import effective_scope, scope_q
from kaifang.enterprises.models import Enterprise
from kaifang.trade.models import CustomsRecord, Heading
from kaifang.trade.selectors.base import (
    FIRM_KEYS,
    KEPT_SECONDS,
    NONE_KEY,
    SPANS,
    Keys,
    Query,
    Viewer,
    apply_keys,
    drill_cache_key,
    facts,
    hidden_in_case,
    keys_q,
)
from kaifang.trade.selectors.key_firms import scope_facts
from kaifang.trade.selectors.plans import (
    FIRMS,
    FREE,
    HEADING_WALK,
    KEY,
    KEY_VALUE_INDEXES,
    KEY_WALK,
    MONTH_CUT,
    MONTHS,
    SCOPE,
    SCOPE_SEEK,
    WALK,
    count_plan,
    drill_plan,
    firm_among,
    has_key_value_index,
    heading_key,
    key_index,
    month_flows,
    named_firms,
    plan_firms,
    seek_firms,
    walked_firms,
)
from kaifang.trade.selectors.summary import RecordsSummary, drill_summary, records_summary

# What the page, its export and the API show of a record and its firm. A narrow plan sorts
# whole result rows, so the firm's long text columns (its search text, problems, plans) in
# every sorted row cost more than the sort itself: a district user's month, 25,661 rows,
# 59 → 16 ms at 5.6 M records (and a walk's page 44 → 11 ms: fewer columns fetched).
SHOWN_FIELDS = (
    "period",
    "flow",
    "hs_code",
    "partner_code",
    "trade_mode",
    "value_usd",
    "value_cny",
    "enterprise__name",
    "enterprise__uscc",
    "enterprise__customs_code",
)


def drill_records(
    *,
    viewer: Viewer,
    q: Query,
    span: str,
    keys: Keys,
    depth: int | None = None,
    matching: int | None = None,
    plan: str | None = None,
) -> QuerySet[CustomsRecord]:
    """The records of a figure, largest first (ties by month, then id). `depth` is how many
    rows from the top the caller reads (the end of its page; None: all of them, as the
    export does, and the planner's own choice stays), `matching` the drill-down's count
    when the caller has it (otherwise read from the rollups where they can answer). The
    plan follows from both, the table's size and the rollups' counts (`drill_plan`);
    `plan` forces one (tests, bench). Every plan gives the same rows in the same order."""
    if span not in SPANS:
        raise ValueError(f"unknown span {span!r}")
    if plan is None:
        plan = FREE
        if depth is not None and matching is None:
            summary = drill_summary(viewer=viewer, q=q, span=span, keys=keys)
            matching = summary.count if summary is not None else None
        if depth is not None and matching is not None:
            plan = drill_plan(
                viewer=viewer, q=q, span=span, keys=keys, depth=depth, matching=matching
            )
    qs = _planned(viewer, q, q.span_months(span), keys, plan, depth)
    shown = qs.select_related("enterprise").only(*SHOWN_FIELDS)
    if plan == SCOPE_SEEK and connection.vendor != "sqlite":
        # The seek's rows are found by their keys and sorted; ordered by the plain column,
        # PostgreSQL may instead walk the value index for a first page, expecting the
        # matching records spread evenly along it (a liaison officer's year of HS 84 at
        # 11.3 M records: 876 ms, 14 ms sorted). The same order by an expression no index
        # holds (a missing value stays missing: first, as the column's descending order).
        value = ExpressionWrapper(F(q.field) + 0, output_field=DecimalField())
        return shown.alias(drill_value=value).order_by("-drill_value", "period", "id")
    return shown.order_by(f"-{q.field}", "period", "id")


def drill_totals(*, viewer: Viewer, q: Query, span: str, keys: Keys) -> RecordsSummary:
    """A drill-down's count and totals: from the rollups where they answer (`drill_summary`,
    itself kept), else one aggregate over its records read through `count_plan`'s index
    (the page, its export and the API count alike), kept per rollup version, scope, month,
    flow, span and keys like a breakdown: a liaison officer's year within partner 116, HS 29
    and district 10 aggregated 80 ms of records on every view of each page (session 49)."""
    found = drill_summary(viewer=viewer, q=q, span=span, keys=keys)
    if found is not None:
        return found

    def counted() -> RecordsSummary:
        plan = count_plan(viewer=viewer, q=q, span=span, keys=keys)
        return records_summary(drill_records(viewer=viewer, q=q, span=span, keys=keys, plan=plan))

    key = drill_cache_key("trade:drill-totals", viewer, q, span, keys)
    return local_cache.versioned(key, counted, KEPT_SECONDS)


def drill_page(
    records: QuerySet[CustomsRecord], bottom: int, top: int, *, q: Query, keys: Keys
) -> list[CustomsRecord]:
    """Rows `bottom` to `top` of `drill_records`' records for `q` and `keys`. On PostgreSQL,
    unless the key has its own (key, value) index, in two steps: the page's ids, then those
    records by id (the same scoped query), in the ids' order. For its ids alone a walk of a
    value index is an index-only scan (migration 0016: the index carries every column the
    walk tests and the id), where the page's query read the row of every entry it passed: a
    district user's year of HS 84, page 20, at 11.3 M records 164 → 50 ms. A key with its
    own index keeps one query: for the ids alone PostgreSQL walked the covering value index
    instead of the key's (a district's month of partner 344: 23 → 130 ms). SQLite's walk
    already tests its entries on the index (migration 0015): one query. A record gone
    between the two steps (an import committed) is left out of the page."""
    if connection.vendor != "postgresql" or has_key_value_index(q, keys):
        return list(records[bottom:top])
    ids = list(records.values_list("id", flat=True)[bottom:top])
    if not ids:
        return []
    found = {r.pk: r for r in records.filter(pk__in=ids).order_by()}
    return [found[pk] for pk in ids if pk in found]


def _planned(
    viewer: Viewer, q: Query, months: list[dt.date], keys: Keys, plan: str, depth: int | None
) -> QuerySet[CustomsRecord]:
    """The drill-down's records with the conditions `plan` does not read by an index inside
    one CASE (no index serves it), so that SQLite (and PostgreSQL) can take only the
    intended index: none but the value index of the ORDER BY for the walk. The conditions
    are always all of them: the scope gate's own condition for customs records (`scope_q`,
    what `visible_to` filters by), the keys (`keys_q`, what `apply_keys` filters by), the
    months and the flow."""
    in_range = Q(period__gte=months[0], period__lte=months[-1])  # one month or a run
    flow = Q() if q.flow == "total" else Q(flow=q.flow)
    if plan == FREE:  # everything visible: SQLite's own choice (the export, the aggregate)
        return apply_keys(facts(viewer), keys).filter(in_range & flow)
    if plan == SCOPE:
        return hidden_in_case(
            scope_facts(viewer, months, keys).filter(in_range), keys_q(keys) & flow
        )
    gate = None if viewer is None else scope_q(CustomsRecord, effective_scope(viewer))
    if plan == SCOPE_SEEK:
        firms = seek_firms(viewer, keys)
        by_key = key_index(keys)
        if firms is None or by_key is None or gate is None:
            raise ValueError(f"no scope seek for {keys!r} and this viewer")
        # the unique key's (enterprise, period, flow) equal and the codes' range; on SQLite
        # the firms as a list and the gate in a CASE, so that no other index (a district's
        # join) can serve it
        months_q = Q(period__in=months, flow__in=month_flows(q)) & by_key
        if connection.vendor == "sqlite":
            qs = CustomsRecord.objects.filter(Q(enterprise_id__in=firms) & months_q)
            return hidden_in_case(qs, gate)
        # PostgreSQL: the gate plain (it prices a CASE at 0.5 % of the rows) and the firms
        # through its join alone. A list of them beside the join's `enterprise_id =
        # enterprise.id` is a second condition on the column, which it multiplied into an
        # estimate of one row per firm; it then tested the months and flows on every entry of
        # the firm's range: a liaison officer's year of HS 8471 at 50.7 M records 62 ms, 4.5
        # without the list (his export year of HS 85, page 20: 93 → 16 ms)
        return CustomsRecord.objects.filter(months_q & gate)
    hidden = keys_q(keys) & flow & Q(period__in=months)
    if gate is not None:
        hidden &= gate
    qs = CustomsRecord.objects.all()
    if plan == KEY:
        by_key = key_index(keys)
        if by_key is None:
            raise ValueError(f"no key index for {keys!r}")
        if (
            keys.hs
            and keys.hs != NONE_KEY
            and connection.vendor == "sqlite"
            and not firm_among(keys)
        ):
            # A range of codes: the months cannot follow it in the (hs_code, period) seek
            # anyway (SQLite tests them on the index entries), and beside it the months'
            # range is as good a range to SQLite, which then takes whichever of the two
            # indexes was created last (the months' after a rebuild of that index: 85 ms →
            # 2.3 s). A CASE of their own keeps them off every index. Not on PostgreSQL: it
            # estimates each CASE at 0.5 % of the rows and two of them at one row, then joins
            # the enterprises by a nested loop (88 ms → 1.8 s).
            qs = hidden_in_case(qs.filter(by_key), in_range, "drill_months")
        else:
            qs = qs.filter(by_key & in_range)
    elif plan == KEY_WALK:  # the key alone, equal: its (key, value) index in value order
        given = keys.params()
        if len(given) != 1 or not given.keys() <= KEY_VALUE_INDEXES.keys():
            raise ValueError(f"no (key, value) index for {keys!r}")
        qs = qs.filter(keys_q(keys))
    elif plan == HEADING_WALK:  # the heading equal: its (heading, value) index in value order
        heading = heading_key(keys)
        if heading is None:
            raise ValueError(f"no (heading, value) index for {keys!r}")
        qs = qs.alias(heading=Heading("hs_code")).filter(heading=heading)
        if connection.vendor != "sqlite":
            # every condition plain: PostgreSQL prices a CASE at 0.5 % of the rows, and then
            # read the heading's records by a bitmap and sorted them (the leader's HS 8471
            # page 20 at 50.7 M records: 605 ms against 8 ms walked)
            return qs.filter(in_range & flow & (Q() if gate is None else gate))
        hidden = flow & Q(period__in=months)  # not the keys: the heading is all of them
        if gate is not None:
            hidden &= gate
    elif plan == MONTHS:
        qs = qs.filter(in_range & flow)
    elif plan == FIRMS:
        chosen = plan_firms(viewer, keys)
        firms = chosen if chosen is not None else named_firms(viewer)
        if firms is None or depth is None:
            raise ValueError("the firms plan needs named firms (a viewer's, a key's) and a depth")
        within = bool(keys.params()) and keys.params().keys() <= FIRM_KEYS  # its firms only
        qs = qs.filter(enterprise_id__in=firms)
        # the cut's walks need not pass the gate (every record of these firms is visible)
        # nor a firm key (every record of the firms it names matches it)
        walked = walked_firms(firms, q, months, keys, depth)
        condition = (Q() if within else keys_q(keys)) & flow & Q(period__in=months)
        cut = _firms_cut(walked, condition, depth)
        if cut is not None:
            qs = qs.filter(_at_or_above(cut))
    elif plan == MONTH_CUT:
        if len(months) != 1 or depth is None:
            raise ValueError("the month cut needs one month and a depth")
        flows = month_flows(q)
        condition = keys_q(keys) if gate is None else keys_q(keys) & gate
        cut = _month_cut(months[0], flows, condition, depth)
        qs = qs.filter(period=months[0], flow__in=flows)
        if cut is not None:  # else the month's records, a dollar value or none, sorted
            qs = qs.filter(_at_or_above(cut))
    elif plan != WALK:
        raise ValueError(f"unknown plan {plan!r}")
    return hidden_in_case(qs, hidden)


def _at_or_above(cut: Decimal) -> Q:
    """The records a cut keeps: a dollar value at or above it, and on PostgreSQL those
    without one, which it lists first in a descending order (SQLite lists them last, after
    the cut)."""
    if connection.vendor == "sqlite":
        return Q(value_usd__gte=cut)
    return Q(value_usd__gte=cut) | Q(value_usd__isnull=True)


def _month_cut(month: dt.date, flows: tuple[str, ...], condition: Q, depth: int) -> Decimal | None:
    """The largest of each flow's `depth`-th matching dollar value in the month (a walk of
    the partial (period, flow, value) index each), or None when no flow has that many
    (records without a dollar value: `_at_or_above`). SQLite walks only with the other
    conditions in a CASE (as `_firms_cut`)."""
    found = []
    for flow in flows:
        walk = CustomsRecord.objects.filter(period=month, flow=flow, value_usd__isnull=False)
        walk = (
            hidden_in_case(walk, condition)
            if connection.vendor == "sqlite"
            else walk.filter(condition)
        )
        nth = walk.order_by("-value_usd").values_list("value_usd", flat=True)[depth - 1 : depth]
        found += [value for value in nth if value is not None]
    return max(found) if found else None


def _firms_cut(firms: list[int], condition: Q, depth: int) -> Decimal | None:
    """The largest of the firms' `depth`-th matching values (a walk of the (enterprise,
    value) index each), or None when no firm has that many matching records. SQLite walks
    that index only with the other conditions in a CASE (else it takes the unique key's
    (enterprise, period) range and sorts), all firms in one query. PostgreSQL walks only
    without one (it prices a CASE at 0.5 % of the rows, so it read all the firm's records
    and sorted them: 244 ms against 22 ms for the liaison officer's page 20 at 50.7 M
    records), and only with the firm written out, a query each: for a firm of the outer
    query it estimates an average firm's records, and for a page 20 read each firm's year
    through the unique key and sorted it (80–85 ms for the largest at 11.3 M records, 8
    walked)."""
    if not firms:
        return None
    if connection.vendor != "sqlite":
        cuts: list[Decimal] = []
        for pk in firms:
            walk = CustomsRecord.objects.filter(condition, enterprise_id=pk).order_by("-value_usd")
            nths = walk.values_list("value_usd", flat=True)[depth - 1 : depth]
            cuts += [cut for cut in nths if cut is not None]
        return max(cuts) if cuts else None
    walk = hidden_in_case(CustomsRecord.objects.filter(enterprise_id=OuterRef("pk")), condition)
    nth = walk.order_by("-value_usd").values("value_usd")[depth - 1 : depth]
    values = (
        Enterprise.objects.filter(pk__in=firms)
        .order_by()
        .annotate(cut=Subquery(nth))
        .values_list("cut", flat=True)
    )
    found = [cut for cut in values if cut is not None]
    return max(found) if found else None
