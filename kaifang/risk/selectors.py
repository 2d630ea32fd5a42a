"""Reads of risk exposure, always within the viewer's scope.

Exposure is one SQL aggregation over the exposure rollup (the customs records summed over
trade mode, `kaifang.risk.rollup`) the viewer may see, filtered by flow, the trailing months,
the partners and the HS lines, grouped by enterprise and HS code; Python then assigns each
code to its line (for per-line duty rates and match counts) and sums by enterprise, district,
park and industry. The same aggregation over the customs records themselves (`source="facts"`)
gives the same figures (tested); the drill-down lists those records. While a month of the
window waits for its exposure rollup after an import (`rollup.stale_months`), the scenario
reads the records instead, so its figures never lag them. A spec without product lines (the
dependence page's watch list, a scenario of every product) reads trade's partner stage instead,
the same records summed over HS code too, rebuilt in the import's own transaction
(`partner_stage_rows`). An enterprise's own trade
(the denominator of its dependence) and the total come from trade's enterprise rollup of the
same months, which sums the same facts."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, When

from kaifang.core.lib import local_cache
from kaifang.core.models import DataScope, Industry, Partner, PartnerGroup, Unit, UnitKind, User
from kaifang.core.scope import effective_scope, scope_q, visible_to
from kaifang.enterprises.models import Enterprise
from kaifang.risk import matching, rollup
from kaifang.risk.models import ExposureRollup, FollowUp, Scenario, ScenarioProduct, WatchEntry
from kaifang.trade.figures import report_month
from kaifang.trade.models import CustomsRecord, Dimension, TradeRollup, YearToDateRollup
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors import (
    Viewer,
    sees_all,
)
from kaifang.trade.selectors.base import (
    as_decimal,
    enterprise_rollup,
    raw_rows,
    reach,
    scope_signature,
    stage_rows,
)
from kaifang.trade.selectors.measures import add_months

ZERO = Decimal(0)
NONE = "-"


# --- partners -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerChoice:
    codes: frozenset[str]
    unknown: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


def resolve_partners(tokens: Iterable[str]) -> PartnerChoice:
    """Customs codes ("502"), group codes or group names ("欧盟", "rcep") → member codes."""
    codes: set[str] = set()
    unknown: list[str] = []
    labels: list[str] = []
    for raw in tokens:
        token = raw.strip()
        if not token:
            continue
        if token.isdigit():
            partner = Partner.objects.filter(code=token.zfill(3)).first()
            if partner is None:
                unknown.append(token)
                continue
            codes.add(partner.code)
            labels.append(f"{partner.code} {partner.name_zh}")
            continue
        group = PartnerGroup.objects.filter(Q(code__iexact=token) | Q(name=token)).first()
        if group is None:
            unknown.append(token)
            continue
        codes |= set(group.members.values_list("code", flat=True))
        labels.append(group.name)
    return PartnerChoice(frozenset(codes), tuple(unknown), tuple(labels))


# --- the specification of a computation ---------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """What to compute: a scenario's terms, or the CLI's."""

    flow: str = "export"
    partner_codes: frozenset[str] | None = None  # None: every partner
    lines: tuple[str, ...] = ()  # empty: every product
    rates: tuple[tuple[str, Decimal], ...] = ()  # per-line duty, where the list gives one
    months: int = 12
    until: dt.date | None = None
    currency: str = "usd"
    shock: str = "stop"
    tariff_pp: Decimal = ZERO
    elasticity: Decimal = ZERO
    share_lost_pct: Decimal = ZERO

    @property
    def field(self) -> str:
        return "value_usd" if self.currency == "usd" else "value_cny"

    def loss(self, exposed: Decimal, line: str | None) -> Decimal:
        rate = dict(self.rates).get(line or "", self.tariff_pp)
        return matching.loss(
            exposed,
            shock=self.shock,
            rate_pp=rate,
            elasticity=self.elasticity,
            share_lost_pct=self.share_lost_pct,
        )


def scenario_partner_codes(scenario: Scenario) -> frozenset[str] | None:
    codes = set(scenario.partners.values_list("code", flat=True))
    codes |= set(
        Partner.objects.filter(groups__in=scenario.partner_groups.all()).values_list(
            "code", flat=True
        )
    )
    if not codes and not scenario.partner_groups.exists():
        return None
    return frozenset(codes)


def spec_for(scenario: Scenario) -> Spec:
    products = list(scenario.products.all())
    return Spec(
        flow=scenario.flow,
        partner_codes=scenario_partner_codes(scenario),
        lines=tuple(p.hs_code for p in products),
        rates=tuple((p.hs_code, p.rate_pp) for p in products if p.rate_pp is not None),
        months=scenario.months,
        until=scenario.until,
        currency=scenario.currency,
        shock=scenario.shock,
        tariff_pp=scenario.tariff_pp,
        elasticity=scenario.elasticity,
        share_lost_pct=scenario.share_lost_pct,
    )


def window(until: dt.date, months: int) -> list[dt.date]:
    """The `months` months ending with `until`'s month (across year boundaries)."""
    end = dt.date(until.year, until.month, 1)
    return [add_months(end, -k) for k in range(months - 1, -1, -1)]


def hs_filter(lines: Sequence[str]) -> Q | None:
    """The records matching any line (matching.matches, in SQL); None: every product."""
    if not lines:
        return None
    condition = Q(pk__in=[])
    for line in matching.minimal_lines(lines):
        upper = matching.upper_bound(line)
        prefix = Q(hs_code__gte=line, hs_code__startswith=line)
        condition |= prefix & Q(hs_code__lt=upper) if upper else prefix
        shorter = matching.reverse_prefixes(line)
        if shorter:
            condition |= Q(hs_code__in=shorter)
    return condition


def matching_records(
    *, viewer: Viewer, spec: Spec, months: Sequence[dt.date], owner: User | None = None
) -> QuerySet[CustomsRecord]:
    """The customs records a scenario counts, through the scope gate of the viewer and,
    for a scenario owned by a unit that does not see the whole city, of its owner too."""
    # The months are contiguous: a range lets SQLite walk the (partner, period) index even
    # without ANALYZE statistics, where an IN list of months made it scan (period, flow).
    return CustomsRecord.objects.filter(
        scope_gates(viewer, owner) & in_months(months) & spec_terms(spec, flow=True)
    )


def within(enterprise: int | None, district: int | None) -> Q:
    """A scenario page's own narrowing (?enterprise= or ?district=) on records or rollup rows
    (both reach the firm as `enterprise`): its sums and its records page filter alike."""
    if enterprise is not None:
        return Q(enterprise_id=enterprise)
    if district is not None:
        return Q(enterprise__district_id=district)
    return Q()


def scope_gates(viewer: Viewer, owner: User | None) -> Q:
    """The scope gates of `matching_records` as one condition: the viewer's, as `facts()`
    writes it (a viewer of named firms gets them listed), and a narrower owner's, as
    `visible_to`."""
    condition = Q()
    if viewer is not None:
        scope = effective_scope(viewer)
        if not scope.sees_all and not scope.unit_ids:
            condition &= Q(enterprise_id__in=sorted(reach(viewer).owner_only_ids))
        condition &= scope_q(CustomsRecord, scope) or Q()
    if owner is not None and not sees_all(owner):
        condition &= scope_q(CustomsRecord, effective_scope(owner)) or Q()
    return condition


def in_months(months: Sequence[dt.date]) -> Q:
    return Q(period__gte=min(months), period__lte=max(months))


def spec_terms(spec: Spec, *, flow: bool = False, partners: bool = True) -> Q:
    """The scenario's own terms: its flow, partners and product lines."""
    condition = Q(flow=spec.flow) if flow else Q()
    if partners and spec.partner_codes is not None:
        condition &= Q(partner_code__in=sorted(spec.partner_codes))
    return condition & (hs_filter(spec.lines) or Q())


def hs_pieces(lines: Sequence[str]) -> list[Q]:
    """`hs_filter`'s condition as disjoint pieces: each line's range of codes (the minimal
    lines: none is another's prefix, so no two ranges meet) and one list of the shorter
    codes that stand for a line (`matching.reverse_prefixes`, which lie in no range: a code
    in a line's range that is a prefix of another line would make that line not minimal).
    An index seeks one range after equal columns; an OR of them it reads whole. Empty:
    every product."""
    pieces: list[Q] = []
    shorter: set[str] = set()
    for line in matching.minimal_lines(lines):
        upper = matching.upper_bound(line)
        prefix = Q(hs_code__gte=line, hs_code__startswith=line)
        pieces.append(prefix & Q(hs_code__lt=upper) if upper else prefix)
        shorter |= set(matching.reverse_prefixes(line))
    if shorter:
        pieces.append(Q(hs_code__in=sorted(shorter)))
    return pieces


@dataclass(frozen=True)
class RecordSums:
    total: Decimal | None  # None: no record
    rows: int


def matching_sums(
    *,
    viewer: Viewer,
    spec: Spec,
    months: Sequence[dt.date],
    owner: User | None = None,
    enterprise: int | None = None,
    district: int | None = None,
) -> RecordSums:
    """The total and the count of `matching_records` (within one enterprise or district when
    given), from the exposure rollup: a query for each piece of the product lines
    (`hs_pieces`), each a seek along the rollup's index per month × partner to the piece's
    codes, where one OR of the lines' ranges read every code of them (the leader's EU
    textiles scenario, three chapters: 48 → 9 ms at 5.6 M records). From the records while
    the rollup of a month in the window is being rewritten (`rollup_lags`)."""
    narrow = within(enterprise, district)
    field = spec.field
    if not spec.lines:
        stage = partner_stage_rows(viewer=viewer, spec=spec, months=months, owner=owner)
        found = stage.filter(narrow).aggregate(total=Sum(field), rows=Sum("rows"))
        return RecordSums(found["total"], found["rows"] or 0)
    if rollup_lags(months):
        records = matching_records(viewer=viewer, spec=spec, months=months, owner=owner)
        found = records.filter(narrow).aggregate(total=Sum(field), rows=Count("id"))
        return RecordSums(found["total"], found["rows"] or 0)
    rows = rollup_before_lines(viewer=viewer, spec=spec, months=months, owner=owner).filter(narrow)
    pieces = hs_pieces(spec.lines) or [Q()]
    totals, count = [], 0
    for piece in pieces:
        found = rows.filter(piece).aggregate(total=Sum(field), rows=Sum("rows"))
        if found["total"] is not None:
            totals.append(found["total"])
        count += found["rows"] or 0
    return RecordSums(sum(totals, ZERO) if totals else None, count)


def rollup_before_lines(
    *, viewer: Viewer, spec: Spec, months: Sequence[dt.date], owner: User | None
) -> QuerySet[ExposureRollup]:
    """The exposure rollup rows of the records `matching_records` gives (the same gates, the
    window, flow and partners) before the scenario's product lines, which its readers add as
    `hs_pieces`, one query each. The months as a list: with flow, they name the first two
    columns of the rollup's index, and the partners the third, so each month × partner is one
    walk along the index, and a piece's range of codes bounds it."""
    qs = rollup_rows(viewer).filter(flow=spec.flow, period__in=sorted(months))
    if spec.partner_codes is None and spec.lines:
        # Every partner, some products: name the partners the months have (trade's partner
        # rollup, rebuilt with this one), so that the HS ranges bound each walk along the
        # index too, instead of every row of the months being read and filtered.
        present = (
            TradeRollup.objects.filter(
                dimension=Dimension.PARTNER, flow=spec.flow, period__in=sorted(months)
            )
            .values_list("key", flat=True)
            .distinct()
            .order_by()
        )
        qs = qs.filter(partner_code__in=sorted(set(present)))
    if owner is not None and not sees_all(owner):
        qs = visible_to(qs, owner)
    if spec.partner_codes is not None:
        qs = qs.filter(partner_code__in=sorted(spec.partner_codes))
    return qs


def partner_stage_rows(
    *, viewer: Viewer, spec: Spec, months: Sequence[dt.date], owner: User | None
) -> QuerySet[Any]:
    """The records `matching_records` gives for a spec without product lines, as rows of
    trade's partner stage (a firm's sums by month, flow and partner, through the same gate as
    the records): it is rebuilt in the import's own transaction, so it never waits for the
    exposure rollup's refresh, and its key index (partner, month, firm, then the sums) answers
    the firms of a few partners alone. The dependence page's watch list (four partners, twelve
    months) grouped by firm: 58 → 11–19 ms of SQL at 5.6 M records (session 48)."""
    qs = stage_rows(viewer, "partner").filter(flow=spec.flow, period__in=sorted(months))
    if owner is not None and not sees_all(owner):
        qs = visible_to(qs, owner)
    if spec.partner_codes is not None:
        qs = qs.filter(partner__in=sorted(spec.partner_codes))
    return qs


def rollup_rows(viewer: Viewer) -> QuerySet[ExposureRollup]:
    """The exposure rollup rows of the enterprises whose records the viewer sees (the scope
    gate, as trade's `facts()` applies it to the records)."""
    qs = ExposureRollup.objects.all()
    if viewer is None:
        return qs
    scope = effective_scope(viewer)
    if not scope.sees_all and not scope.unit_ids:
        qs = qs.filter(enterprise_id__in=sorted(reach(viewer).owner_only_ids))
    return visible_to(qs, viewer)


# --- the result -----------------------------------------------------------------------------


def share_of_own_trade(exposed: Decimal, own_trade: Decimal) -> Decimal | None:
    """exposed ÷ own trade in the same flow and months: 0..1; None without own trade."""
    if not own_trade:
        return None
    return min(exposed / own_trade, Decimal(1))


@dataclass
class EnterpriseExposure:
    enterprise_id: int
    name: str
    uscc: str
    district: str
    district_id: int | None
    park: str
    park_id: int | None
    industry: str
    liaison_id: int | None
    liaison: str
    exposed: Decimal
    own_trade: Decimal
    loss: Decimal

    @property
    def share_of_own_trade(self) -> Decimal | None:
        return share_of_own_trade(self.exposed, self.own_trade)

    @property
    def share_pct(self) -> Decimal | None:
        share = self.share_of_own_trade
        return None if share is None else share * 100


@dataclass
class GroupRow:
    key: str
    name: str
    exposed: Decimal = ZERO
    loss: Decimal = ZERO
    enterprises: int = 0


@dataclass
class LineMatch:
    """What one line of the product list matched: customs records, distinct HS codes of the
    city's data, and their value (a record matching several lines counts under the longest)."""

    records: int = 0
    codes: int = 0
    exposed: Decimal = ZERO


@dataclass
class LineRow:
    line: int
    hs_code: str
    rate_pp: Decimal | None
    note: str
    records: int = 0
    codes: int = 0
    exposed: Decimal = ZERO


@dataclass
class Exposure:
    spec: Spec
    months: list[dt.date]
    total_exposed: Decimal = ZERO
    total_trade: Decimal = ZERO
    total_loss: Decimal = ZERO
    records: int = 0
    enterprises: list[EnterpriseExposure] = field(default_factory=list)
    by_district: list[GroupRow] = field(default_factory=list)
    by_park: list[GroupRow] = field(default_factory=list)
    by_industry: list[GroupRow] = field(default_factory=list)
    by_line: dict[str, LineMatch] = field(default_factory=dict)
    # Read from the records because the rollup of a month in the window is being rewritten.
    refreshing: bool = False

    @property
    def share(self) -> Decimal | None:
        if not self.total_trade:
            return None
        return self.total_exposed / self.total_trade

    @property
    def share_pct(self) -> Decimal | None:
        return None if self.share is None else self.share * 100

    @property
    def has_data(self) -> bool:
        return bool(self.months)

    @property
    def window_label(self) -> str:
        return window_label(self.months)


def window_label(months: Sequence[dt.date]) -> str:
    """An exposure's window in words: "2025-12 至 2026-11（12个月）"; "—" without months."""
    if not months:
        return "—"
    first, last = months[0], months[-1]
    return f"{first:%Y-%m} 至 {last:%Y-%m}（{len(months)}个月）"


def _trade_total(
    viewer: Viewer, owner: User | None, spec: Spec, months: Sequence[dt.date]
) -> Decimal:
    """Everyone's trade the viewer sees (the owner's, if named) in the spec's flow and months
    (rollups)."""
    rollup: QuerySet[TradeRollup] = enterprise_rollup(viewer).filter(
        period__in=list(months), flow=spec.flow
    )
    if owner is not None and not sees_all(owner):
        rollup = rollup.filter(key__in=reach(owner).enterprise_keys)
    elif sees_all(viewer):  # the whole city: the small trade-mode rollup sums the same facts
        rollup = TradeRollup.objects.filter(
            dimension=Dimension.MODE, period__in=list(months), flow=spec.flow
        )
    return exact(rollup.aggregate(total=Sum(spec.field))["total"])


def _to_date_terms(first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """The 累计 months whose signed sum is the trade of the months [first, last]: in each
    year of the window, its 累计 at the window's last month in that year, less, in the first
    year, its 累计 at the month before the window (none before January)."""
    terms: dict[dt.date, int] = {}
    for year in range(first.year, last.year + 1):
        terms[min(last, dt.date(year, 12, 1))] = 1
    if first.month > 1:
        terms[dt.date(first.year, first.month - 1, 1)] = -1
    return terms


def _own_trade(spec: Spec, months: Sequence[dt.date], ids: list[int]) -> dict[int, Decimal]:
    """Each of these enterprises' trade in the spec's flow and months (the window: a run of
    months), from their 累计 rows: two or three a firm (`_to_date_terms`) instead of twelve
    months. The dependence page's 1,844 exposed firms read 21,516 monthly rows on PostgreSQL
    (16 ms; session 58). The ids are the exposed firms the viewer sees (`_exposed`, through
    the gate). The monthly rollup answers until the first `rebuild-rollups`."""
    own: dict[int, Decimal] = {}
    terms = _to_date_terms(min(months), max(months))
    if YearToDateRollup.objects.exists():
        source: QuerySet[Any] = YearToDateRollup.objects.filter(period__in=list(terms))
        signed: Any = Sum(
            Case(
                *(
                    When(period=p, then=F(spec.field) if sign > 0 else -F(spec.field))
                    for p, sign in terms.items()
                ),
                output_field=DecimalField(max_digits=24, decimal_places=4),
            )
        )
    else:
        source = TradeRollup.objects.filter(
            dimension=Dimension.ENTERPRISE, period__gte=min(months), period__lte=max(months)
        )
        signed = Sum(spec.field)
    for start in range(0, len(ids), 5000):
        keys = [str(i) for i in ids[start : start + 5000]]
        rows = (
            source.filter(key__in=keys, flow=spec.flow)
            .values_list("key")
            .annotate(value=signed)
            .order_by()
        )
        for key, value in raw_rows(rows):  # 1,845 firms of the dependence page's watch list
            own[int(key)] = exact_raw(value)
    return own


def rollup_lags(months: Iterable[dt.date]) -> bool:
    """Whether the exposure rollup of one of `months` waits for its background refresh."""
    return bool(rollup.stale_months(months))


def default_until(viewer: Viewer) -> dt.date | None:
    """The newest month the viewer sees, kept per rollup version and scope as trade's pages
    keep it (a MAX over a district's firms' rollup rows on every request otherwise)."""
    return report_month(viewer)


def exposure(
    *, viewer: Viewer, spec: Spec, owner: User | None = None, source: str = "rollup"
) -> Exposure:
    """The exposure of the viewer's enterprises (and the owner's, see matching_records), read
    from the exposure rollup (without product lines, from trade's partner stage:
    `partner_stage_rows`), or with source="facts" from the customs records (the same
    figures; the tests and the benchmark compare them). A window with a month whose rollup
    is stale (an import committed, its background refresh not yet run) reads the records."""
    result, exposed, lost = _exposed(viewer=viewer, spec=spec, owner=owner, source=source)
    if not result.months:
        return result
    ids = [pk for pk, value in exposed.items() if value]
    own = _own_trade(spec, result.months, ids)
    result.total_trade = _trade_total(viewer, owner, spec, result.months)
    result.enterprises = _enterprise_rows(ids, exposed, lost, own)
    result.total_exposed = sum((e.exposed for e in result.enterprises), ZERO)
    result.total_loss = sum((e.loss for e in result.enterprises), ZERO)
    result.by_district = _group(result.enterprises, "district")
    result.by_park = _group(result.enterprises, "park")
    result.by_industry = _group(result.enterprises, "industry")
    return result


@dataclass(frozen=True)
class WatchShares:
    """Each exposed firm's exposure, loss and own trade over a window: what `exposed_above`
    filters by a share. The dependence page keeps it per window and watch list, so another
    threshold reads no trade (session 55)."""

    months: tuple[dt.date, ...]
    records: int = 0
    # (enterprise id, exposed, lost, own trade) of each firm with exposed trade, in the
    # exposure's order
    firms: tuple[tuple[int, Decimal, Decimal, Decimal], ...] = ()

    def above(self, share_pct: Decimal) -> list[EnterpriseExposure]:
        """The rows of the firms whose exposure is above `share_pct` % of their own trade."""
        ids, exposed, lost, own = [], {}, {}, {}
        for pk, value, loss, trade in self.firms:
            share = share_of_own_trade(value, trade)
            if share is not None and share * 100 > share_pct:
                ids.append(pk)
                exposed[pk], lost[pk], own[pk] = value, loss, trade
        return _enterprise_rows(ids, exposed, lost, own)


def watch_shares(*, viewer: Viewer, spec: Spec) -> WatchShares:
    """`exposure`'s window and each exposed firm's exposure, loss and own trade, without the
    firms' rows, totals or groups (see `exposed_above`)."""
    result, exposed, lost = _exposed(viewer=viewer, spec=spec, owner=None, source="rollup")
    if not result.months:
        return WatchShares(months=())
    ids = [pk for pk, value in exposed.items() if value]
    # No total: the dependence page shows none, and PostgreSQL scanned the enterprise rollup
    # for a district's 1,800 firms' total (21 ms; session 58).
    own = _own_trade(spec, result.months, ids)
    return WatchShares(
        months=tuple(result.months),
        records=result.records,
        firms=tuple((pk, exposed[pk], lost.get(pk, ZERO), own.get(pk, ZERO)) for pk in ids),
    )


def exposed_above(*, viewer: Viewer, spec: Spec, share_pct: Decimal) -> Exposure:
    """`exposure` with only the firms whose exposure is above `share_pct` % of their own
    trade (its rows and their order; the window too), and no totals or groups: the dependence
    page's watch list names 158 of the large city's 1,844 exposed firms, and naming and
    grouping the rest was a fifth of its work."""
    shares = watch_shares(viewer=viewer, spec=spec)
    result = Exposure(spec=spec, months=list(shares.months), records=shares.records)
    result.enterprises = shares.above(share_pct)
    return result


def _exposed(
    *, viewer: Viewer, spec: Spec, owner: User | None, source: str
) -> tuple[Exposure, dict[int, Decimal], dict[int, Decimal]]:
    """The window, records and product lines of `exposure`, and each firm's exposed trade
    and loss: everything but the firms' own trade and rows."""
    until = spec.until or default_until(viewer)
    if until is None:
        return Exposure(spec=spec, months=[]), {}, {}
    months = window(until, spec.months)
    result = Exposure(spec=spec, months=months)
    if source == "rollup" and not spec.lines:  # never behind the records
        source = "stage"
    elif source == "rollup" and rollup_lags(months):
        source, result.refreshing = "facts", True
    rows: Iterable[tuple[int, str, Decimal, int]]
    if source == "stage":
        stage = partner_stage_rows(viewer=viewer, spec=spec, months=months, owner=owner)
        rows = _grouped(stage, spec, Sum("rows"))
    elif source == "facts":
        rows = _grouped(
            matching_records(viewer=viewer, spec=spec, months=months, owner=owner),
            spec,
            Count("id"),
        )
    else:
        # One grouping per piece of the lines, each a seek of the rollup's index to its codes
        # (`hs_pieces`; one OR of the ranges read every code of the months' partners: the EU
        # textiles scenario's grouping 64 → 26 ms at 5.6 M records). The pieces share no code,
        # so no enterprise × code comes twice.
        rolled = rollup_before_lines(viewer=viewer, spec=spec, months=months, owner=owner)
        rows = chain.from_iterable(
            _grouped(rolled.filter(piece), spec, Sum("rows"))
            for piece in hs_pieces(spec.lines) or [Q()]
        )
    lines = list(spec.lines)
    exposed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    lost: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_line: dict[str, LineMatch] = {}
    codes: dict[str, set[str]] = defaultdict(set)
    line_of: dict[str, str | None] = {}
    for enterprise_id, code, value, n in rows:
        if lines:
            if code not in line_of:
                line_of[code] = matching.best_line(lines, code)
            line = line_of[code]
        else:
            line = None
        exposed[enterprise_id] += value
        lost[enterprise_id] += spec.loss(value, line)
        result.records += n
        if line is not None:
            match = by_line.setdefault(line, LineMatch())
            match.records += n
            match.exposed += value
            codes[line].add(code)
    for line, match in by_line.items():
        match.codes = len(codes[line])
    result.by_line = by_line
    return result, exposed, lost


def _grouped(
    qs: QuerySet[Any], spec: Spec, count: Count | Sum
) -> Iterable[tuple[int, str, Decimal, int]]:
    """(enterprise, HS code, value, records) of the matching rows. Without lines, one row per
    enterprise (the code is ""): every row counts whatever its code. With lines, one row per
    enterprise and code, so that Python assigns each code its longest matching line
    (matching.best_line, once per code) and counts the codes each line matched."""
    value = Sum(spec.field)
    if not spec.lines:
        rows = qs.values_list("enterprise_id").annotate(value=value, n=count).order_by()
        for enterprise_id, total, n in raw_rows(rows):
            yield enterprise_id, "", exact_raw(total), n or 0
        return
    grouped = qs.values_list("enterprise_id", "hs_code").annotate(value=value, n=count)
    for enterprise_id, code, total, n in raw_rows(grouped.order_by()):
        yield enterprise_id, code or "", exact_raw(total), n or 0


def exact_raw(value: Any) -> Decimal:
    """`exact` of a sum as the database returned it (`raw_rows`: a float on SQLite)."""
    return exact(as_decimal(value, 4) if value else None)  # 4: matching.PLACES


def exact(value: Decimal | None) -> Decimal:
    """A sum at the storage precision of customs values (0.0001). PostgreSQL sums exactly;
    SQLite adds binary floating point, whose last digits (…103.770001) depend on the order
    of the additions: records and rollup rows then agree to the stored precision."""
    return (value or ZERO).quantize(matching.PLACES)


def _enterprise_rows(
    ids: list[int],
    exposed: dict[int, Decimal],
    lost: dict[int, Decimal],
    own: dict[int, Decimal],
) -> list[EnterpriseExposure]:
    attributes: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 5000):
        for row in Enterprise.objects.filter(pk__in=ids[start : start + 5000]).values(
            "id",
            "name",
            "uscc",
            "customs_code",
            "district_id",
            "park_id",
            "industry__code",
            "liaison_id",
            "liaison__full_name",
            "liaison__username",
        ):
            attributes[row["id"]] = dict(row)
    # the place (东城区), not the office (东城区商务局): the columns say 县区 and 园区
    unit_names = {
        u.pk: u.place_name
        for u in Unit.objects.filter(
            pk__in={a[k] for a in attributes.values() for k in ("district_id", "park_id") if a[k]}
        ).only("id", "name", "short_name")
    }
    divisions = {a["industry__code"][:2] for a in attributes.values() if a["industry__code"]}
    industry_names = dict(Industry.objects.filter(code__in=divisions).values_list("code", "name"))
    rows = []
    for pk in ids:
        a = attributes.get(pk)
        if a is None:
            continue
        division = (a["industry__code"] or "")[:2]
        rows.append(
            EnterpriseExposure(
                enterprise_id=pk,
                name=a["name"],
                uscc=a["uscc"] or a["customs_code"] or "",
                district=unit_names.get(a["district_id"], "未填县区"),
                district_id=a["district_id"],
                park=unit_names.get(a["park_id"], "不在园区"),
                park_id=a["park_id"],
                industry=(
                    f"{division} {industry_names.get(division, '')}".strip()
                    if division
                    else "未填行业"
                ),
                liaison_id=a["liaison_id"],
                liaison=a["liaison__full_name"] or a["liaison__username"] or "",
                exposed=exposed[pk],
                own_trade=own.get(pk, ZERO),
                loss=lost[pk],
            )
        )
    rows.sort(key=lambda e: (-e.exposed, e.name, e.enterprise_id))
    return rows


def _group(rows: Sequence[EnterpriseExposure], by: str) -> list[GroupRow]:
    groups: dict[str, GroupRow] = {}
    for e in rows:
        if by == "district":
            key = str(e.district_id or NONE)
        elif by == "park":
            key = str(e.park_id or NONE)
        else:
            key = e.industry.split(" ")[0]
        name = getattr(e, by)
        group = groups.setdefault(key, GroupRow(key=key, name=name))
        group.exposed += e.exposed
        group.loss += e.loss
        group.enterprises += 1
    return sorted(groups.values(), key=lambda g: (-g.exposed, g.name))


def product_lines(scenario: Scenario, result: Exposure) -> list[LineRow]:
    """The scenario's product lines with how many records and distinct codes each matched."""
    rows = []
    for product in scenario.products.all():
        match = result.by_line.get(product.hs_code, LineMatch())
        rows.append(
            LineRow(
                line=product.line,
                hs_code=product.hs_code,
                rate_pp=product.rate_pp,
                note=product.note,
                records=match.records,
                codes=match.codes,
                exposed=match.exposed,
            )
        )
    return rows


# --- scenarios, watch list, follow-ups -----------------------------------------------------


def scenarios_for(user: User) -> QuerySet[Scenario]:
    return visible_to(Scenario.objects.all(), user).select_related("unit", "created_by")


def scenario_owner(scenario: Scenario) -> User | None:
    return scenario.created_by


SCENARIO_CACHE_SECONDS = 24 * 3600  # a rebuild, an import or an enterprise change retires it


def scenario_exposure(user: User, scenario: Scenario) -> Exposure:
    """The scenario's result as `user` sees it (within its creator's scope as well), kept per
    rollup version (every import, rebuild or enterprise change moves it), the user's and the
    creator's scope and the scenario's terms: its page computed it on every view (scenario 1
    of the large city: 140 ms of CPU on SQLite, 200 ms on PostgreSQL, warm, in the crawls of
    session 55), and so did its workbook and its brief. A result read from the records while
    a month's exposure rollup is rewritten (`refreshing`) is not kept."""
    spec = spec_for(scenario)
    owner = scenario_owner(scenario)
    key = ":".join(
        [
            "risk:scenario:1",
            str(rollup_version()),
            scope_signature(user),
            scope_signature(owner) if owner is not None else "-",
            spec_key(spec),
        ]
    )
    return local_cache.versioned(
        key,
        lambda: exposure(viewer=user, spec=spec, owner=owner),
        SCENARIO_CACHE_SECONDS,
        keep=lambda found: not found.refreshing,
    )


def spec_key(spec: Spec) -> str:
    """A digest of a spec's terms, the same in every process (a set's order is not)."""
    partners = "*" if spec.partner_codes is None else ",".join(sorted(spec.partner_codes))
    terms = [
        spec.flow,
        partners,
        ",".join(spec.lines),
        ",".join(f"{line}={rate}" for line, rate in spec.rates),
        str(spec.months),
        str(spec.until),
        spec.currency,
        spec.shock,
        str(spec.tariff_pp),
        str(spec.elasticity),
        str(spec.share_lost_pct),
    ]
    return hashlib.sha256("|".join(terms).encode()).hexdigest()[:20]


def partners_label(scenario: Scenario) -> str:
    """The scenario's partners and partner groups, as its pages and files name them."""
    names = [f"{p.code} {p.name_zh}" for p in scenario.partners.all()]
    names += [g.name for g in scenario.partner_groups.all()]
    return "、".join(names)


def scenario_area(scenario: Scenario, viewer: User) -> str:
    """Where a scenario's figures come from, as the brief says it: 全市 when its creator and
    the reader both see the whole city; the district or park (东城区) when the narrower of the
    two is that unit's staff; else the data scope, unnamed."""
    owner = scenario_owner(scenario)
    narrow = [
        s for s in (effective_scope(u) for u in (owner, viewer) if u is not None) if not s.sees_all
    ]
    if not narrow:
        return "全市"
    unit = scenario.unit
    if (
        unit is not None
        and unit.kind in (UnitKind.DISTRICT, UnitKind.PARK)
        and all(
            s.widest in (DataScope.UNIT_AND_BELOW, DataScope.UNIT) and unit.pk in s.unit_ids
            for s in narrow
        )
    ):
        return unit.place_name
    return "本情景数据范围内"


def watch_list() -> QuerySet[WatchEntry]:
    """City-wide (like the reference data): every signed-in user reads it."""
    return WatchEntry.objects.select_related("partner", "updated_by")


def follow_ups_for(user: User, scenario: Scenario) -> QuerySet[FollowUp]:
    return visible_to(scenario.follow_ups.all(), user).select_related("enterprise", "liaison")


def products_of(scenario: Scenario) -> QuerySet[ScenarioProduct]:
    return scenario.products.all()


def can_maintain_watch_list(user: User) -> bool:
    """The bureau's staff (whole-city scope, not only a leader) keep the watch list."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return effective_scope(user).sees_all and any(r.code != "leader" for r in user.roles.all())
