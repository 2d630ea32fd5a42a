"""What every analysis shares: the query (year, month, flow, currency), the drill keys, and
the sources of numbers.

Scope decides the source. A viewer who sees the whole city (or the CLI's city-wide run, viewer
None) reads the city-wide rollups. A viewer whose scope is a set of units reads the rollups by
(district, park) pair of those units, plus the liaison rollup of the few enterprises they see
only as their liaison officer (`Reach`); enterprise-keyed figures come from the enterprise rollup
filtered to the enterprises they see. Drill-downs, and figures within a drill key the rollups
cannot express, come from the customs records through `visible_to()`. Every source groups the
same facts, so they give the same numbers (tested)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Max,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast

from kaifang.core.lib import request_memo
from kaifang.core.lib.numbers import db_id
from kaifang.core.models import Partner, User
from kaifang.core.scope import effective_scope, visible_to
from kaifang.enterprises.models import Enterprise
from kaifang.trade.models import (
    ENTERPRISE_SCOPE_OWNERS,
    ENTERPRISE_SCOPE_UNITS,
    STAGE_MODELS,
    CustomsRecord,
    Dimension,
    LiaisonCommodityRollup,
    LiaisonRollup,
    ScopeRollup,
    TradeRollup,
    YearToDateRollup,
)
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors.measures import ZERO, add_months

Viewer = User | None  # None: the whole city, for trusted callers (the CLI) only

FLOWS = {"export": "出口", "import": "进口", "total": "进出口"}
CURRENCIES = {"usd": "美元", "cny": "人民币"}
NONE_KEY = "-"  # the key of "no partner / no HS code / no district …" in rows and URLs

SPANS = {
    "month": "当月",
    "ytd": "累计",
    "ytd_prev": "上年同期累计",
    "prev_month": "上月",
    "month_prev": "上年同月",
}


@dataclass(frozen=True)
class Query:
    """One report month: 当月 is `month` of `year`, 累计 is January to `month`."""

    year: int
    month: int
    flow: str = "total"
    currency: str = "usd"

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1990 <= self.year <= 2200:
            raise ValueError("year or month out of range")
        if self.flow not in FLOWS or self.currency not in CURRENCIES:
            raise ValueError("unknown flow or currency")

    @property
    def field(self) -> str:
        return "value_usd" if self.currency == "usd" else "value_cny"

    @property
    def period(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def span_months(self, span: str) -> list[dt.date]:
        if span == "month":
            return [self.period]
        if span == "ytd":
            return [dt.date(self.year, m, 1) for m in range(1, self.month + 1)]
        if span == "ytd_prev":
            return [dt.date(self.year - 1, m, 1) for m in range(1, self.month + 1)]
        if span == "prev_month":
            return [add_months(self.period, -1)]
        if span == "month_prev":
            return [dt.date(self.year - 1, self.month, 1)]
        raise ValueError(f"unknown span {span!r}")

    def all_months(self) -> list[dt.date]:
        return sorted({m for span in SPANS for m in self.span_months(span)})

    def params(self) -> dict[str, str]:
        return {
            "year": str(self.year),
            "month": str(self.month),
            "flow": self.flow,
            "currency": self.currency,
        }

    @property
    def flow_label(self) -> str:
        return FLOWS[self.flow]

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def ytd_label(self) -> str:
        return f"{self.year}年1–{self.month}月" if self.month > 1 else f"{self.year}年1月"


@dataclass(frozen=True)
class Keys:
    """Drill filters: each narrows the facts to one value of one dimension. NONE_KEY selects
    the records that have no value there. Parsed from URLs, so every value is checked."""

    partner: str = ""
    group: str = ""
    hs: str = ""
    mode: str = ""
    enterprise: str = ""
    district: str = ""
    park: str = ""
    industry: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Keys:
        values: dict[str, str] = {}
        for f in fields(cls):
            raw = str(params.get(f.name, "") or "").strip()[:30]
            if raw and _valid_key(f.name, raw):
                values[f.name] = raw.upper() if f.name == "industry" else raw
        return cls(**values)

    def params(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    def with_key(self, name: str, value: str) -> Keys:
        return replace(self, **{name: value})

    def signature(self) -> str:
        """The keys as one string, in a stable order: a part of cache keys."""
        return "&".join(f"{k}={v}" for k, v in sorted(self.params().items()))

    @property
    def is_empty(self) -> bool:
        return not self.params()


def _valid_key(name: str, raw: str) -> bool:
    if raw == NONE_KEY:
        return name not in {"group", "enterprise"}
    if name in {"enterprise", "district", "park"}:
        return db_id(raw) is not None
    if not raw.isascii():
        return False
    if name in {"partner", "hs", "mode"}:
        return raw.isdigit()
    if name == "industry":
        return raw.isdigit() or (len(raw) == 1 and raw.isalpha())
    return raw.replace("-", "").replace("_", "").isalnum()


def apply_keys(qs: QuerySet[CustomsRecord], keys: Keys) -> QuerySet[CustomsRecord]:
    """Narrow customs records by drill keys (the one definition both breakdowns and the
    records list use, so a figure and its rows always agree)."""
    return qs.filter(keys_q(keys))


def group_codes(group: str) -> tuple[str, ...]:
    """The partner codes of a partner group's members, in code order, read once per request.
    A list rather than a subquery in `__in`: PostgreSQL estimates a list of codes from the
    column's statistics but guessed a subquery's share (22 of 65 codes of 一带一路), so for a
    liaison officer's year within the group it read and sorted each firm's year for the cut
    where a walk of the firm's (enterprise, value) index reads a few hundred entries (5 ms
    against 38 at 5.6 M records, and growing with them; issue 17)."""
    return request_memo.memo(
        ("trade.group_codes", group),
        lambda: tuple(
            Partner.objects.filter(groups__code=group)
            .order_by("code")
            .values_list("code", flat=True)
        ),
    )


def keys_q(keys: Keys) -> Q:
    """The drill keys as one condition on customs records (what `apply_keys` filters by)."""
    condition = Q()
    if keys.partner:
        condition &= Q(partner_code="" if keys.partner == NONE_KEY else keys.partner)
    if keys.group:
        condition &= Q(partner_code__in=group_codes(keys.group))
    if keys.hs:
        condition &= Q(hs_code="") if keys.hs == NONE_KEY else Q(hs_code__startswith=keys.hs)
    if keys.mode:
        condition &= Q(trade_mode="" if keys.mode == NONE_KEY else keys.mode)
    if keys.enterprise:
        condition &= Q(enterprise_id=int(keys.enterprise))
    return condition & firm_keys_q(keys, "enterprise__")


FIRM_KEYS = frozenset({"district", "park", "industry"})  # keys on the enterprise's register


def firm_keys_q(keys: Keys, path: str = "") -> Q:
    """The keys that name the enterprise's district, park or industry, as one condition on
    enterprises (`path` ""), or on rows that reach them through `path` ("enterprise__")."""
    condition = Q()
    for name in ("district", "park"):
        value = getattr(keys, name)
        if value == NONE_KEY:
            condition &= Q(**{f"{path}{name}__isnull": True})
        elif value:
            condition &= Q(**{f"{path}{name}_id": int(value)})
    if keys.industry == NONE_KEY:
        condition &= Q(**{f"{path}industry__isnull": True})
    elif keys.industry.isalpha():
        condition &= Q(**{f"{path}industry__section_code": keys.industry})
    elif keys.industry:
        condition &= Q(**{f"{path}industry__code__startswith": keys.industry})
    return condition


def firms_named(viewer: Viewer, keys: Keys) -> list[str]:
    """The enterprise-rollup keys (ids) of the firms a district, park or industry key names,
    among those the viewer sees: what a breakdown or a drill-down within such a key reads
    from the enterprise rollup instead of the records."""
    return [str(pk) for pk in named_firms_qs(viewer, keys).values_list("pk", flat=True)]


def named_firms_qs(viewer: Viewer, keys: Keys) -> QuerySet[Enterprise]:
    """`firms_named`'s firms as a query, for a subquery where a list could outgrow SQLite's
    variables."""
    firms: QuerySet[Enterprise] = Enterprise.objects.filter(firm_keys_q(keys))
    return firms if viewer is None else visible_to(firms, viewer)


def sees_all(viewer: Viewer) -> bool:
    return viewer is None or effective_scope(viewer).sees_all


def scope_signature(viewer: Viewer) -> str:
    """Who sees the same figures, a part of the cache keys of figures computed from what the
    viewer's scope lets them see of trade (the enterprises of `reach`): everyone with the ALL
    scope alike ("all"); the users of the same units alike ("u1,2") while they see no firm
    outside those units; a user who does, as the firm's liaison officer (an owner field), or
    who sees only their own firms, apart ("u1,2:p7"). Such a key holds only figures that
    depend on nothing else of the user (decision 0021). A unit user's reach is read once per
    request, and the pages that compute read it anyway."""
    if viewer is None or sees_all(viewer):
        return "all"
    scope = effective_scope(viewer)
    units = ",".join(str(u) for u in sorted(scope.unit_ids))
    if scope.unit_ids and _sees_only_units(viewer, scope.unit_ids):
        return f"u{units}"
    return f"u{units}:p{scope.user_id}"


_ONLY_UNITS_LOCK = threading.Lock()
# (rollup version, user, units) → whether the user sees no firm outside the units. Every change
# to a firm's district, park or liaison bumps the rollup version (trade.invalidation), and a
# new firm has no trade yet: the answer holds for a version. Kept apart from local_cache's
# few large entries; emptied when it grows (a new version's keys replace the old ones).
_ONLY_UNITS: dict[tuple[int, int, frozenset[int]], bool] = {}


def _sees_only_units(viewer: User, units: frozenset[int]) -> bool:
    """Whether `reach(viewer)` holds no firm outside the units, kept per rollup version in this
    process: the warm pages of a unit user read no reach at all (query-count guards)."""
    key = (rollup_version(), viewer.pk, units)
    with _ONLY_UNITS_LOCK:
        found = _ONLY_UNITS.get(key)
    if found is None:
        found = not reach(viewer).owner_only_ids
        with _ONLY_UNITS_LOCK:
            if len(_ONLY_UNITS) >= 4096:
                _ONLY_UNITS.clear()
            _ONLY_UNITS[key] = found
    return found


@dataclass(frozen=True)
class Reach:
    """The enterprises a viewer without the ALL scope sees, split by how: through their units
    (read from the pair rollups) or only as owner, i.e. liaison officer (read from the facts).
    Derived from the same scope fields as CustomsRecord's gate, so both agree (tested)."""

    unit_ids: frozenset[int]
    enterprise_ids: frozenset[int]  # every enterprise whose records the viewer sees
    owner_only_ids: frozenset[int]  # seen through an owner field, outside the units

    def unit_qs(self) -> list[Q]:
        """Pair-rollup rows of the viewer's units, as two disjoint filters (each walks an
        index): district in the units, or else park in the units. One pair per enterprise,
        so an enterprise whose district and park are both in scope counts once."""
        ids = sorted(self.unit_ids)
        return [Q(district_id__in=ids), Q(park_id__in=ids) & ~Q(district_id__in=ids)]

    def liaison_qs(self, user_id: int, *, codes: bool = False) -> QuerySet[Any]:
        """Liaison-rollup rows (`codes`: the officer × code rollup's) of the enterprises this
        user sees only as liaison: theirs, and neither district nor park in the units (0,
        "none", is never a unit id)."""
        ids = sorted(self.unit_ids)
        model = LiaisonCommodityRollup if codes else LiaisonRollup
        rows: QuerySet[Any] = model.objects.filter(liaison_id=user_id)
        return rows.exclude(Q(district_id__in=ids) | Q(park_id__in=ids))

    @property
    def enterprise_keys(self) -> list[str]:
        return [str(i) for i in sorted(self.enterprise_ids)]


def _strip(name: str) -> str:
    return name.removeprefix("enterprise__")


def reach(viewer: User) -> Reach:
    """Computed once per request (core/lib/request_memo): a district user's page asks for it
    for the report month, for each source of its tables and for a drill-down's plan."""
    return request_memo.memo(("trade.reach", viewer.pk), lambda: _reach(viewer))


def _reach(viewer: User) -> Reach:
    scope = effective_scope(viewer)
    units = sorted(scope.unit_ids)
    by_unit = Q(pk__in=[])
    for name in ENTERPRISE_SCOPE_UNITS if units else ():
        by_unit |= Q(**{f"{_strip(name)}__in": units})
    by_owner = Q(pk__in=[])
    if scope.user_id is not None:
        for name in ENTERPRISE_SCOPE_OWNERS:
            by_owner |= Q(**{_strip(name): scope.user_id})
    unit_ids: set[int] = set()
    owner_ids: set[int] = set()
    rows = Enterprise.objects.filter(by_unit | by_owner).values_list(
        "id", *(f"{_strip(n)}_id" for n in ENTERPRISE_SCOPE_UNITS)
    )
    for pk, *unit_values in rows:
        (unit_ids if any(u in scope.unit_ids for u in unit_values) else owner_ids).add(pk)
    return Reach(
        unit_ids=scope.unit_ids,
        enterprise_ids=frozenset(unit_ids | owner_ids),
        owner_only_ids=frozenset(owner_ids),
    )


_M = TypeVar("_M", bound=Model)


def code_range(code: str) -> tuple[str, str | None]:
    """The commodity codes starting with the digits `code` are those ≥ the first and < the
    second, digit strings compared as digit strings in any collation (an index serves the
    range, a LIKE it cannot on SQLite); None: no upper bound of the same length, the code is
    all nines."""
    if set(code) == {"9"}:
        return code, None
    return code, str(int(code) + 1).zfill(len(code))


def code_range_q(field: str, prefix: str) -> Q:
    """The rows whose `field` (a commodity code, or an HS heading) starts with the digits
    `prefix`, as the range `code_range` gives, which an index serves (SQLite's LIKE, which
    `startswith` is, uses none); all nines: the lower bound and the prefix."""
    low, high = code_range(prefix)
    above = Q(**{f"{field}__gte": low})
    if high is None:
        return above & Q(**{f"{field}__startswith": prefix})
    return above & Q(**{f"{field}__lt": high})


def hidden_in_case(qs: QuerySet[_M], condition: Q, name: str = "drill_match") -> QuerySet[_M]:
    """`qs` filtered by `condition` written inside one CASE, which no index serves: the plan
    then reads only the index its other conditions (or its ORDER BY) name. The drill-down's
    plans, the breakdowns' keyed reads and risk's scenario records page plan so."""
    if not condition:
        return qs
    matches = Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
    found: QuerySet[_M] = qs.alias(**{name: matches}).filter(**{name: 1})
    return found


def facts(viewer: Viewer) -> QuerySet[CustomsRecord]:
    """Customs records the viewer may see."""
    return by_firm_scope(CustomsRecord.objects.all(), viewer)


def by_firm_scope(qs: QuerySet[_M], viewer: Viewer) -> QuerySet[_M]:
    """Rows scoped through their enterprise (records, or a rollup by firm) that the viewer may
    see. A viewer who sees only their own enterprises (a liaison officer) gets them named
    too, so the query walks the enterprise index instead of the whole table."""
    if viewer is None:
        return qs
    scope = effective_scope(viewer)
    if not scope.sees_all and not scope.unit_ids:
        qs = qs.filter(enterprise_id__in=sorted(reach(viewer).owner_only_ids))
    return visible_to(qs, viewer)


def stage_rows(viewer: Viewer, stage: str) -> QuerySet[Any]:
    """The rows of an enterprise stage rollup (trade.models.STAGE_MODELS: one enterprise's
    sums by partner, or by HS heading and trade mode) the viewer may see: the gate `facts()`
    applies to the records, on the same enterprise fields."""
    return firm_rows(viewer, STAGE_MODELS[stage].objects.all())


def firm_rows(viewer: Viewer, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The rows of a table kept per enterprise (a stage, or the partner stage's 累计) the
    viewer may see: the gate `facts()` applies to the records, on the same enterprise
    fields."""
    if viewer is None:
        return qs
    scope = effective_scope(viewer)
    if not scope.sees_all and not scope.unit_ids:
        qs = qs.filter(enterprise_id__in=sorted(reach(viewer).owner_only_ids))
    return visible_to(qs, viewer)


def scoped_sources(viewer: User, dimension: str) -> list[QuerySet[Any]]:
    """For a viewer without ALL and no drill keys: the pair rollup of `dimension` within their
    units, and the liaison rollup of the enterprises they see only as liaison (theirs, outside
    their units). Summing both gives their figures, each keyed by `key`."""
    r = reach(viewer)
    sources: list[QuerySet[Any]] = _unit_sources(r, dimension)
    if r.owner_only_ids:
        sources.append(r.liaison_qs(viewer.pk).filter(dimension=dimension))
    return sources


def _unit_sources(r: Reach, dimension: str) -> list[QuerySet[Any]]:
    if not r.unit_ids:
        return []
    return [ScopeRollup.objects.filter(c, dimension=dimension) for c in r.unit_qs()]


def through_units(viewer: User, rows: QuerySet[Any]) -> list[QuerySet[Any]] | None:
    """Rows of a rollup by (district, park) pair that hold exactly what a user of units sees:
    filtered by his units as the pair rollups are (`Reach.unit_qs`); None for a user who also
    sees firms outside his units as their liaison officer (no pair holds those alone), or who
    has no unit."""
    seen = reach(viewer)
    if seen.owner_only_ids or not seen.unit_ids:
        return None
    return [rows.filter(units) for units in seen.unit_qs()]


# How long figures kept per rollup version stay (a rebuild or an enterprise change retires
# them sooner: the version in their key moves).
KEPT_SECONDS = 24 * 3600


def drill_cache_key(name: str, viewer: Viewer, q: Query, span: str, keys: Keys) -> str:
    """The shared cache's key of a drill-down's figures (both currencies) for the viewer's
    scope: retired when the rollup version moves, as a breakdown's (decision 0021)."""
    parts = [name, str(rollup_version()), scope_signature(viewer), str(q.year), str(q.month)]
    return ":".join([*parts, q.flow, span, keys.signature()])


def enterprise_rollup(viewer: Viewer) -> QuerySet[TradeRollup]:
    """The enterprise rollup rows the viewer may see (all of them for the whole city)."""
    qs = TradeRollup.objects.filter(dimension=Dimension.ENTERPRISE)
    if viewer is None or sees_all(viewer):
        return qs
    return qs.filter(key__in=reach(viewer).enterprise_keys)


def flow_filter(qs: QuerySet[Any], flow: str) -> QuerySet[Any]:
    return qs if flow == "total" else qs.filter(flow=flow)


@dataclass(frozen=True)
class Sums:
    """The five sums every table row needs, in the query's currency."""

    month: Decimal = ZERO
    month_prev: Decimal = ZERO
    prev_month: Decimal = ZERO
    ytd: Decimal = ZERO
    ytd_prev: Decimal = ZERO

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            month=self.month + other.month,
            month_prev=self.month_prev + other.month_prev,
            prev_month=self.prev_month + other.prev_month,
            ytd=self.ytd + other.ytd,
            ytd_prev=self.ytd_prev + other.ytd_prev,
        )

    @property
    def is_zero(self) -> bool:
        return not any((self.month, self.month_prev, self.prev_month, self.ytd, self.ytd_prev))


SUM_NAMES = ("month", "month_prev", "prev_month", "ytd", "ytd_prev")


def in_window(qs: QuerySet[Any], months: Sequence[dt.date], *, hidden: bool) -> QuerySet[Any]:
    """`qs` within `months`; `hidden`: tested in a CASE, which no index serves, so that the
    plan reads the index of `qs`'s own conditions (an HS range of the records)."""
    window = Q(period__in=months)
    return hidden_in_case(qs, window, "in_window") if hidden else qs.filter(window)


@dataclass(frozen=True)
class Grouped:
    """One GROUP BY of `grouped_rows`, read by `summed` through the cursor: its sums stay as
    the database returns them (int or float on SQLite, Decimal on PostgreSQL) until they are
    added up by key, then each key's sum becomes a Decimal once (`as_decimal`). Django's
    per-row converters took half the time of the whole city's code sums (11,382 rows of two
    rollups; session 56)."""

    query: QuerySet[Any]
    slots: tuple[int, ...]  # the Sums field (index in SUM_NAMES) of each sum column
    places: int  # the summed column's decimal places

    def read(self) -> Sequence[Sequence[Any]]:
        """The rows: (key, sum, …)."""
        return raw_rows(self.query)


def raw_rows(qs: QuerySet[Any]) -> Sequence[Sequence[Any]]:
    """A `values_list` query's rows as the database returns them, without Django's per-row
    converters (sums as int or float on SQLite: see `as_decimal`). For grouped reads of
    thousands of rows whose columns need no conversion but their sums."""
    compiler = qs.query.get_compiler(using=qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a filter on no keys
        return []
    with compiler.connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: Sequence[Sequence[Any]] = cursor.fetchall()
    return rows


def as_decimal(value: Any, places: int) -> Decimal:
    """A sum as the database returned it, as a Decimal: PostgreSQL's as it is; SQLite's int or
    float rounded to the column's `places`, which removes the float's noise in its last bits
    as Django's converter does (it keeps 15 significant digits), in a third of its time. The
    same values as Django's for every sum of the large city."""
    if isinstance(value, Decimal):
        return value
    return Decimal(round(value * 10**places)).scaleb(-places)


def grouped_rows(
    qs: QuerySet[Any],
    key: Any,
    q: Query,
    spans: Mapping[str, list[dt.date]] | None = None,
    *,
    window_hidden: bool = False,
) -> Grouped:
    """GROUP BY `key` with one conditional sum per span, over facts or rollups alike (both
    have period, flow, value_usd and value_cny), for `summed`: by key (as a string), the five
    sums in SUM_NAMES order. `spans` (a Sums field → its months) replaces the five spans of
    `q`; fields not named are zero. `window_hidden`: the months are tested in a CASE
    (`in_window`). Nothing is read until `summed` reads it."""
    if spans is None:
        spans = {name: q.span_months(name) for name in SUM_NAMES}
    months = sorted({m for ms in spans.values() for m in ms})
    qs = flow_filter(in_window(qs, months, hidden=window_hidden), q.flow)
    aggregates = {name: Sum(q.field, filter=Q(period__in=months)) for name, months in spans.items()}
    slots = tuple(SUM_NAMES.index(name) for name in spans)
    grouped = qs.annotate(group_key=key).values_list("group_key").annotate(**aggregates)
    places = qs.model._meta.get_field(q.field).decimal_places
    return Grouped(grouped.order_by(), slots, places)


def summed(*parts: Grouped) -> dict[str, Sums]:
    """The rows of `grouped_rows` added up by key: one Sums per key, built once. The sums are
    added as the database returned them and become Decimals once per key and field."""
    totals: dict[str, list[Any]] = {}
    places = 0
    for part in parts:
        places = max(places, part.places)
        slots = part.slots
        for k, *values in part.read():
            key = NONE_KEY if k is None or k == "" else str(k)
            found = totals.get(key)
            if found is None:
                found = totals[key] = [None] * len(SUM_NAMES)
            for slot, value in zip(slots, values, strict=True):
                if value is not None:
                    before = found[slot]
                    found[slot] = value if before is None else before + value
    return {
        key: Sums(*(ZERO if not value else as_decimal(value, places) for value in five))
        for key, five in totals.items()
    }


def grouped_sums(
    qs: QuerySet[Any],
    key: Any,
    q: Query,
    spans: Mapping[str, list[dt.date]] | None = None,
    *,
    window_hidden: bool = False,
) -> dict[str, Sums]:
    """`grouped_rows` summed by key: a query's sums by key (keys come back as strings)."""
    return summed(grouped_rows(qs, key, q, spans, window_hidden=window_hidden))


def to_date_spans(q: Query) -> tuple[dict[str, list[dt.date]], dict[str, list[dt.date]]]:
    """`grouped_sums` spans for a monthly rollup beside its 累计 one: the single months from
    the first, 累计 and 上年同期累计 from the second (one month of each)."""
    single = {name: q.span_months(name) for name in ("month", "month_prev", "prev_month")}
    return single, {"ytd": [q.period], "ytd_prev": [dt.date(q.year - 1, q.month, 1)]}


def enterprise_sums(viewer: Viewer, q: Query, only: Sequence[str] | None = None) -> dict[str, Sums]:
    """Sums by enterprise from the rollups: the single months from the monthly enterprise
    rollup, 累计 and 上年同期累计 from the year-to-date one (two rows per firm and flow
    instead of twenty). The same keys and figures as grouping the monthly rows alone.
    `only`: the keys (enterprise ids) of the firms wanted, within the viewer's."""
    monthly: QuerySet[Any] = TradeRollup.objects.filter(dimension=Dimension.ENTERPRISE)
    if not YearToDateRollup.objects.exists():  # migrated, `rebuild-rollups` not run yet
        rows = enterprise_rollup(viewer)
        return grouped_sums(rows if only is None else rows.filter(key__in=only), F("key"), q)
    to_date: QuerySet[Any] = YearToDateRollup.objects.all()
    keys: Sequence[str] | None = only
    if viewer is not None and not sees_all(viewer):
        seen = reach(viewer).enterprise_keys  # the enterprises of enterprise_rollup()
        # One list of the firms wanted that he sees, not two: PostgreSQL scanned the whole
        # table for a district's 1,800 firms and the 340 named (its two queries 36 → 19 ms;
        # session 58).
        keys = seen if only is None else sorted(set(only).intersection(seen))
    if keys is not None:
        monthly, to_date = monthly.filter(key__in=keys), to_date.filter(key__in=keys)
    single, ytd = to_date_spans(q)
    # Grouping by an expression, not the bare column, keeps SQLite from walking the
    # (dimension, key, period) index through all 36 months to save a sort: it seeks the
    # three months in the unique key instead (31 → 17 ms at 2,000 firms).
    by_key = Cast("key", output_field=CharField())
    return summed(
        grouped_rows(monthly, by_key, q, single),
        grouped_rows(to_date, F("key"), q, ytd),
    )


def largest_enterprises(
    viewer: Viewer, q: Query, limit: int, *, margin: int | None = None
) -> list[tuple[str, Sums]]:
    """The first `limit` firms of the viewer's breakdown by enterprise, in its order (累计,
    then 当月, then key; firms whose sums are all zero left out) with its figures, without
    summing every firm's five spans: their 累计 alone ranks candidates in SQL, and only the
    candidates' sums are read (the dependence page's 300 of 20,000 firms). When the ranking
    cannot be certain from the candidates (a tie or a near-tie at the edge, or fewer firms
    with a 累计 than asked) every firm is summed, as `enterprise_sums`. `margin`: the
    candidates read beyond `limit` (a tenth more and ten, unless given)."""
    to_date: QuerySet[Any] = YearToDateRollup.objects.filter(period=q.period)
    if viewer is not None and not sees_all(viewer):
        to_date = to_date.filter(key__in=reach(viewer).enterprise_keys)
    margin = limit // 10 + 10 if margin is None else margin
    ranked = list(
        flow_filter(to_date, q.flow)
        .values_list("key")
        .annotate(value=Sum(q.field))
        .order_by("-value", "key")[: limit + margin]
    )
    if len(ranked) == limit + margin and ranked[-1][1]:
        found = enterprise_sums(viewer, q, only=[key for key, _value in ranked])
        rows = _ranked(found)[:limit]
        # SQLite sums binary floats: a firm left out may differ from its exact 累计 in the
        # last places, so the edge must clear the candidates' least by more than that.
        edge = float(ranked[-1][1])
        if len(rows) == limit and float(rows[-1][1].ytd) > edge + abs(edge) * 1e-9 + 0.01:
            return rows
    return _ranked(enterprise_sums(viewer, q))[:limit]


def _ranked(sums: dict[str, Sums]) -> list[tuple[str, Sums]]:
    """The breakdown's order: 累计, then 当月, descending, then the key; all-zero rows out."""
    rows = [(key, value) for key, value in sums.items() if not value.is_zero]
    rows.sort(key=lambda kv: (-kv[1].ytd, -kv[1].month, kv[0]))
    return rows


def latest_period(viewer: Viewer) -> dt.date | None:
    """The newest month with data the viewer can see (the pages' default report month)."""
    if sees_all(viewer):
        # Every record has a trade-mode row (the empty key included), and the unique key
        # (dimension, period, …) answers MAX within one dimension with one seek; MAX over the
        # whole table scanned all of it (120 ms on the large set, on every page).
        modes = TradeRollup.objects.filter(dimension=Dimension.MODE)
        value = modes.aggregate(latest=Max("period"))["latest"]
    else:
        value = enterprise_rollup(viewer).aggregate(latest=Max("period"))["latest"]
    return value if isinstance(value, dt.date) else None
