"""The drill-down's count and totals: from the rollups where one dimension selects its
records (`drill_summary`), else one aggregate over the facts (`records_summary`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from kaifang.core.lib import local_cache, request_memo
from kaifang.trade.models import (
    CommodityRollup,
    CustomsRecord,
    Dimension,
    ModeProductRollup,
    PartnerModeProductRollup,
    PartnerModeRollup,
    PartnerProductRollup,
    PlaceCommodityRollup,
    PlaceCommodityYearToDateRollup,
    PlacePartnerChapterRollup,
    ScopeRollup,
    TradeRollup,
)
from kaifang.trade.selectors.base import (
    FIRM_KEYS,
    KEPT_SECONDS,
    NONE_KEY,
    Keys,
    Query,
    Viewer,
    code_range_q,
    drill_cache_key,
    enterprise_rollup,
    firms_named,
    flow_filter,
    group_codes,
    hidden_in_case,
    reach,
    scoped_sources,
    sees_all,
    stage_rows,
    through_units,
)
from kaifang.trade.selectors.measures import ZERO


@dataclass(frozen=True)
class RecordsSummary:
    """Count and both currency totals of a drill-down, from one aggregate over the facts
    (the page used to count them for the paginator and sum them three times)."""

    count: int
    usd: Decimal
    cny: Decimal

    def total(self, currency: str) -> Decimal:
        return self.usd if currency == "usd" else self.cny


def records_summary(qs: QuerySet[CustomsRecord]) -> RecordsSummary:
    row = qs.order_by().aggregate(n=Count("id"), usd=Sum("value_usd"), cny=Sum("value_cny"))
    usd, cny = row["usd"], row["cny"]
    return RecordsSummary(
        count=int(row["n"] or 0),
        usd=usd if isinstance(usd, Decimal) else ZERO,
        cny=cny if isinstance(cny, Decimal) else ZERO,
    )


def records_total(qs: QuerySet[CustomsRecord], currency: str) -> Decimal:
    field_name = "value_usd" if currency == "usd" else "value_cny"
    value = qs.order_by().aggregate(total=Sum(field_name))["total"]
    return value if isinstance(value, Decimal) else ZERO


def _rollup_key(keys: Keys) -> tuple[str, dict[str, str]] | None:
    """The rollup dimension and key filter that select exactly the records of `keys`, or
    None when the keys are not one rollup dimension (the summary then reads the facts).
    Rollups store a missing partner, HS code or trade mode as the empty key."""
    given = keys.params()
    if len(given) != 1:
        return None
    ((name, value),) = given.items()
    empty = value == NONE_KEY
    if name in {"partner", "mode"}:
        return str(getattr(Dimension, name.upper())), {"key": "" if empty else value}
    if name == "hs":
        if empty or len(value) == 2:
            return str(Dimension.HS2), {"key": "" if empty else value}
        if len(value) <= 4:  # a record's heading starts with the prefix iff its code does
            lookup = "key" if len(value) == 4 else "key__startswith"
            return str(Dimension.HS4), {lookup: value}
    return None


def heading_lookup(prefix: str, column: str = "heading", width: int = 4) -> dict[str, str]:
    """The filter on a rollup's `column` holding an HS code's first `width` digits ("" where
    it has none: a heading, or a chapter) that selects the records whose code starts with
    `prefix` (at most `width` digits; NONE_KEY: no code). A shorter prefix is also a range of
    those values, which an index on the column serves (SQLite's LIKE, which `startswith` is,
    does not use one)."""
    if prefix == NONE_KEY:
        return {column: ""}
    if len(prefix) == width:
        return {column: prefix}
    last = prefix + "9" * (width - len(prefix))
    return {f"{column}__startswith": prefix, f"{column}__gte": prefix, f"{column}__lte": last}


CHAPTER_WIDTH = 2  # the chapter stage's column: a record's first two digits


def _cross_lookup(keys: Keys, columns: frozenset[str]) -> dict[str, Any] | None:
    """The filter on a cross with `columns` (of partner, heading or chapter, mode, and the
    pair's district and park) that selects exactly the records of `keys` (a partner or
    partner group, an HS prefix of at most four digits (two for a chapter), a trade mode, a
    district or park: those the columns hold, any of them together); None for any other key."""
    lookup: dict[str, Any] = {}
    for name, value in keys.params().items():
        empty = value == NONE_KEY
        if name in {"partner", "group"} and "partner" in columns:
            if name == "partner":
                lookup["partner"] = "" if empty else value
            else:
                lookup["partner__in"] = group_codes(value)
        elif name == "hs" and "heading" in columns and (empty or len(value) <= 4):
            lookup.update(heading_lookup(value))
        elif name == "hs" and "chapter" in columns and (empty or len(value) <= CHAPTER_WIDTH):
            lookup.update(heading_lookup(value, "chapter", CHAPTER_WIDTH))
        elif name == "mode" and "mode" in columns:
            lookup["mode"] = "" if empty else value
        elif name in {"district", "park"} and name in columns:
            lookup[f"{name}_id"] = 0 if empty else int(value)
        else:
            return None
    return lookup


_PARTNER_PRODUCT = frozenset({"partner", "heading"})
_PARTNER_MODE = frozenset({"partner", "mode"})
_MODE_PRODUCT = frozenset({"heading", "mode"})
_PARTNER_MODE_PRODUCT = _PARTNER_PRODUCT | _MODE_PRODUCT


def cross_source(viewer: Viewer, keys: Keys) -> QuerySet[PartnerProductRollup] | None:
    """For a viewer who sees the whole city, the partner × heading rollup rows that select
    exactly the records of `keys` (the chapters within a partner, the partners within a
    heading: no stage holds both, and the records took 2–6 s at 5.6–11.3 M, session 40);
    None for anyone else or any other key. City-wide only: the rollup has no enterprise."""
    if keys.is_empty or (viewer is not None and not sees_all(viewer)):
        return None
    lookup = _cross_lookup(keys, _PARTNER_PRODUCT)
    return None if lookup is None else PartnerProductRollup.objects.filter(**lookup)


# the breakdowns each city-wide trade mode cross has a column for
_PARTNER_MODE_BYS = frozenset({"partner", "mode"})
_MODE_PRODUCT_BYS = frozenset({"hs2", "hs4", "mode"})
_TRIPLE_BYS = _PARTNER_MODE_BYS | _MODE_PRODUCT_BYS


def mode_cross_source(viewer: Viewer, keys: Keys, *, by: str | None = None) -> QuerySet[Any] | None:
    """For a viewer who sees the whole city, the rows of a city-wide trade mode cross that
    select exactly the records of `keys` and have a column for the breakdown `by` (None: the
    count and chart): partner × mode for a trade mode, partner or group, any of them together
    (the leader's partners within 一般贸易 read every firm's partner stage rows of a year: 802
    ms on a first view at 5.6 M); heading × mode for a trade mode and an HS prefix of at most
    four digits (chapters within 一般贸易: 519 ms from the product stage); else partner ×
    heading × mode for all three (the partners within 一般贸易 and HS 84 read the records: 1.5
    s; decision 0041). None for anyone else or any other key (decision 0038)."""
    if keys.is_empty or (viewer is not None and not sees_all(viewer)):
        return None
    if by is None or by in _PARTNER_MODE_BYS:
        lookup = _cross_lookup(keys, _PARTNER_MODE)
        if lookup is not None:
            return PartnerModeRollup.objects.filter(**lookup)
    if by is None or by in _MODE_PRODUCT_BYS:
        lookup = _cross_lookup(keys, _MODE_PRODUCT)
        if lookup is not None:
            return ModeProductRollup.objects.filter(**lookup)
    if by is None or by in _TRIPLE_BYS:
        lookup = _cross_lookup(keys, _PARTNER_MODE_PRODUCT)
        if lookup is not None:
            return PartnerModeProductRollup.objects.filter(**lookup)
    return None


CODE_WIDTH = 8  # CommodityRollup's code: a record's first eight digits


def place_totals_source(viewer: Viewer, keys: Keys) -> QuerySet[ScopeRollup] | None:
    """For a viewer who sees the whole city, a district, a park or both alone: the trade-mode
    rows of their (district, park) pairs, which partition the place's records (each firm is
    in one pair, each record has one trade mode row). The chart within "no park" summed the
    enterprise rollup of its 15,000 firms over 36 months (88 ms of SQL on SQLite at 11.3 M
    records, session 53), where these are a few hundred rows a month. None otherwise."""
    if viewer is not None and not sees_all(viewer):
        return None
    given = keys.params()
    if not given or not given.keys() <= {"district", "park"}:
        return None
    where = {f"{name}_id": 0 if value == NONE_KEY else int(value) for name, value in given.items()}
    return ScopeRollup.objects.filter(dimension=Dimension.MODE, **where)


def pair_source(viewer: Viewer, keys: Keys) -> QuerySet[ScopeRollup] | None:
    """For a viewer who sees the whole city, the (district, park) pair rollup rows of one
    trade key (a partner or group, an HS prefix of at most four digits, a trade mode) within
    a district or a park: each firm is in one pair, so they are exactly its records (the
    chart of partner 116 within a district read the partner stage of the district's 463
    firms over 36 months: 0.7 s on a first view at 5.6 M). None otherwise."""
    if viewer is not None and not sees_all(viewer):
        return None
    given = keys.params()
    places = {name: value for name, value in given.items() if name in {"district", "park"}}
    trade = {name: value for name, value in given.items() if name not in places}
    if not places or len(trade) != 1:
        return None
    if trade.keys() == {"group"}:
        key: tuple[str, dict[str, Any]] | None = (
            str(Dimension.PARTNER),
            {"key__in": sorted(group_codes(keys.group))},
        )
    else:
        key = _rollup_key(Keys(**trade))
    if key is None:
        return None
    dimension, lookup = key
    where = {f"{name}_id": 0 if value == NONE_KEY else int(value) for name, value in places.items()}
    return ScopeRollup.objects.filter(dimension=dimension, **lookup, **where)


# the breakdowns the pair × partner × chapter × mode rollup has a column for, and its key
# columns
PLACE_BYS = frozenset({"partner", "hs2", "mode"})
_PLACE_PARTNER_CHAPTER = frozenset({"partner", "chapter", "mode", "district", "park"})


def place_cross_source(
    viewer: Viewer, keys: Keys, *, by: str | None = None
) -> list[QuerySet[PlacePartnerChapterRollup]] | None:
    """The (district, park) pair × partner × HS chapter × trade mode rollup rows that select
    exactly the records of `keys` a viewer sees, when `by` (None: the count and chart) is one
    of its columns: keys of a partner or group, an HS prefix of at most two digits and a
    trade mode, any of them, with a district or park; for a district or park user also
    without one (his units filter the pairs as they filter ScopeRollup). The chapters within a
    partner and a district, a district user's partners within HS 85, read those records:
    200–350 ms on a first view at 5.6 M (decision 0043); his partners within HS 85 and 一般贸易
    185–240 ms (decision 0053). None for anyone else or any other key: the leader without a
    place (the city-wide crosses answer him), a viewer who sees firms outside his units as
    their liaison officer (no pair holds those alone), a heading."""
    if by is not None and by not in PLACE_BYS:
        return None
    lookup = _cross_lookup(keys, _PLACE_PARTNER_CHAPTER)
    if lookup is None:
        return None
    places = lookup.keys() & {"district_id", "park_id"}
    if len(places) == len(lookup):
        return None  # a place alone: the pair rollups hold its figures
    if lookup.get("park_id") == 0 and connection.vendor == "sqlite":
        # "no park" holds most rows: tested in a CASE, so that SQLite (without statistics)
        # takes the partner's or the chapter's index, not the park's (the leader's chart
        # within partner 502, HS 84 and no park read 36 months of every firm outside the
        # parks: 102 ms; session 51)
        del lookup["park_id"]
        rows = hidden_in_case(PlacePartnerChapterRollup.objects.filter(**lookup), Q(park_id=0))
    else:
        rows = PlacePartnerChapterRollup.objects.filter(**lookup)
    if viewer is None or sees_all(viewer):
        return [rows] if places else None
    return through_units(viewer, rows)


def city_chapter_source(viewer: Viewer, keys: Keys) -> QuerySet[PlacePartnerChapterRollup] | None:
    """For a viewer who sees the whole city, within one HS chapter (with a partner or group, a
    trade mode, or both; no place): the pair × partner × chapter × mode rows of the chapter,
    every pair summed, for the breakdown by partner (and by group). The crosses that
    answer it otherwise hold the chapter's headings: the leader's partners within HS 84 and
    一般贸易 read 120,106 rows of the partner × heading × mode cross in the 22 months of a
    table, 20,783 of this one; within HS 84 alone 123,813 of the partner × heading cross,
    47,719 of this one (5.6 M records; session 53). None otherwise; the chart keeps the
    heading × mode rollup, smaller over 36 months, and so do the trade modes within a chapter
    (`breakdown._chapter_source`)."""
    if viewer is not None and not sees_all(viewer):
        return None
    if len(keys.hs) != CHAPTER_WIDTH or not keys.hs.isdigit():
        return None
    lookup = _cross_lookup(keys, _PLACE_PARTNER_CHAPTER)
    if lookup is None or lookup.keys() & {"district_id", "park_id"}:
        return None
    return PlacePartnerChapterRollup.objects.filter(**lookup)


def code_source(viewer: Viewer, keys: Keys) -> QuerySet[CommodityRollup] | None:
    """For a viewer who sees the whole city, the commodity code rollup rows of the records
    `keys` select when they are an HS prefix alone, or none (the codes within a heading or a
    chapter, one code's months); None for anyone else or any other key."""
    if viewer is not None and not sees_all(viewer):
        return None
    given = keys.params()
    if not given:
        return CommodityRollup.objects.all()
    if given.keys() != {"hs"} or len(keys.hs) > CODE_WIDTH:
        return None
    if keys.hs == NONE_KEY:
        return CommodityRollup.objects.filter(code="")
    return CommodityRollup.objects.filter(code_range_q("code", keys.hs))


# a code rollup's monthly rows and their 累计 rows, or None where there are none (a
# liaison officer's: his few codes' months are read whole)
CodeSource = tuple[QuerySet[Any], QuerySet[Any] | None]


def scoped_code_sources(viewer: Viewer, keys: Keys) -> list[CodeSource] | None:
    """The code rollup rows that hold the codes of the records `keys` select for the viewer:
    the pair × code rollup and its 累计 for a district or park key (or both), anyone; without
    a key, the same filtered by a district or park user's units (as `ScopeRollup` is), and
    for a user who sees firms as their liaison officer (outside his units, or only those),
    the officer × code rollup of those firms (decision 0061). None for any other key and for
    the leader without a place (the city's code rollups answer him). Decision 0050."""
    given = keys.params()
    if not given.keys() <= {"district", "park"}:
        return None
    lookup = {f"{name}_id": 0 if value == NONE_KEY else int(value) for name, value in given.items()}
    monthly = PlaceCommodityRollup.objects.filter(**lookup)
    to_date = PlaceCommodityYearToDateRollup.objects.filter(**lookup)
    if viewer is None or sees_all(viewer):
        return [(monthly, to_date)] if lookup else None
    seen = reach(viewer)
    if seen.owner_only_ids and lookup:  # his own firms within a place: their records (few)
        return None
    sources: list[CodeSource] = [
        (monthly.filter(units), to_date.filter(units))
        for units in (seen.unit_qs() if seen.unit_ids else [])
    ]
    if seen.owner_only_ids:
        sources.append((seen.liaison_qs(viewer.pk, codes=True), None))
    return sources or None


# the enterprise stages, the smallest first (rows at 5.6 M records: 143 k, 407 k, 487 k, 1.06 M
# over 13 groups (106 k for 一带一路), 1.31 M, 1.49 M, 1.51 M)
STAGE_ORDER = ("mode", "chapter", "chapter_mode", "group", "partner", "product", "partner_mode")
_CHAPTER_STAGES = frozenset({"chapter", "chapter_mode"})


def stage_lookup(
    keys: Keys, stages: Sequence[str], *, listed: bool = False
) -> tuple[str, dict[str, Any]] | None:
    """The first of `stages` whose rows select exactly the records of the trade keys (the
    enterprise: any stage; a partner: "partner" or "partner_mode"; a group: "group", "partner"
    or "partner_mode"; a trade mode: "mode", "chapter_mode", "product" or "partner_mode"; an
    HS chapter: "chapter", "chapter_mode" or "product"; a heading: "product"), with its filter
    on the stage's columns; None where none does. Stages keep a missing partner, heading,
    chapter or mode as "", as the records' NONE_KEY means, and a record's heading (chapter)
    starts with an HS prefix of at most four (two) digits iff its code does."""
    lookup: dict[str, Any] = {}
    allowed = set(stages)
    prefix = group = None
    for name, value in keys.params().items():
        empty = value == NONE_KEY
        if name in FIRM_KEYS:
            continue
        if name == "enterprise":
            lookup["enterprise_id"] = int(value)
        elif name == "partner":
            allowed &= {"partner", "partner_mode"}
            lookup["partner"] = "" if empty else value
        elif name == "group":
            allowed &= {"group", "partner", "partner_mode"}
            group = value
        elif name == "mode":
            allowed &= {"mode", "chapter_mode", "product", "partner_mode"}
            lookup["mode"] = "" if empty else value
        elif name == "hs" and (empty or len(value) <= 4):
            chapter = empty or len(value) <= CHAPTER_WIDTH
            allowed &= {*_CHAPTER_STAGES, "product"} if chapter else {"product"}
            prefix = value
        else:
            return None
    chosen = [stage for stage in stages if stage in allowed]
    if not chosen:
        return None
    if group is not None:
        if chosen[0] == "group":
            lookup["partner_group"] = group
        else:
            lookup["partner__in"] = group_codes(group)
    if prefix is not None:
        if chosen[0] in _CHAPTER_STAGES:
            lookup.update(heading_lookup(prefix, "chapter", CHAPTER_WIDTH))
        elif listed and len(prefix) == CHAPTER_WIDTH and (heads := _headings(prefix)):
            lookup["heading__in"] = heads
        else:
            lookup.update(heading_lookup(prefix))
    return chosen[0], lookup


def _headings(chapter: str) -> list[str]:
    """The chapter's headings that have trade (the city's heading rollup, rebuilt with the
    stages): the product stage within a chapter and a trade mode (for its headings: the
    chapter × mode stage holds none) seeks each heading's months in its covering key index,
    where SQLite read the chapter's range of headings across every month, or the months'
    index: the leader's firms within HS 84 and 一般贸易 246 → 111 ms of SQL at 5.6 M records
    (session 48; they read the chapter × mode stage since decision 0054). For the whole
    city only (`stage_source`'s `listed`): a district user's firms within both read his firms'
    rows faster than the city's headings (45 → 74 ms so)."""
    rows = TradeRollup.objects.filter(code_range_q("key", chapter), dimension=Dimension.HS4)
    return sorted(set(rows.values_list("key", flat=True).order_by()))


def stage_source(
    viewer: Viewer,
    keys: Keys,
    *,
    stages: Sequence[str] = STAGE_ORDER,
) -> QuerySet[Any] | None:
    """Enterprise stage rollup rows (a firm's month by trade mode, by HS chapter, by partner
    group, by partner, by heading and trade mode, or by partner and trade mode; the smallest
    first) that select exactly the records of `keys` within the viewer's scope: the trade keys
    one stage holds (an HS chapter within a trade mode, a partner within a firm …), and the
    firms a district, park or industry key names. None where no stage of `stages` holds the
    keys; their sums by period and flow, and their `rows`, are the records'."""
    listed = sees_all(viewer) and not keys.params().keys() & FIRM_KEYS
    found = stage_lookup(keys, stages, listed=listed)
    if found is None:
        return None
    stage, lookup = found
    qs = stage_rows(viewer, stage).filter(**lookup)
    if keys.params().keys() & FIRM_KEYS:
        qs = qs.filter(enterprise_id__in=[int(pk) for pk in firms_named(viewer, keys)])
    return qs


def rollup_sources(viewer: Viewer, keys: Keys) -> list[QuerySet[Any]] | None:
    """Rollup rows whose sums by period and flow are those of the records `keys` select
    within the viewer's scope (the drill-down's count and totals; a keyed page's trend and
    cards), or None where no rollup selects them."""
    given = keys.params().keys()
    if keys.is_empty:
        key: tuple[str, dict[str, Any]] | None = (str(Dimension.MODE), {})
    elif given == {"enterprise"}:
        return [enterprise_rollup(viewer).filter(key=keys.enterprise)]
    elif given <= FIRM_KEYS:
        pairs = place_totals_source(viewer, keys)
        if pairs is not None:
            return [pairs]
        # an industry, or a scoped viewer's place: the enterprise rollup of the firms it names
        return [enterprise_rollup(viewer).filter(key__in=firms_named(viewer, keys))]
    elif given == {"group"}:
        # a partner group: the partner rollup of its members
        key = (str(Dimension.PARTNER), {"key__in": sorted(group_codes(keys.group))})
    else:
        key = _rollup_key(keys)
    if key is None:
        # several keys: for the whole city, a partner (or group) within an HS prefix from
        # their cross, an HS code longer than a heading from the code rollup, one trade key
        # within a district or park from its pair rollup; a partner (or group) and an HS
        # chapter within a place or a unit user's units from the pair × partner × chapter
        # rollup; else a stage (an HS chapter within a trade mode, a firm's partner …)
        crossed = cross_source(viewer, keys)
        if crossed is not None:
            return [crossed]
        for source in (
            code_source(viewer, keys),
            pair_source(viewer, keys),
            mode_cross_source(viewer, keys),
        ):
            if source is not None:
                return [source]
        placed = place_cross_source(viewer, keys)
        if placed is not None:
            return placed
        staged = stage_source(viewer, keys)
        return None if staged is None else [staged]
    dimension, lookup = key
    if viewer is None or sees_all(viewer):
        return [TradeRollup.objects.filter(dimension=dimension, **lookup)]
    return [source.filter(**lookup) for source in scoped_sources(viewer, dimension)]


def drill_summary(*, viewer: Viewer, q: Query, span: str, keys: Keys) -> RecordsSummary | None:
    """The drill-down's count and totals from the rollups (each row counts its records), so
    the page reads the facts only for its 50 rows; None where the rollups cannot answer.
    The same figures as `records_summary` of `drill_records` (tested). Read once per
    request (the page's footer and the plan's costs, `plans.py`, both ask), and kept per
    rollup version and scope as a breakdown is: a district user's year of HS 85 within
    一般贸易 summed his firms' product stage, 81–88 ms of every view (session 49)."""
    key = ("trade.drill_summary", None if viewer is None else viewer.pk, q, span, keys)
    kept = drill_cache_key("trade:drill-summary", viewer, q, span, keys)
    return request_memo.memo(
        key,
        lambda: local_cache.versioned(
            kept, lambda: _read_drill_summary(viewer, q, span, keys), KEPT_SECONDS
        ),
    )


def _read_drill_summary(viewer: Viewer, q: Query, span: str, keys: Keys) -> RecordsSummary | None:
    sources = rollup_sources(viewer, keys)
    if sources is None:
        return None
    months = q.span_months(span)
    count, usd, cny = 0, ZERO, ZERO
    for source in sources:
        row = flow_filter(source.filter(period__in=months), q.flow).aggregate(
            n=Sum("rows"), usd=Sum("value_usd"), cny=Sum("value_cny")
        )
        count += int(row["n"] or 0)
        usd += row["usd"] if isinstance(row["usd"], Decimal) else ZERO
        cny += row["cny"] if isinstance(row["cny"], Decimal) else ZERO
    return RecordsSummary(count=count, usd=usd, cny=cny)
