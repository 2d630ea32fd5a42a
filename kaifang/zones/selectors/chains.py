"""产业链图谱's figures: for each segment of a chain, who fills it (by industry, or by exporting
its HS codes in 1–N月), its trade and the partners it imports from and exports to, all from the
customs records the viewer sees.

They are sums of the chains' own rollup (`ChainTradeRollup`, decision 0024: per enterprise,
month, flow, chain code and partner, rewritten with trade's rollups), read through the scope
gate; a code the rollup does not hold yet (a segment just added) is summed from the records
and the product stage, as before (`_read_records`, also the tests' reference). What each
segment holds for a viewer is cached small (`SegmentFigures`, per scope, codes and months),
and the worker fills those entries for the city and every district's and park's unit each
time the rollup version moves (`refill`, through trade's
`after_version_moves`): the first viewer after an import or an enterprise change meets a warm
cache."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr

from kaifang.core.models import Partner, User
from kaifang.core.scope import visible_to
from kaifang.enterprises.models import Enterprise, EnterpriseStatus
from kaifang.trade.models import Flow
from kaifang.trade.refill import after_version_moves, refill_viewers
from kaifang.trade.rollups import rollup_version
from kaifang.trade.selectors import Query, totals_by_flow
from kaifang.trade.selectors.base import (
    by_firm_scope,
    code_range,
    facts,
    reach,
    scope_signature,
    sees_all,
    stage_rows,
)
from kaifang.trade.selectors.measures import share_pct
from kaifang.zones import chain_rollup
from kaifang.zones.chain_rollup import Codes, covered, segment_codes, sync_codes
from kaifang.zones.models import (
    Chain,
    ChainFirmRollup,
    ChainPartnerRollup,
    ChainSegment,
    ChainTradeRollup,
)
from kaifang.zones.selectors import ZERO, AnyUser, _viewer, report_query

FILLED, WEAK, EMPTY = "filled", "weak", "empty"
STATE_LABELS = {FILLED: "已补链", WEAK: "薄弱", EMPTY: "缺失"}
STATE_COLOURS = {FILLED: "green", WEAK: "yellow", EMPTY: "red"}
HEADING = 4  # digits of an HS heading: the product stage rollup's grain
CHAIN_CACHE_SECONDS = 24 * 3600  # a rebuild or an enterprise change retires entries sooner
_Scoped = TypeVar("_Scoped", ChainTradeRollup, ChainFirmRollup)


@dataclass
class PartnerRow:
    code: str
    name: str
    value: Decimal
    share_pct: Decimal | None


@dataclass
class FillingEnterprise:
    enterprise: Enterprise
    by_industry: bool
    exports: Decimal
    imports: Decimal


@dataclass(frozen=True)
class SegmentFigures:
    """What a segment's HS codes hold in one viewer's records over the months: per enterprise
    (exports, imports), and per partner the imports (sources) and exports (markets)."""

    by_enterprise: dict[int, tuple[Decimal, Decimal]]
    sources: dict[str, Decimal]
    markets: dict[str, Decimal]

    @property
    def exports(self) -> Decimal:
        return sum(self.markets.values(), ZERO)

    @property
    def imports(self) -> Decimal:
        return sum(self.sources.values(), ZERO)


@dataclass
class SegmentView:
    segment: ChainSegment
    figures: SegmentFigures
    industry_ids: frozenset[int]  # the viewer's open enterprises of the segment's industries
    city_total: Decimal
    sources: list[PartnerRow] = field(default_factory=list)  # where the city imports from
    markets: list[PartnerRow] = field(default_factory=list)  # where its exports go

    @property
    def exports(self) -> Decimal:
        return self.figures.exports

    @property
    def imports(self) -> Decimal:
        return self.figures.imports

    @cached_property
    def filling_ids(self) -> frozenset[int]:
        """The enterprises that fill the segment: by industry, or by exporting its codes."""
        exporters = {pk for pk, (exports, _) in self.figures.by_enterprise.items() if exports}
        return self.industry_ids | exporters

    @property
    def enterprise_count(self) -> int:
        return len(self.filling_ids)

    @cached_property
    def ranked_ids(self) -> list[int]:
        """The filling enterprises, largest trade first, then by name (ids only: a leader's
        segment may hold thousands; pages fetch the rows they show with `filling`)."""
        names = dict(
            Enterprise.objects.filter(pk__in=sorted(self.filling_ids)).values_list("pk", "name")
        )
        trade = {pk: e + i for pk, (e, i) in self.figures.by_enterprise.items()}
        return sorted(names, key=lambda pk: (-trade.get(pk, ZERO), names[pk]))

    def filling(self, ids: Sequence[int]) -> list[FillingEnterprise]:
        """The rows of these filling enterprises, in the order given."""
        found = Enterprise.objects.select_related("industry").in_bulk(list(ids))
        rows = []
        for pk in ids:
            if pk in found:
                exports, imports = self.figures.by_enterprise.get(pk, (ZERO, ZERO))
                rows.append(
                    FillingEnterprise(
                        enterprise=found[pk],
                        by_industry=pk in self.industry_ids,
                        exports=exports,
                        imports=imports,
                    )
                )
        return rows

    @cached_property
    def enterprises(self) -> list[FillingEnterprise]:
        """Every filling enterprise, largest trade first (the API and the tests)."""
        return self.filling(self.ranked_ids)

    @property
    def trade(self) -> Decimal:
        return self.exports + self.imports

    @property
    def share_pct(self) -> Decimal | None:
        return share_pct(self.trade, self.city_total) if self.city_total else None

    @property
    def state(self) -> str:
        if not self.filling_ids:
            return EMPTY
        if self.enterprise_count < self.segment.min_enterprises or self.exports < self.imports:
            return WEAK
        return FILLED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def state_colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def is_gap(self) -> bool:
        return self.state != FILLED

    @property
    def reasons(self) -> str:
        if self.state == EMPTY:
            return "本地没有企业从事该环节"
        parts = []
        if self.enterprise_count < self.segment.min_enterprises:
            parts.append(
                f"本地企业 {self.enterprise_count} 家，少于 {self.segment.min_enterprises} 家"
            )
        if self.exports < self.imports:
            parts.append("进口大于出口，本地配套依赖进口")
        return "；".join(parts)


def chains_all() -> QuerySet[Chain]:
    return Chain.objects.prefetch_related("segments")


def chain_get(pk: Any) -> Chain:
    """A chain is a city-wide map: any logged-in user may open it; its figures are scoped."""
    from django.http import Http404

    try:
        return Chain.objects.get(pk=int(pk))
    except (Chain.DoesNotExist, ValueError, TypeError):
        raise Http404("产业链不存在") from None


# --- the figures of segments -------------------------------------------------------------


def _prefix_q(field_name: str, codes: Iterable[str]) -> Q:
    """Rows whose `field_name` starts with one of the codes, as ranges an index can serve (a
    LIKE cannot on SQLite)."""
    condition = Q(pk__in=[])
    for code in codes:
        low, high = code_range(code)
        if high is None:  # no upper bound of the same length
            condition |= Q(**{f"{field_name}__startswith": code})
        else:
            condition |= Q(**{f"{field_name}__gte": low, f"{field_name}__lt": high})
    return condition


def _cache_key(viewer: User | None, codes: Codes, months: Sequence[dt.date]) -> str:
    digest = hashlib.sha256(",".join(codes).encode()).hexdigest()[:16]
    span = f"{min(months):%Y%m}-{max(months):%Y%m}-{len(months)}" if months else "none"
    return f"zones:segment:{rollup_version()}:{scope_signature(viewer)}:{digest}:{span}"


def segment_figures(
    viewer: User | None, wanted: Iterable[Codes], months: Sequence[dt.date]
) -> dict[Codes, SegmentFigures]:
    """The figures of each set of codes in the viewer's records over the months: from the
    cache, the missing ones from two grouped reads for all of them at once."""
    keys = {codes: _cache_key(viewer, codes, months) for codes in set(wanted)}
    found = cache.get_many(list(keys.values()))
    out = {c: found[k] for c, k in keys.items() if isinstance(found.get(k), SegmentFigures)}
    missing = [c for c in keys if c not in out]
    if missing:
        computed = _compute(viewer, missing, months)
        cache.set_many({keys[c]: computed[c] for c in missing}, CHAIN_CACHE_SECONDS)
        out.update(computed)
    return out


Sums = dict[str, dict[Any, list[Decimal]]]  # code → key → [exports, imports]


def _add(sums: Sums, code: str, key: Any, flow: str, value: Decimal | None) -> None:
    pair = sums[code].setdefault(key, [ZERO, ZERO])
    pair[0 if flow == Flow.EXPORT else 1] += value or ZERO


@dataclass
class _Reads:
    """The grouped rows the figures of some codes are made of, over one viewer's records.
    From the chains' rollup (`_read`): per enterprise ("=" + code, enterprise, flow, value)
    and per partner ("=" + code, partner, flow, district, park, value), each code's own sums.
    From the records (`_read_records`, the reference, and for codes the rollup does not hold
    yet): per enterprise by heading (product stage: heading, enterprise, flow, value); per
    partner by heading (records: heading, partner, flow, district, park, value); both for
    longer codes (records: code, enterprise, partner, flow, value). The firm's district and
    park only in a read for several scopes, else None."""

    stage: list[tuple[Any, ...]]
    partners: list[tuple[Any, ...]]
    fine: list[tuple[Any, ...]]


def _rollup_rows(viewer: User | None, model: type[_Scoped]) -> QuerySet[_Scoped]:
    """The rows of a chains' rollup by firm the viewer may see: the gate `facts()` applies to
    the records, on the same enterprise fields (a liaison officer's firms named, so the read
    walks the firm index)."""
    return by_firm_scope(model.objects.all(), viewer)


def _read(
    viewer: User | None, wanted: Sequence[Codes], months: Sequence[dt.date], *, pairs: bool
) -> _Reads:
    """The rows of the chains' rollups (every code of `wanted` must be held: `covered`): the
    firms' from the rollup by firm; the partners' from the city's rollup by partner for a
    viewer who sees the whole city, else (and tagged with each firm's district and park for
    the worker's refill, `pairs`) from the rows by firm and partner (decision 0045)."""
    codes = sorted({c for group in wanted for c in group})
    reads = _Reads(stage=[], partners=[], fine=[])
    if not codes or not months:
        return reads
    periods = sorted(months)
    firm_rows = _rollup_rows(viewer, ChainFirmRollup).filter(code__in=codes, period__in=periods)
    firms = firm_rows.values_list("code", "enterprise_id", "flow").annotate(v=Sum("value_usd"))
    reads.stage = [("=" + c, e, f, v) for c, e, f, v in firms.order_by()]
    if pairs:
        rows = _rollup_rows(viewer, ChainTradeRollup).filter(code__in=codes, period__in=periods)
        tagged = rows.values_list(
            "code", "partner", "flow", "enterprise__district_id", "enterprise__park_id"
        )
        found = tagged.annotate(v=Sum("value_usd")).order_by()
        reads.partners = [("=" + c, p, f, d, k, v) for c, p, f, d, k, v in found]
        return reads
    if sees_all(viewer):  # through the gate too: it refuses a scoped viewer this table
        by_partner: QuerySet[Any] = by_firm_scope(ChainPartnerRollup.objects.all(), viewer)
    else:
        by_partner = _rollup_rows(viewer, ChainTradeRollup)
    plain = (
        by_partner.filter(code__in=codes, period__in=periods)
        .values_list("code", "partner", "flow")
        .annotate(v=Sum("value_usd"))
    )
    reads.partners = [("=" + c, p, f, None, None, v) for c, p, f, v in plain.order_by()]
    return reads


def _read_records(
    viewer: User | None, wanted: Sequence[Codes], months: Sequence[dt.date], *, pairs: bool
) -> _Reads:
    coarse = sorted({c for codes in wanted for c in codes if len(c) <= HEADING})
    fine = sorted({c for codes in wanted for c in codes if len(c) > HEADING})
    periods = sorted(months)
    reads = _Reads(stage=[], partners=[], fine=[])
    if coarse and periods:
        stage = (
            stage_rows(viewer, "product")
            .filter(period__in=periods)
            .filter(_prefix_q("heading", coarse))
            .values_list("heading", "enterprise_id", "flow")
            .annotate(v=Sum("value_usd"))
            .order_by()
        )
        reads.stage = [tuple(row) for row in stage]
        records = (
            facts(viewer)
            .filter(period__in=periods)
            .filter(_prefix_q("hs_code", coarse))
            .annotate(code=Substr("hs_code", 1, HEADING))
        )
        if pairs:
            tagged = records.values_list(
                "code", "partner_code", "flow", "enterprise__district_id", "enterprise__park_id"
            )
            reads.partners = [tuple(r) for r in tagged.annotate(v=Sum("value_usd")).order_by()]
        else:
            plain = records.values_list("code", "partner_code", "flow")
            rows = plain.annotate(v=Sum("value_usd")).order_by()
            reads.partners = [(c, p, f, None, None, v) for c, p, f, v in rows]
    if fine and periods:
        digits = max(len(c) for c in fine)
        longer = (
            facts(viewer)
            .filter(period__in=periods)
            .filter(_prefix_q("hs_code", fine))
            .annotate(code=Substr("hs_code", 1, digits))
            .values_list("code", "enterprise_id", "partner_code", "flow")
            .annotate(v=Sum("value_usd"))
            .order_by()
        )
        reads.fine = [tuple(row) for row in longer]
    return reads


def _compute(
    viewer: User | None,
    wanted: Sequence[Codes],
    months: Sequence[dt.date],
    *,
    source: str = "rollup",
) -> dict[Codes, SegmentFigures]:
    """The figures from the chains' rollup when it holds every code asked for, else (or with
    `source="records"`: the reference the tests compare with) from the records."""
    held = source == "rollup" and {c for group in wanted for c in group} <= covered()
    read = _read if held else _read_records
    return _assemble(wanted, read(viewer, wanted, months, pairs=False))


def _assemble(
    wanted: Sequence[Codes],
    reads: _Reads,
    firms: frozenset[int] | None = None,
    units: frozenset[int] | None = None,
) -> dict[Codes, SegmentFigures]:
    """Each set of codes' figures from the reads, kept to the `firms` and to the records of
    firms whose district or park is one of the `units` (both None: everything read)."""
    by_enterprise: Sums = defaultdict(dict)
    by_partner: Sums = defaultdict(dict)
    for heading, enterprise_id, flow, value in reads.stage:
        if firms is None or enterprise_id in firms:
            _add(by_enterprise, heading, enterprise_id, flow, value)
    for code, partner, flow, district_id, park_id, value in reads.partners:
        if units is None or district_id in units or park_id in units:
            _add(by_partner, code, partner, flow, value)
    for code, enterprise_id, partner, flow, value in reads.fine:
        if firms is None or enterprise_id in firms:
            # kept apart from the coarse sums: a fine code's groups are longer than a heading
            _add(by_enterprise, "+" + code, enterprise_id, flow, value)
            _add(by_partner, "+" + code, partner, flow, value)
    return {codes: _figures_of(codes, by_enterprise, by_partner) for codes in wanted}


def _figures_of(codes: Codes, by_enterprise: Sums, by_partner: Sums) -> SegmentFigures:
    def matching(sums: Sums) -> dict[Any, list[Decimal]]:
        total: dict[Any, list[Decimal]] = {}
        for group, values in sums.items():
            if group.startswith("="):  # a code's own sums (the chains' rollup)
                if group[1:] not in codes:
                    continue
            else:
                fine_group = group.startswith("+")
                code = group.lstrip("+")
                if not any(code.startswith(c) and (len(c) > HEADING) == fine_group for c in codes):
                    continue
            for key, (exports, imports) in values.items():
                pair = total.setdefault(key, [ZERO, ZERO])
                pair[0] += exports
                pair[1] += imports
        return total

    enterprises = matching(by_enterprise)
    partners = matching(by_partner)
    return SegmentFigures(
        by_enterprise={pk: (e, i) for pk, (e, i) in enterprises.items() if e or i},
        sources={k: i for k, (_, i) in partners.items() if i},
        markets={k: e for k, (e, _) in partners.items() if e},
    )


# --- views of chains ---------------------------------------------------------------------


def city_total(user: AnyUser, q: Query) -> Decimal:
    """The viewer's 1–N月 exports plus imports (from the rollups: the same sum as the facts)."""
    total = totals_by_flow(viewer=_viewer(user), q=q)["total"].sums.ytd
    return total if isinstance(total, Decimal) else Decimal(total)


def _industry_ids(user: AnyUser, segments: Sequence[ChainSegment]) -> dict[int, frozenset[int]]:
    """Per segment, the viewer's open enterprises of its industries: one read for them all."""
    codes = sorted({c for s in segments for c in s.industry_list})
    if not codes:
        return {s.pk: frozenset() for s in segments}
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(industry__code__startswith=code)
    rows = list(
        visible_to(Enterprise.objects.filter(condition), user)
        .exclude(status=EnterpriseStatus.CLOSED)
        .values_list("pk", "industry__code")
    )
    prefixes = {s.pk: tuple(s.industry_list) for s in segments}  # parsed once, not per row
    return {
        s.pk: frozenset(pk for pk, industry in rows if industry.startswith(prefixes[s.pk]))
        for s in segments
    }


def _partner_rows(
    values: dict[str, Decimal], names: dict[str, str], limit: int
) -> list[PartnerRow]:
    total = sum(values.values(), ZERO)
    rows = [
        PartnerRow(code=k, name=names.get(k, k or "未知"), value=v, share_pct=share_pct(v, total))
        for k, v in values.items()
        if v
    ]
    rows.sort(key=lambda r: (-r.value, r.code))
    return rows[:limit]


def _top(values: dict[str, Decimal], limit: int) -> list[str]:
    return [k for k, _ in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def segment_views(
    *, user: AnyUser, segments: Sequence[ChainSegment], q: Query, partners: int = 10
) -> list[SegmentView]:
    """The view of each segment, in the order given, from one read of each kind."""
    viewer = _viewer(user)
    figures = segment_figures(viewer, [segment_codes(s) for s in segments], q.span_months("ytd"))
    industries = _industry_ids(user, segments)
    total = city_total(user, q)
    shown = {
        code
        for s in segments
        for side in (figures[segment_codes(s)].sources, figures[segment_codes(s)].markets)
        for code in _top(side, partners)
    }
    names = dict(Partner.objects.filter(code__in=sorted(shown)).values_list("code", "name_zh"))
    views = []
    for segment in segments:
        found = figures[segment_codes(segment)]
        views.append(
            SegmentView(
                segment=segment,
                figures=found,
                industry_ids=industries[segment.pk],
                city_total=total,
                sources=_partner_rows(found.sources, names, partners),
                markets=_partner_rows(found.markets, names, partners),
            )
        )
    return views


def segment_view(
    *, user: AnyUser, segment: ChainSegment, q: Query, partners: int = 10
) -> SegmentView:
    return segment_views(user=user, segments=[segment], q=q, partners=partners)[0]


def chains_analysis(
    *, user: AnyUser, chains: Sequence[Chain], q: Query | None = None
) -> list[tuple[Chain, list[SegmentView]]]:
    """Several chains' segment views (the list, matrix and exports), read together."""
    q = q or report_query(user)
    segments = {c.pk: list(c.segments.all()) for c in chains}
    views = iter(
        segment_views(
            user=user, segments=[s for c in chains for s in segments[c.pk]], q=q, partners=5
        )
    )
    return [(chain, [next(views) for _ in segments[chain.pk]]) for chain in chains]


def chain_analysis(*, user: AnyUser, chain: Chain, q: Query | None = None) -> list[SegmentView]:
    return chains_analysis(user=user, chains=[chain], q=q)[0][1]


def chain_matrix(
    *, user: AnyUser, chains: Sequence[Chain], q: Query
) -> list[tuple[Chain, dict[str, list[SegmentView]]]]:
    """Each chain with its segment views grouped by position (上游/中游/下游)."""
    out = []
    for chain, views in chains_analysis(user=user, chains=chains, q=q):
        grouped: dict[str, list[SegmentView]] = {"up": [], "mid": [], "down": []}
        for view in views:
            grouped[view.segment.position].append(view)
        out.append((chain, grouped))
    return out


# --- the worker's refill -----------------------------------------------------------------


def refill() -> int:
    """Compute every chain segment's figures the first viewers after an import would otherwise
    wait for: the city's (one for everyone who sees it all) and those of each district's or
    park's unit (trade's `refill_viewers`: one user per cache key), for their report month.
    First the chains' rollup is brought to the segments' codes (`sync_codes`: nothing to do
    unless a segment changed). Scopes made of units alone share one read of the whole city's
    rollup rows, grouped by district and park as well, cut per scope in Python (`_assemble`);
    a user who also sees a firm outside his units as its liaison officer is read on his own.
    Liaison officers are not refilled: their first view reads their firms' rollup rows (a
    few ms, however many records), and a province has hundreds of them. Run by the worker
    each time the rollup version moves; returns the scopes filled."""
    sync_codes()
    codes = sorted({segment_codes(s) for s in ChainSegment.objects.all()})
    if not codes:
        return 0
    held = {c for group in codes for c in group} <= covered()
    viewers = refill_viewers(owners=False)
    shared: dict[tuple[dt.date, ...], list[User]] = defaultdict(list)
    for user in viewers:
        months = tuple(report_query(user).span_months("ytd"))
        if ":p" in scope_signature(user):  # firms beyond the units: his own read
            segment_figures(user, codes, months)
        else:
            shared[months].append(user)
    for months, users in shared.items():
        reads = (_read if held else _read_records)(None, codes, months, pairs=True)
        entries: dict[str, SegmentFigures] = {}
        for user in users:
            if scope_signature(user) == "all":
                found = _assemble(codes, reads)
            else:
                r = reach(user)
                found = _assemble(codes, reads, r.enterprise_ids, r.unit_ids)
            entries.update({_cache_key(user, c, months): found[c] for c in codes})
        cache.set_many(entries, CHAIN_CACHE_SECONDS)
    return len(viewers)


def connect() -> None:
    after_version_moves("kaifang.zones.selectors.chains.refill", dispatch_uid="zones.chain_refill")
    chain_rollup.connect()
