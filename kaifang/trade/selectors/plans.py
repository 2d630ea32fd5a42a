"""The drill-down's plans and their costs: which index a page of the largest records is read
through, priced from the rollups' counts (each rollup row counts its records). `records.py`
builds the chosen plan's query; every plan gives the same rows in the same order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from kaifang.core.lib import request_memo
from kaifang.core.scope import effective_scope
from kaifang.trade.models import (
    STAGE_MODELS,
    Dimension,
    Flow,
    TradeRollup,
)
from kaifang.trade.selectors.base import (
    FIRM_KEYS,
    NONE_KEY,
    Keys,
    Query,
    Viewer,
    code_range,
    firms_named,
    flow_filter,
    keys_q,
    reach,
    sees_all,
)
from kaifang.trade.selectors.key_firms import (
    MAX_SEEK_FIRMS,
    TESTED_KEYS,
    KeyFirms,
    key_firms,
)
from kaifang.trade.selectors.summary import (
    STAGE_ORDER,
    RecordsSummary,
    drill_summary,
    stage_lookup,
)

# The drill-down lists the largest records first. Its page comes from one of these plans:
# - walk: read the value index downwards, keep the records that match, stop at the page.
#   It reads about `depth × records / matching` index entries (depth: the rows up to the
#   end of the page; records: the whole table, which the index covers; matching: the
#   drill-down's count), each a row fetched by its id. Bounded by the page when the
#   matching share is large (the city's year, a district's, a large partner's).
# - narrow: read the records of one index's range (the scope's enterprises through the
#   unique key's (enterprise, period) prefix; the key's partner, HS code or enterprise
#   index; the months' (period, flow) index), keep those that match, sort them and cut the
#   page. Bounded by that range's records, so right when it is small (one firm, a liaison
#   officer's handful, a small partner or HS heading) or the page is deep.
# SQLite keeps no statistics, so it weighs none of these (it sorted the city's year for an
# HS heading: 1.1 s); the rollups know every count (each rollup row counts its records),
# so the cheapest plan is chosen here and forced by putting every condition that plan does
# not read by its index into one CASE, which no index serves. Measured on the large set
# (docs/performance.md): a walked entry costs about 3 times a narrowed row (1.1–2.5 µs
# against 0.4–0.7 µs at 5.6 M records, with the narrow rows carrying only `SHOWN_FIELDS`;
# 5 times before, when every sorted row carried the firm's long texts). Since trade/0015 the
# value walk's entries are tested on its index and weigh 1 (`VALUE_WALK_ENTRY_COST`).
# - key walk (decision 0019): the same walk along a (key, value) index, within one partner,
#   trade mode or firm (`customs_record_partner_usd`, `_mode_usd`, `_firm_usd`): about
#   `depth × the key's records / matching` entries, so bounded by the page however deep when
#   the matching records are a large share of the key's, and unchanged when every record is
#   doubled. Only in US dollars (the indexes carry value_usd; the CNY order is not the same).
# - firms (a viewer who sees only named firms: a liaison officer's handful): a walk along the
#   (enterprise, value) index per firm finds the value of that firm's `depth`-th matching
#   record; the largest of those cuts is at or below the page's last value (that firm alone
#   has `depth` records at or above it), so the records at or above it hold the page. The
#   page then reads at most `firms × depth` rows through the same index's ranges: bounded by
#   the page, not by the firms' records (which neither planner merges in value order itself).
#   Within a key (a partner, an HS chapter or heading, a trade mode) those ranges hold the
#   firms' other records too, all of them at or above the cut: priced by each firm's dollar
#   value (`_page_entries`), so a key of small values among large ones seeks or narrows.
# - month cut (decision 0023): the same cut over the partial (period, flow, value) index, one
#   walk per flow of the month, for every viewer and key: each walk reads about
#   `depth × the month's records / matching` entries, the page about as many again. Bounded
#   by the page however many records a month holds, where the narrow plans read all the
#   scope's, key's or month's records (a district's month: 25,661 rows at 5.6 M records) and
#   the value walk all 36 months' entries. Only for one month (a run of months is a range
#   per month and flow: the value walk reads fewer), only in US dollars.
# - heading walk (decision 0025): the key walk for a four-digit HS heading (the hs4
#   breakdown's links), along the (heading, value) expression index: a heading is a range of
#   codes, which the (hs_code, …) indexes hold in code order, so the key plan read and sorted
#   the heading's whole span (a year of HS 8703 at 50.7 M records: 200–290 ms on PostgreSQL,
#   and 1.2–1.7× when the records double on SQLite). The heading is written as the index's
#   own expression (`Heading`), the other conditions as the walks write them.
WALK_ENTRY_COST = 3
# The value walk's own entries (SQLite, trade/0015): its two indexes carry every column the
# walk's conditions test, so SQLite tests an entry on the index and reads a record's row only
# when it matches (its deferred seek). At 5.6 M records a walked entry then took 0.1–0.44 µs
# (a district user's year of HS 84, page 20: about 80,000 entries in 35 ms, 216 ms before),
# as much as a narrowed row: it weighs 1. The key, heading and month indexes still read a row
# for every entry (3).
VALUE_WALK_ENTRY_COST = 1
# What SQLite's narrow plans cost beyond that (measured at 5.6 M records, session 24,
# docs/performance.md "The narrow plans' rows"):
# - a row of a partner's or HS range (key plan) is fetched out of table order through a
#   secondary index, as a walked entry is: 1.7–2.7 µs a row (HS 85's year: 225,437 rows in
#   602 ms), so it weighs what a walked entry weighs;
# - the scope plan reads the scope's firms through the unique key (enterprise, period, flow,
#   hs_code, partner_code, trade_mode), whose entries hold the keys' columns: SQLite tests the
#   keys and the flow there and reads only the matching rows (a district's year with HS 85,
#   282,508 entries, in 67–97 ms; a liaison officer's, 40,260, in 8–9 ms: 0.2–0.34 µs an
#   entry against 0.37–0.5 µs a row read and sorted), so an entry weighs 0.5 and the
#   matching rows 1. The district's year of HS 85 went from the key plan (602 ms for page 20)
#   to the scope's (67–97 ms); a liaison officer's HS heading from the key's 20–41 ms to 9.
KEY_ROW_COST = WALK_ENTRY_COST
SCOPE_TESTED_ENTRY_COST = 0.5
# - scope seek (SQLite, session 25): an HS key within a scope of listed firms (a liaison
#   officer's, a district's) is a range of the unique key's fourth column once the firm,
#   month and flow before it are equal: one seek per firm, month and flow reads only the
#   matching entries. The scope plan tests every record of the firms' months: a liaison
#   officer's year of HS 8471 read 40,260 entries for 71 rows (5.7 ms, 13.6 ms when his
#   records double); the seeks read 286 ranges (0.4 and 0.5 ms). A seek descends the
#   B-tree as a walked entry's fetch does, so it weighs a walked entry (`entry_cost`): of
#   the weightings tried on SQLite on 164 forced cases (3, 4 or 5 a seek; 1–1.5 a matching
#   row), 3 and 1 chose the plans closest to the best of each (decision 0028). PostgreSQL
#   gets it forced, with every condition plain, as the cuts.
WALK, SCOPE, KEY, MONTHS, FREE = "walk", "scope", "key", "months", "free"
SCOPE_SEEK = "scope seek"
KEY_WALK = "key walk"
FIRMS = "firms"
MONTH_CUT = "month cut"
HEADING_WALK = "heading walk"
# On PostgreSQL a walked entry costs less than a row of its own narrow plans (a bitmap scan of
# the scope's or month's records and a sort): a district user's month, page 20, at 50.7 M
# records: the month cut's ~9,600 entries in 7 ms, the scope's 231,000 rows in 230 ms; at
# 5.6 M its own plan took 140 ms for 25,661 rows. Weighed 1 to 1 (the walk's 3 is SQLite's),
# for the cuts' walks and the seeks, and from session 24 to 33 the value walks too: a
# district user's export year of HS 85, page 20, at 5.6 M was narrowed to the chapter's
# 225,437 rows (102–131 ms) where its own plan walks the value index (37–43 ms).
PG_CUT_ENTRY_COST = 1
# The value walk's own entries on PostgreSQL since trade/0016: the page's ids come from an
# index-only walk of the value index, which carries every column the walk tests
# (`drill_page`), about 0.3 µs an entry at 5.6 M records (a district user's year of HS 84,
# page 20: about 80,000 entries in 24 ms), against 0.5 µs a row of the key plan's bitmap and
# sort and 2.4 µs a row of the scope seek (that page's 70,112 rows in 164–181 ms, which
# weighing the entry 1 chose). Weighed 0.5: of the 69 benchmarked pages at 5.6 M records,
# 0.2–0.5 changed only that page's plan (to PostgreSQL's own, which walks).
PG_VALUE_WALK_ENTRY_COST = 0.5
MAX_FIRMS = 200  # one walk per firm: beyond a handful the scope's own plans do better
CUT_WALKS = 2  # the firms walked for the cut, those with the most matching value
# A firm's records lie close together in the table (imported month by month), so its walk
# fetches rows from few pages: about 0.3–1 µs an entry at 5.6 M records against the table
# walk's 5 and a narrowed row's 1 (measured as the liaison officers' pages, performance.md).
FIRM_WALK_ENTRY_COST = 0.5
# The firms plan's page reads the rows at or above the cut, each fetched by its id and tested:
# on SQLite 0.6–0.9 µs a row at 5.6 M records, twice a unit of the scope seek it competes
# with for an HS key (a liaison officer's year of HS 85: 12.8 ms for about 12,600 units, the
# seek 3.1 ms for 6,400), and more where a firm's records lie apart (4× by repetition: 26.5
# ms against the seek's 7.7). PostgreSQL weighs every row 1.
FIRM_PAGE_ROW_COST = 2
# The keys with a (key, value_usd) index, by their Keys name: the column it leads with.
KEY_VALUE_INDEXES = {"partner": "partner_code", "mode": "trade_mode", "enterprise": "enterprise_id"}


def walks(depth: int, matching: int, records: int) -> bool:
    """Whether walking the value index costs no more than narrowing to the matching records
    alone (the least any narrow plan reads): `depth × records / matching` entries, weighted,
    against `matching` rows."""
    return _walk_cost(depth, matching, records, WALK) <= matching


def _walk_cost(depth: int, matching: int, records: int, walk: str) -> float:
    if matching <= 0 or depth >= matching:
        return float("inf")
    return depth * records * entry_cost(walk) / matching


def entry_cost(walk: str = KEY_WALK) -> float:
    """A walked entry (or a seek) against a narrowed row: on SQLite 3, or 1 for the value
    walk, whose index holds what it tests; on PostgreSQL (whose narrow plans read by a
    bitmap and sort) 1, or 0.5 for the value walk, whose page ids it reads from the index
    alone."""
    if connection.vendor != "sqlite":
        return PG_VALUE_WALK_ENTRY_COST if walk == WALK else PG_CUT_ENTRY_COST
    return VALUE_WALK_ENTRY_COST if walk == WALK else WALK_ENTRY_COST


def drill_plan(
    *, viewer: Viewer, q: Query, span: str, keys: Keys, depth: int, matching: int
) -> str:
    """The plan for a page ending at row `depth` of `matching` records. On SQLite the
    cheapest from the rollups' counts: the walk's entries (of the value index, or of the key's
    (key, value) index) against the rows of each index's range. On PostgreSQL,
    whose planner has statistics, its own plan (it finds the (key, value) indexes itself),
    except the key index for an HS key or a partner key in yuan, which have none, the
    firms plan, month cut, heading walk and scope seek, which it does not find (it has no
    heading condition to match its index: the keys filter a heading as a code prefix; it
    read the city's heading for a liaison officer's firms rather than seek them), and the walk
    for a viewer of named firms, which it misprices (measured: its own plans were as fast or
    faster elsewhere)."""
    if connection.vendor != "sqlite" and _key_value_column(q, keys) is not None:
        # its own plan walks the key's (key, value) index, except where a liaison officer's
        # firms hold the page: it walked trade mode 10 for his year (27–50 ms at 5.6 M
        # records, where the firms plan takes 4–13)
        if (
            plan_firms(viewer, keys)
            and _cheapest(viewer=viewer, q=q, span=span, keys=keys, depth=depth, matching=matching)
            == FIRMS
        ):
            return FIRMS
        return FREE
    choice = _cheapest(viewer=viewer, q=q, span=span, keys=keys, depth=depth, matching=matching)
    if connection.vendor == "sqlite" or choice in (FIRMS, MONTH_CUT, HEADING_WALK, SCOPE_SEEK):
        return choice
    if choice == WALK and named_firms(viewer) is not None:
        # a liaison officer's few firms: PostgreSQL prices walking past the others' records
        # above sorting all of his, and sorted them (his year in yuan at 50.7 M records:
        # 218–338 ms against 54–82 ms walked, decision 0023); where its own plan reads fewer
        # (a partner within a district: `_own_scope_cost`) the model chose SCOPE, its own
        return WALK
    return choice if choice == KEY and not keys.enterprise else FREE


def _cheapest(*, viewer: Viewer, q: Query, span: str, keys: Keys, depth: int, matching: int) -> str:
    """Every narrow plan reads at least the matching rows, so a walk cheaper than that is
    chosen without asking for the other counts (the common case: a first page of many). The
    walk along a key's (key, value) index where there is one: the key's records are part of
    the table, so that walk reads fewer entries for the same page."""
    scoped = viewer is not None and not sees_all(viewer)
    walk, (walked, walked_usd) = WALK, _city_totals(Dimension.MODE)
    if _key_value_column(q, keys) is not None:
        walk, (walked, walked_usd) = KEY_WALK, _key_totals(keys)
    elif q.field == "value_usd" and (heading := heading_key(keys)) is not None:
        walk, (walked, walked_usd) = HEADING_WALK, _city_totals(Dimension.HS4, heading)
    skew = _value_skew(walked, walked_usd, drill_summary(viewer=viewer, q=q, span=span, keys=keys))
    costs = {walk: _walk_cost(depth, matching, int(walked), walk) * skew}
    firms = plan_firms(viewer, keys) if q.field == "value_usd" else None
    if firms:
        costs[FIRMS] = _firms_cost(firms, q, span, keys, depth, matching)
    month = None  # the month's records in the flow: what the month cut's ranges hold
    if q.field == "value_usd" and len(q.span_months(span)) == 1:
        month = _count(None, q, span, Keys())
        costs[MONTH_CUT] = _month_cut_cost(q, depth, matching, month)
    if min(costs.values()) <= matching:
        return min(costs, key=lambda name: costs[name])
    if keys.is_empty:  # the narrow plan's range is the matching records themselves
        costs[SCOPE if scoped else MONTHS] = float(matching)
        return min(costs, key=lambda name: costs[name])
    costs[MONTHS] = month if month is not None else _count(None, q, span, Keys())
    sqlite = connection.vendor == "sqlite"  # PostgreSQL's choices stay as measured there
    if scoped:
        costs[SCOPE] = _count(viewer, q, span, Keys())
        if sqlite and keys.params().keys() <= TESTED_KEYS:
            costs[SCOPE] = costs[SCOPE] * SCOPE_TESTED_ENTRY_COST + matching
        elif not sqlite and named_firms(viewer) is not None:
            costs[SCOPE] = _own_scope_cost(viewer, q, span, keys, matching, costs[SCOPE])
    if firm_among(keys) is not None:
        costs[KEY] = _firm_cost(q, span, keys)
    elif key_index(keys) is not None:
        scattered = sqlite and keys.params().keys() <= {"partner", "hs"}  # not a firm's
        in_key = _count(None, q, span, keys)
        costs[KEY] = in_key * (KEY_ROW_COST if scattered else 1)
        if sqlite and keys.hs and keys.hs != NONE_KEY:  # its range's entries of every month
            costs[KEY] += _code_records(keys.hs, in_key) * SCOPE_TESTED_ENTRY_COST
    if seeking := seek_firms(viewer, keys):
        seeks = len(seeking) * len(q.span_months(span)) * len(month_flows(q))
        # its rows fetched out of order through the unique key, as the key plan's through
        # its index (decision 0028's amendment)
        costs[SCOPE_SEEK] = seeks * entry_cost() + matching * (KEY_ROW_COST if sqlite else 1)
    return min(costs, key=lambda name: costs[name])


def count_plan(
    *, viewer: Viewer, q: Query, span: str, keys: Keys, read: Sequence[dt.date] | None = None
) -> str:
    """The plan that counts and sums a drill-down the rollups cannot (`records.drill_totals`):
    on SQLite, for a scoped viewer and trade keys of the unique key's columns, his firms'
    records through the unique key with the keys tested on its entries (SCOPE) when they are
    fewer, weighed so, than the rows of the most selective key's own index, which SQLite
    otherwise reads across the city and joins to the firm (a liaison officer's year of
    partner 116 within HS 29 at 11.3 M records: 150 → 14 ms of CPU; a district user's of
    partner 502 within 一般贸易 186 → 81 ms); with an HS chapter or heading, the firms that
    hold every key (`key_firms`, priced by their records in the HS key's range: `read`, the
    months the caller reads, defaults to the span's). Otherwise, and on PostgreSQL, its own
    (FREE). With an enterprise key beside others, on SQLite, the firm's records through the
    unique key (KEY) when they are fewer than each other key's (`firm_among`)."""
    given = keys.params().keys()
    if connection.vendor == "sqlite" and firm_among(keys) is not None:
        others = [name for name in given if name in TESTED_KEYS]
        fewest = min(
            (_count(None, q, span, Keys(**{name: getattr(keys, name)})) for name in others),
            default=float("inf"),
        )
        return KEY if _firm_cost(q, span, keys) <= fewest else FREE
    if connection.vendor != "sqlite" or viewer is None or sees_all(viewer):
        return FREE
    if not given or not given <= TESTED_KEYS:
        return FREE
    in_key = min(_count(None, q, span, Keys(**{name: getattr(keys, name)})) for name in given)
    scope = scope_price(viewer=viewer, q=q, span=span, keys=keys, read=read)
    return SCOPE if scope < in_key * KEY_ROW_COST else FREE


def scope_price(
    *, viewer: Viewer, q: Query, span: str, keys: Keys, read: Sequence[dt.date] | None = None
) -> float:
    """The price of SCOPE over the span's months: every record of the scoped viewer's firms
    tested, or the seeks of the firms that hold every key (`key_firms`), whichever is less."""
    scope = _count(viewer, q, span, Keys()) * SCOPE_TESTED_ENTRY_COST
    found = key_firms(viewer, read or q.span_months(span), keys)
    if found is not None:  # priced over the span's months, as the counts are
        scope = min(scope, key_firms_cost(found) * len(q.span_months(span)) / found.months)
    return scope


def key_firms_cost(found: KeyFirms) -> float:
    """The scope plan over the firms that hold every key: a seek per firm, month and flow for
    the range of the HS key's codes (as the scope seek's), the entries in it tested."""
    seeks = len(found.firms) * found.months * len(Flow.values)
    return seeks * entry_cost() + found.hs_rows * SCOPE_TESTED_ENTRY_COST


# The trade keys PostgreSQL tests on the unique key's entries (equalities on its columns); an
# HS prefix is a LIKE, which it tests on the row.
PG_TESTED_KEYS = frozenset({"partner", "group", "mode"})


def _own_scope_cost(
    viewer: Viewer, q: Query, span: str, keys: Keys, matching: int, scope: float
) -> float:
    """What SCOPE becomes on PostgreSQL for a viewer of named firms (its own plan, FREE), with
    a partner, group or trade mode among the keys: it reads only the firms a district, park,
    industry or enterprise key names (their join, or the unique key's first column), their
    months' entries of the unique key, tests the trade keys there and fetches and sorts the
    matching rows alone, as SQLite's scope plan does (`SCOPE_TESTED_ENTRY_COST`). Priced at
    all of the viewer's records instead (`scope`), it lost to the walk of the value index,
    whose every entry PostgreSQL joins to its firm to test the gate and the firm keys: liaison1's
    year within partner 116 and a park or district or within partner 138 and its group, at
    5.6 M records, walked 29,000–45,000 entries for 27–43 ms of query where its own plan took
    2–8 ms (docs/performance.md, session 41). Never above `scope`, the price before (where
    the keys match most of the firms' records); other keys: `scope`."""
    given = keys.params().keys()
    trade = given - FIRM_KEYS - {"enterprise"}
    if not trade or not trade <= PG_TESTED_KEYS:
        return scope
    firms = Keys(**{name: value for name, value in keys.params().items() if name not in trade})
    return min(scope, _count(viewer, q, span, firms) * SCOPE_TESTED_ENTRY_COST + matching)


def seek_firms(viewer: Viewer, keys: Keys) -> list[int] | None:
    """The firms a scope seek reads: a scoped viewer's (what the gate lets through, from
    `reach`), when an HS key is the only key and they are few enough for a list; None
    otherwise (the city's firms are the leader's: the HS key's own index serves him)."""
    if viewer is None or sees_all(viewer) or keys.params().keys() != {"hs"}:
        return None
    firms = sorted(reach(viewer).enterprise_ids)
    return firms if 0 < len(firms) <= MAX_SEEK_FIRMS else None


def month_flows(q: Query) -> tuple[str, ...]:
    return tuple(Flow.values) if q.flow == "total" else (q.flow,)


def _month_cut_cost(q: Query, depth: int, matching: int, month: float) -> float:
    """The month cut: a walk per flow for its cut, about `depth × the flow's records / its
    matching records` entries each (the matching taken as spread like the records), at
    most the flow's records; then the page reads about as many at or above the cut."""
    if matching <= depth:  # no cut: the month's records, sorted
        return float("inf")
    walked = min(len(month_flows(q)) * depth * month / matching, month)
    return 2 * walked * entry_cost()


def named_firms(viewer: Viewer) -> list[int] | None:
    """The firms of a viewer who sees only named firms (no unit, not all: a liaison officer),
    when few enough for a walk each; None otherwise."""
    if viewer is None:
        return None
    scope = effective_scope(viewer)
    if scope.sees_all or scope.unit_ids:
        return None
    firms = sorted(reach(viewer).owner_only_ids)
    return firms if 0 < len(firms) <= MAX_FIRMS else None


PARTNER_KEYS = frozenset({"partner", "group"})


def _counted(keys: Keys) -> bool:
    """Whether the rollups count each firm's records matching `keys`: none, firm keys (they
    choose firms, so a firm's records match them whole: the enterprise rollup), one partner
    or partner group (the partner stage), one trade mode or one HS chapter or heading (the
    product stage: a heading is the code's first four digits, "" where it is missing)."""
    given = keys.params().keys()
    if given <= FIRM_KEYS:
        return True
    if len(given) != 1:
        return False
    if given <= PARTNER_KEYS or given == {"mode"}:
        return True
    return given == {"hs"} and (
        keys.hs == NONE_KEY or (len(keys.hs) in (2, 4) and keys.hs.isdigit())
    )


def _one_firm(keys: Keys) -> list[int] | None:
    """The firm of an enterprise key beside one trade key the stages count per firm (a
    partner or group, a trade mode, an HS chapter or heading): a firms plan of that firm
    alone, for any viewer. The leader's year of the largest firm within partner 143 walked
    the city's value index past 700,000 entries for its 50 rows (215 ms of CPU at 5.6 M
    records, session 41). The walk for its cut reads the firm's records regardless of the
    viewer's scope; the page keeps the gate, so a firm outside it gives an empty page."""
    rest = keys.with_key("enterprise", "")
    if not keys.enterprise or rest.is_empty or rest.params().keys() & FIRM_KEYS:
        return None
    return [int(keys.enterprise)] if _counted(rest) else None


def plan_firms(viewer: Viewer, keys: Keys) -> list[int] | None:
    """The firms whose records a firms plan reads: the firm of an enterprise key beside one
    counted trade key (`_one_firm`); the viewer's named firms, within a district, park or
    industry key those of them it names; None with keys whose per-firm counts no rollup
    holds (an HS code of six or more digits, two record keys)."""
    if (one := _one_firm(keys)) is not None:
        return one
    firms = named_firms(viewer)
    if firms is None or not _counted(keys):
        return None
    if not keys.params().keys() & FIRM_KEYS:
        return firms
    named = {int(pk) for pk in firms_named(viewer, keys)}
    return [pk for pk in firms if pk in named]


def _firms_cost(
    firms: list[int], q: Query, span: str, keys: Keys, depth: int, matching: int
) -> float:
    """The firms plan: each walk for the cut reads about `depth × the firm's records / its
    matching records` entries (at most its records), then the page reads every record of
    the firms at or above the cut (`_page_entries`). Each firm's counts come from the
    rollups, so a firm with few matching records (a small partner's share of it) is priced
    at all its records, as its walk reads them."""
    counts = _firm_counts(firms, q, q.span_months(span), keys)
    deep = _cut_firms(counts, depth)
    if matching <= 0 or not deep:  # no cut: the scope's plan reads the same records
        return float("inf")

    def walked(pk: int) -> float:
        records = counts.records.get(pk, 0)
        return min(depth * records / counts.matching[pk], records)

    entries = sum(walked(pk) for pk in deep)
    page = _page_entries(firms, counts, deep[0], walked(deep[0]))
    return entries * FIRM_WALK_ENTRY_COST + page * (
        FIRM_PAGE_ROW_COST if connection.vendor == "sqlite" else 1
    )


def _page_entries(firms: list[int], counts: FirmCounts, cut_firm: int, above: float) -> float:
    """The records of the firms at or above the cut, which the page reads through their
    (enterprise, value) ranges whether they match or not: the cut firm's `above` (its walk),
    and each other firm's in proportion to its dollar value in every month (at most its
    records). Where the key holds a small share of the firms' value (an HS chapter among
    other goods, a minor trade mode) the cut lies low in the others' records: a liaison
    officer's year of HS 85, 1,860 matching records, read 15,397 at or above the first
    page's cut (estimated 10,765; the rows matching alone, as before, 650). Measured on the
    large city's liaison officers (docs/performance.md): within 0.5–2.6× of the records
    read, where scaling by the firms' records instead missed by up to 5×."""
    scale = counts.values_all.get(cut_firm, Decimal(0))
    if scale <= 0:
        return float(sum(counts.records.get(pk, 0) for pk in firms))
    return sum(
        min(
            float(counts.records.get(pk, 0)),
            above * float(counts.values_all.get(pk, Decimal(0)) / scale),
        )
        for pk in firms
    )


@dataclass(frozen=True)
class FirmCounts:
    """Records per firm in every month and flow (what its (enterprise, value) index holds)
    and those matching the months, flow and key, from the rollups."""

    records: dict[int, int]
    values_all: dict[int, Decimal]  # the dollar value of those records
    matching: dict[int, int]
    values: dict[int, Decimal]  # the matching records' dollar value


def _firm_counts(firms: list[int], q: Query, months: list[dt.date], keys: Keys) -> FirmCounts:
    """Read once per request: the plan's cost and the cut both ask."""
    key = ("trade.firm_counts", tuple(firms), tuple(months), q.flow, keys)
    return request_memo.memo(key, lambda: _read_firm_counts(firms, q, months, keys))


def _read_firm_counts(firms: list[int], q: Query, months: list[dt.date], keys: Keys) -> FirmCounts:
    rollup = TradeRollup.objects.filter(
        dimension=Dimension.ENTERPRISE, key__in=[str(pk) for pk in firms]
    )
    every = rollup.values("key").annotate(n=Sum("rows"), v=Sum("value_usd"))
    totals = list(every.values_list("key", "n", "v"))
    stage = _firms_stage(firms, keys)
    if stage is None:  # no key, or firm keys: the enterprise rollup itself
        stage, firm = rollup, "key"
    else:
        firm = "enterprise_id"
    in_span = flow_filter(stage.filter(period__in=months), q.flow).values(firm)
    sums = in_span.annotate(n=Sum("rows"), v=Sum("value_usd"))
    triples = list(sums.values_list(firm, "n", "v"))
    return FirmCounts(
        records={int(pk): int(n or 0) for pk, n, _ in totals},
        values_all={int(pk): Decimal(v or 0) for pk, _, v in totals},
        matching={int(pk): int(n or 0) for pk, n, _ in triples},
        values={int(pk): Decimal(v or 0) for pk, _, v in triples},
    )


def _firms_stage(firms: list[int], keys: Keys) -> QuerySet[Any] | None:
    """The firms' rows of the smallest stage that holds the one trade key (a partner, group,
    trade mode, HS chapter or heading: `summary.stage_lookup`); None for keys on firms alone.
    An HS prefix is also asked as a range of the stage's column, which its key can read (a
    LIKE it cannot): PostgreSQL fetched each of the firms' rows of the months from the heap to
    test it (a liaison officer's year of HS 85 at 50.7 M records: 49,311 rows on 41,698 pages,
    93 ms, for 3,231 in the chapter; with the range 24 ms from the key)."""
    trade = keys.params().keys() - FIRM_KEYS - {"enterprise"}
    found = stage_lookup(keys, STAGE_ORDER) if trade else None
    if found is None:
        return None
    stage, lookup = found
    rows: QuerySet[Any] = STAGE_MODELS[stage].objects.filter(enterprise_id__in=firms)
    return rows.filter(**lookup)


def _cut_firms(counts: FirmCounts, depth: int) -> list[int]:
    """The firms whose walks give the cut: of those with at least `depth` matching records
    (a firm with fewer has no `depth`-th), the CUT_WALKS with the most matching value. Any
    one firm's `depth`-th value is a valid cut (that firm alone has `depth` records at or
    above it), the largest the tightest, and the firm with the most value nearly always
    has it: a walk per firm for all of them was most of the page when each firm's walk was
    long (a liaison officer's page 20 within 一带一路, 12 firms, 300 ms on PostgreSQL at
    11.3 M records, where the largest firm's walk gave the same cut in 8 ms)."""
    deep = [pk for pk, found in counts.matching.items() if found >= depth]
    deep.sort(key=lambda pk: (-counts.values.get(pk, Decimal(0)), pk))
    return deep[:CUT_WALKS]


def walked_firms(
    firms: list[int], q: Query, months: list[dt.date], keys: Keys, depth: int
) -> list[int]:
    """The firms whose walk gives the cut (`_cut_firms`, from the rollups' counts); with keys
    whose counts no rollup holds (the plan forced), all of them. The rollups only spare
    walks: were they stale, a firm left out would only lower the cut, and the page stays
    right."""
    if not _counted(keys):
        return firms
    return _cut_firms(_firm_counts(firms, q, months, keys), depth)


def _count(viewer: Viewer, q: Query, span: str, keys: Keys) -> float:
    summary = drill_summary(viewer=viewer, q=q, span=span, keys=keys)
    return float("inf") if summary is None else float(summary.count)


# The walks' skew: how much larger the walked records are, on average, than the matching
# ones, bounded so that a few odd records cannot decide alone.
MAX_SKEW = 8.0


def _value_skew(walked: float, walked_usd: Decimal, summary: RecordsSummary | None) -> float:
    """The walk's entries per matching record scale with how the matching records' values
    lie among the walked ones: a walk stops at the `depth`-th matching record in value order,
    so where they are smaller on average than the index's records (a liaison officer's small
    firms within a trade mode of large ones) it passes more of the others first, where they
    are larger (his main trade mode) fewer. Measured at 5.6 M records: the records a key walk
    read against `depth × key records / matching` were 0.16–3.7×, and the ratio of the average
    values 0.27–2.75× the same way (docs/performance.md "Session 29"). 1 where either average
    is unknown."""
    if summary is None or summary.count <= 0 or summary.usd <= 0:
        return 1.0
    if walked <= 0 or walked_usd <= 0:
        return 1.0
    ratio = float(walked_usd / Decimal(walked)) / float(summary.usd / summary.count)
    return min(max(ratio, 1 / MAX_SKEW), MAX_SKEW)


def has_key_value_index(q: Query, keys: Keys) -> bool:
    """Whether the page's one key has a (key, value) index that orders its records."""
    return _key_value_column(q, keys) is not None


def _key_value_column(q: Query, keys: Keys) -> str | None:
    """The column of the one key whose (key, value_usd) index orders its records by the
    page's value, or None (no such key, more than one key, or the page in yuan)."""
    given = keys.params()
    if q.field != "value_usd" or len(given) != 1:
        return None
    return KEY_VALUE_INDEXES.get(next(iter(given)))


def _key_totals(keys: Keys) -> tuple[float, Decimal]:
    """The records of the key in every month and both flows, which its (key, value) index
    holds, and their dollar value: the city's rollup rows of that key (the enterprise rollup
    for a firm)."""
    ((name, value),) = keys.params().items()
    dimension = {"partner": Dimension.PARTNER, "mode": Dimension.MODE}.get(
        name, Dimension.ENTERPRISE
    )
    return _city_totals(dimension, "" if value == NONE_KEY else value)


def _city_totals(dimension: str, key: str | None = None) -> tuple[float, Decimal]:
    """The records of one key of a city rollup dimension (every key: the whole table), every
    month and both flows, and their dollar value."""
    rows = TradeRollup.objects.filter(dimension=dimension)
    if key is not None:
        rows = rows.filter(key=key)
    found = rows.aggregate(n=Sum("rows"), usd=Sum("value_usd"))
    return float(found["n"] or 0), Decimal(found["usd"] or 0)


def _city_rows(dimension: str, key: str) -> float:
    """The records of one key of a city rollup dimension, every month and both flows."""
    return _city_totals(dimension, key)[0]


def heading_key(keys: Keys) -> str | None:
    """The four-digit HS heading when it is the only key (the heading walk's), else None."""
    given = keys.params()
    hs = given.get("hs", "")
    return hs if len(given) == 1 and len(hs) == 4 and hs.isdigit() else None


def _code_records(code: str, in_span: float) -> float:
    """The index entries the key plan reads for an HS chapter or heading on SQLite: the
    codes' range of (hs_code, period) in every month, whose months it tests on the entries
    (`_planned`), from the rollup's rows of every month. A month of HS 8471 was priced at its
    1,046 rows fetched and read 37,000 entries besides (8 ms at 5.6 M records, session 25).
    Other lengths have no rollup (nor a count: no plan is chosen for them)."""
    dimension = {2: Dimension.HS2, 4: Dimension.HS4}.get(len(code))
    return in_span if dimension is None else _city_rows(dimension, code)


def key_index(keys: Keys) -> Q | None:
    """The one key with an index of its own, as conditions that index serves (with the
    months' range): a partner, an HS prefix as a range of codes (SQLite's LIKE is no
    range), an enterprise (the unique key), also beside other keys (`firm_among`); None for
    other keys or more than one."""
    if (firm := firm_among(keys)) is not None:
        return Q(enterprise_id=firm)
    given = keys.params()
    if len(given) != 1 or (given.keys() - {"partner", "hs", "enterprise"}):
        return None
    ((name, value),) = given.items()
    if value == NONE_KEY or name == "enterprise":
        return keys_q(keys)
    if name == "partner":
        return Q(partner_code=value)
    low, high = code_range(value)  # digits only (Keys checks): "8471" is ["8471", "8472")
    by_range = Q(hs_code__gte=low)
    return by_range if high is None else by_range & Q(hs_code__lt=high)


def firm_among(keys: Keys) -> int | None:
    """The firm of an enterprise key beside other keys, whose records the unique key
    (enterprise, period, …) holds together: the key plan reads them all and tests the
    others. The leader's year of one firm within partner 143 and HS 84 (76 of its 2,991
    records) walked the city's value index past most of the year's records: 379 ms of SQL
    at 5.6 M records, and its count read partner 143's records: 80 ms (session 48)."""
    given = keys.params()
    if len(given) < 2 or not keys.enterprise.isdigit():
        return None
    return int(keys.enterprise)


def _firm_cost(q: Query, span: str, keys: Keys) -> float:
    """The firm's records in the span (`firm_among`), each read and fetched."""
    return _count(None, q, span, Keys(enterprise=keys.enterprise))


def table_records() -> int:
    """The number of customs records, from the trade-mode rollup (every record has a row
    there, the empty mode included): about a thousand rows summed."""
    rows = TradeRollup.objects.filter(dimension=Dimension.MODE).aggregate(n=Sum("rows"))["n"]
    return int(rows or 0)
