"""Breakdowns (分国别、分组、分行业、分商品、分贸易方式、分县区、分园区、分企业) in the forms
of Chinese commerce statistics (their cards and 36-month chart: trend.py).

Base dimensions are columns of a customs record (partner, HS prefix, trade mode, enterprise);
the others derive from them: partner groups from partners, industry, district and park from
enterprises. Derivation happens in Python on both sources, so rollups and facts agree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import CharField, F, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr

from kaifang.core.models import Industry, Partner, PartnerGroup, SupervisionMode, TradeMode
from kaifang.core.models import Unit as OrgUnit
from kaifang.core.reference import hs_display_names
from kaifang.enterprises.models import Enterprise
from kaifang.trade.models import (
    CommodityRollup,
    CommodityYearToDateRollup,
    Dimension,
    EnterpriseChapterModeRollup,
    EnterpriseChapterRollup,
    ScopeRollup,
    TradeRollup,
)
from kaifang.trade.selectors.base import (
    FIRM_KEYS,
    NONE_KEY,
    SUM_NAMES,
    Keys,
    Query,
    Sums,
    Viewer,
    enterprise_sums,
    firms_named,
    flow_filter,
    group_codes,
    grouped_rows,
    grouped_sums,
    in_window,
    scoped_sources,
    sees_all,
    stage_rows,
    summed,
    through_units,
    to_date_spans,
)
from kaifang.trade.selectors.keyed import window_facts
from kaifang.trade.selectors.measures import (
    ZERO,
    contribution_pp,
    growth_pct,
    share_pct,
)
from kaifang.trade.selectors.summary import (
    PLACE_BYS,
    STAGE_ORDER,
    CodeSource,
    city_chapter_source,
    code_source,
    cross_source,
    mode_cross_source,
    place_cross_source,
    scoped_code_sources,
    stage_source,
)

# by → (label, the Keys field a row drills with)
BREAKDOWNS: dict[str, tuple[str, str]] = {
    "partner": ("国别(地区)", "partner"),
    "group": ("国别(地区)分组", "group"),
    "industry": ("行业", "industry"),
    "hs2": ("商品(章)", "hs"),
    "hs4": ("商品(品目)", "hs"),
    "hs8": ("商品(8位编码)", "hs"),
    "mode": ("贸易方式", "mode"),
    "district": ("县区", "district"),
    "park": ("园区", "park"),
    "enterprise": ("企业", "enterprise"),
}
INDUSTRY_LEVELS = {1: "门类", 2: "大类", 3: "中类", 4: "小类"}

_FACT_KEYS: dict[str, Any] = {
    "partner": F("partner_code"),
    "hs2": Substr("hs_code", 1, 2),
    "hs4": Substr("hs_code", 1, 4),
    "hs8": Substr("hs_code", 1, 8),
    "mode": F("trade_mode"),
    "enterprise": Cast("enterprise_id", output_field=CharField()),
}
_ROLLUP_DIMENSIONS = {
    "partner": Dimension.PARTNER,
    "hs2": Dimension.HS2,
    "hs4": Dimension.HS4,
    "mode": Dimension.MODE,
    "enterprise": Dimension.ENTERPRISE,
}
# by → (stage, its key over the stage's columns): within one enterprise, these breakdowns read
# the enterprise stage rollups (trade.models.STAGE_MODELS), which group the same records.
_STAGE_KEYS: dict[str, tuple[str, Any]] = {
    "partner": ("partner", F("partner")),
    "hs2": ("product", Substr("heading", 1, 2)),
    "hs4": ("product", F("heading")),
    "mode": ("product", F("mode")),  # one grouping with hs4 (the profile's tables)
}
_BASE_OF = {"group": "partner", "industry": "enterprise", "district": "enterprise"}
_BASE_OF["park"] = "enterprise"


@dataclass(frozen=True)
class Row:
    """One key's sums within a table whose whole is `total`. The percentages and the drill
    keys are worked out when first read, not kept: a table is pickled into the shared cache
    on a miss and read back by the other processes, and the city's 5,692 commodity codes
    carried ten Decimals and a Keys each (2.6 MB, 63 ms to pickle, 90 to read back)."""

    key: str
    name: str
    sums: Sums
    total: Sums  # the table's whole, which 占比 and 拉动 are of
    parent: Keys  # the table's keys
    drill: str = ""  # the key field this row sets within them; "": the row's keys are those

    @property
    def month(self) -> Decimal:
        return self.sums.month

    @property
    def ytd(self) -> Decimal:
        return self.sums.ytd

    @property
    def ytd_prev(self) -> Decimal:
        return self.sums.ytd_prev

    @cached_property
    def keys(self) -> Keys:
        """The drill keys of this row's figures."""
        return self.parent.with_key(self.drill, self.key) if self.drill else self.parent

    @cached_property
    def yoy_pct(self) -> Decimal | None:
        return growth_pct(self.sums.ytd, self.sums.ytd_prev)

    @cached_property
    def month_yoy_pct(self) -> Decimal | None:
        return growth_pct(self.sums.month, self.sums.month_prev)

    @cached_property
    def mom_pct(self) -> Decimal | None:
        return growth_pct(self.sums.month, self.sums.prev_month)

    @cached_property
    def share_pct(self) -> Decimal | None:
        return share_pct(self.sums.ytd, self.total.ytd)

    @cached_property
    def contribution_pp(self) -> Decimal | None:
        return contribution_pp(self.sums.ytd, self.sums.ytd_prev, self.total.ytd_prev)


@dataclass(frozen=True)
class Breakdown:
    by: str
    query: Query
    keys: Keys
    rows: list[Row]
    total: Row
    source: str  # "rollup" or "facts"
    level: int = 0  # industry level, 1–4
    overlapping: bool = False  # partner groups: a partner counts in each of its groups

    @property
    def label(self) -> str:
        if self.by == "industry":
            return f"行业({INDUSTRY_LEVELS[self.level]})"
        return BREAKDOWNS[self.by][0]


def make_row(key: str, name: str, sums: Sums, total: Sums, keys: Keys, *, drill: str = "") -> Row:
    """The row of `key` in a table of `total` within `keys`; `drill`: the key field the row
    sets within them (its drill keys are `keys` with that field set to `key`)."""
    return Row(key=key, name=name, sums=sums, total=total, parent=keys, drill=drill)


def _rollup_prefix(by: str, keys: Keys) -> str | None:
    """The key prefix under which rollups can answer `by` within `keys`; None if they can't.
    Only an HS prefix within an HS breakdown is expressible on a one-dimensional rollup."""
    if keys.is_empty:
        return ""
    only_hs = keys.params().keys() == {"hs"} and keys.hs != NONE_KEY
    width = {"hs2": 2, "hs4": 4}.get(by, 0)
    if only_hs and width and len(keys.hs) <= width:
        return keys.hs
    return None


def _firm_keyed(keys: Keys) -> bool:
    """Whether every key names the enterprise's district, park or industry (and some does)."""
    given = keys.params().keys()
    return bool(given) and given <= FIRM_KEYS


def _staged(by: str, keys: Keys) -> bool:
    """Whether the enterprise stage rollups answer `by` within `keys`: one enterprise."""
    return by in _STAGE_KEYS and keys.params().keys() == {"enterprise"}


def _stage_qs(viewer: Viewer, by: str, keys: Keys) -> QuerySet[Any]:
    return stage_rows(viewer, _STAGE_KEYS[by][0]).filter(enterprise_id=int(keys.enterprise))


# by → the stages that hold its column, the smallest first (the enterprise is in all)
_STAGES_OF = {
    "partner": ("partner", "partner_mode"),
    "hs2": ("chapter", "chapter_mode", "product"),
    "hs4": ("product",),
    "mode": ("mode", "chapter_mode", "product", "partner_mode"),
    "enterprise": STAGE_ORDER,
}
_STAGE_BY: dict[str, Any] = {
    "partner": F("partner"),
    "hs2": Substr("heading", 1, 2),
    "hs4": F("heading"),
    "mode": F("mode"),
    "enterprise": Cast("enterprise_id", output_field=CharField()),
}


def _stage_by(by: str, staged: QuerySet[Any]) -> Any:
    """`by`'s key over the stage `staged` reads: the chapter stages hold the chapter itself."""
    if by == "hs2" and staged.model in (EnterpriseChapterRollup, EnterpriseChapterModeRollup):
        return F("chapter")
    return _STAGE_BY[by]


def _same_dimension(by: str, keys: Keys) -> dict[str, Any] | None:
    """The key filter on `by`'s own one-dimensional rollup when the one key selects values of
    that dimension (partners within a group or a partner, a trade mode within itself); None
    otherwise. The partner rollup of a group's members is a few hundred rows a month."""
    given = keys.params()
    if by not in {"partner", "mode"} or len(given) != 1:
        return None
    ((name, value),) = given.items()
    if by == "partner" and name == "group":
        return {"key__in": group_codes(keys.group)}
    if name == by:
        return {"key": "" if value == NONE_KEY else value}
    return None


def _facts_sums(viewer: Viewer, by: str, q: Query, keys: Keys) -> dict[str, Sums]:
    """Sums by `by` over the records within `keys`, read as `keyed.window_facts` chooses."""
    qs, hide = window_facts(viewer, keys, q.all_months(), q=q)
    return grouped_sums(qs, _FACT_KEYS[by], q, window_hidden=hide)


def _pair_rows(viewer: Viewer, by: str, keys: Keys) -> list[QuerySet[Any]] | None:
    """A breakdown within a district or a park (or a district's firms outside any park): the
    (district, park) pair rollup rows that hold exactly those firms' sums by `by`, 0 standing
    for none, for a viewer who sees the whole city, or through his units for a user of units
    alone (as `scoped_sources` reads them); None otherwise (a liaison officer who sees firms
    outside his units: no pair holds those alone). The pair rollup is a few hundred rows a
    month where the partner stage of a district's firms is tens of thousands: a district
    user's partners within his district read that stage, 146 ms on a miss at 5.6 M records
    (session 49)."""
    given = keys.params()
    if by == "enterprise" or by not in _ROLLUP_DIMENSIONS or not given:
        return None
    if not given.keys() <= {"district", "park"}:
        return None
    pair = {f"{name}_id": 0 if value == NONE_KEY else int(value) for name, value in given.items()}
    rows = ScopeRollup.objects.filter(dimension=_ROLLUP_DIMENSIONS[by], **pair)
    if viewer is None or sees_all(viewer):
        return [rows]
    return through_units(viewer, rows)


def _stage_source(viewer: Viewer, by: str, keys: Keys) -> QuerySet[Any] | None:
    """Rows of an enterprise stage rollup whose sums by `by` are those of the records within
    `keys` (summary.stage_source: any mix of trade keys one stage holds, and district, park
    or industry keys), through the viewer's scope; None where no stage holds both the keys
    and `by`. A breakdown within a key then reads the stage (a row per firm, month and
    partner, or heading and mode: a quarter of the records) instead of the records: by
    enterprise within general trade took 90 s at 5.6 M records (session 40)."""
    if by not in _STAGES_OF or keys.is_empty:
        return None
    return stage_source(viewer, keys, stages=_STAGES_OF[by])


# by → its key over the partner × heading rollup (PartnerProductRollup's columns)
_CROSS_BY: dict[str, Any] = {
    "partner": F("partner"),
    "hs2": Substr("heading", 1, 2),
    "hs4": F("heading"),
}


def _cross_source(viewer: Viewer, by: str, keys: Keys) -> QuerySet[Any] | None:
    """For a viewer who sees the whole city, the partner × heading rollup rows within `keys`
    when `by` is one of its columns (partners within an HS chapter, chapters or headings
    within a partner or group); None otherwise (summary.cross_source)."""
    return cross_source(viewer, keys) if by in _CROSS_BY else None


# by → its key over the city-wide trade mode crosses (PartnerModeRollup's columns,
# ModeProductRollup's)
_MODE_CROSS_BY: dict[str, Any] = {
    "partner": F("partner"),
    "mode": F("mode"),
    "hs2": Substr("heading", 1, 2),
    "hs4": F("heading"),
}


def _mode_cross_source(viewer: Viewer, by: str, keys: Keys) -> QuerySet[Any] | None:
    """For a viewer who sees the whole city, a trade mode cross's rows within `keys` when
    `by` is one of its columns (partners or chapters within a trade mode, modes within a
    partner, group or chapter); None otherwise (summary.mode_cross_source)."""
    return mode_cross_source(viewer, keys, by=by) if by in _MODE_CROSS_BY else None


_PLACE_BY: dict[str, Any] = {"partner": F("partner"), "hs2": F("chapter"), "mode": F("mode")}


def _place_source(viewer: Viewer, by: str, keys: Keys) -> list[QuerySet[Any]] | None:
    """The pair × partner × chapter × mode rollup rows within `keys` through the viewer's
    units, or within a place for the whole city, when `by` is a partner, a chapter or a mode;
    None otherwise (summary.place_cross_source)."""
    return place_cross_source(viewer, keys, by=by) if by in PLACE_BYS else None


def _chapter_source(viewer: Viewer, by: str, keys: Keys) -> QuerySet[Any] | None:
    """For a viewer who sees the whole city, the pair × partner × chapter × mode rows within
    one HS chapter when `by` is a partner (summary.city_chapter_source). The trade modes
    within a chapter stay on the heading × mode rollup: fewer rows (22–24 ms against 37 ms
    of CPU on a miss for HS 85 at 5.6 M records)."""
    return city_chapter_source(viewer, keys) if by == "partner" else None


def _code_source(viewer: Viewer, by: str, keys: Keys) -> QuerySet[Any] | None:
    """For a viewer who sees the whole city, the commodity code rollup rows of the codes
    within an HS prefix (or all), for the breakdown by code; None otherwise."""
    return code_source(viewer, keys) if by == "hs8" else None


def base_sums(
    viewer: Viewer, by: str, q: Query, keys: Keys, *, facts_only: bool = False
) -> tuple[dict[str, Sums], str]:
    """Sums by a base dimension, from rollups when they can answer: city-wide ones for a
    viewer who sees all, else the enterprise rollup of their enterprises or the pair rollups
    of their units plus the liaison rollup of their owner-only enterprises (`facts_only`
    skips rollups: the tests and benchmarks compare both paths)."""
    prefix = _rollup_prefix(by, keys) if by in _ROLLUP_DIMENSIONS else None
    if prefix is None and not facts_only and _staged(by, keys):
        return grouped_sums(_stage_qs(viewer, by, keys), _STAGE_KEYS[by][1], q), "rollup"
    if by == "enterprise" and not facts_only and _firm_keyed(keys):
        # Within a district, park or industry: the enterprise rollup of the firms the key
        # names (a park page's table), not the records of a year grouped by firm.
        return enterprise_sums(viewer, q, only=firms_named(viewer, keys)), "rollup"
    same = None if prefix is not None or facts_only else _same_dimension(by, keys)
    if same is not None:
        if viewer is None or sees_all(viewer):
            rows = TradeRollup.objects.filter(dimension=_ROLLUP_DIMENSIONS[by], **same)
            return grouped_sums(rows, F("key"), q), "rollup"
        found = [
            grouped_rows(source.filter(**same), F("key"), q)
            for source in scoped_sources(viewer, _ROLLUP_DIMENSIONS[by])
        ]
        return summed(*found), "rollup"
    pairs = None if prefix is not None or facts_only else _pair_rows(viewer, by, keys)
    if pairs is not None:
        return summed(*(grouped_rows(rows, F("key"), q) for rows in pairs)), "rollup"
    chaptered = None if prefix is not None or facts_only else _chapter_source(viewer, by, keys)
    if chaptered is not None:
        return grouped_sums(chaptered, _PLACE_BY[by], q), "rollup"
    crossed = None if prefix is not None or facts_only else _cross_source(viewer, by, keys)
    if crossed is not None:
        # An HS key alone (the partners within a chapter): its headings are read on the
        # heading index, which carries the sums (trade/0039), the months tested in a CASE;
        # SQLite (without statistics) read every heading of the window's months through the
        # unique key instead (653,000 rows for the leader's partners within HS 84 at 5.6 M).
        ranged = connection.vendor == "sqlite" and not (keys.partner or keys.group)
        return grouped_sums(crossed, _CROSS_BY[by], q, window_hidden=ranged), "rollup"
    moded = None if prefix is not None or facts_only else _mode_cross_source(viewer, by, keys)
    if moded is not None:
        return grouped_sums(moded, _MODE_CROSS_BY[by], q), "rollup"
    placed = None if prefix is not None or facts_only else _place_source(viewer, by, keys)
    if placed is not None:
        return summed(*(grouped_rows(qs, _PLACE_BY[by], q) for qs in placed)), "rollup"
    coded = None if facts_only else _code_source(viewer, by, keys)
    if coded is not None and keys.is_empty:
        return _city_code_sums(q), "rollup"
    placed_codes = None if facts_only or by != "hs8" else scoped_code_sources(viewer, keys)
    if placed_codes is not None:
        return _code_sums(placed_codes, q), "rollup"
    if coded is not None:
        # a heading's codes through their (code, period) range, not every code of the window
        # (a chapter's are a tenth of the city's: the window's months read them as fast)
        ranged = len(keys.hs) >= 4 and keys.hs != NONE_KEY and connection.vendor == "sqlite"
        return grouped_sums(coded, F("code"), q, window_hidden=ranged), "rollup"
    staged = None if prefix is not None or facts_only else _stage_source(viewer, by, keys)
    if staged is not None:
        return grouped_sums(staged, _stage_by(by, staged), q), "rollup"
    if prefix is None or facts_only:
        return _facts_sums(viewer, by, q, keys), "facts"
    if by == "enterprise":
        return enterprise_sums(viewer, q), "rollup"
    if viewer is None or sees_all(viewer):
        qs = TradeRollup.objects.filter(dimension=_ROLLUP_DIMENSIONS[by])
        if prefix:
            qs = qs.filter(key__startswith=prefix)
        return grouped_sums(qs, F("key"), q), "rollup"
    parts = []
    for source in scoped_sources(viewer, _ROLLUP_DIMENSIONS[by]):
        rolled = source.filter(key__startswith=prefix) if prefix else source
        parts.append(grouped_rows(rolled, F("key"), q))
    return summed(*parts), "rollup"


def _city_code_sums(q: Query) -> dict[str, Sums]:
    """The whole city's sums by commodity code: the single months from the code rollup, 累计
    and 上年同期累计 from its year-to-date one (two months of rows instead of twenty-two:
    199,457 rows at 5.6 M records; decision 0049), as `enterprise_sums` reads the firms."""
    city = CommodityRollup.objects.all(), CommodityYearToDateRollup.objects.all()
    return _code_sums([city], q)


def _code_sums(sources: Sequence[CodeSource], q: Query) -> dict[str, Sums]:
    """Sums by code over (monthly, 累计) rollup pairs: the single months from the first, 累计
    and 上年同期累计 from the second; every span from the monthly rows where no 累计 is kept."""
    single, ytd = to_date_spans(q)
    return summed(
        *(
            grouped_rows(monthly, F("code"), q, None if to_date is None else single)
            for monthly, to_date in sources
        ),
        *(grouped_rows(kept, F("code"), q, ytd) for _, kept in sources if kept is not None),
    )


def _enterprise_attributes(ids: list[str]) -> dict[str, tuple[Any, ...]]:
    qs = Enterprise.objects.all()
    numeric = [int(i) for i in ids if i.isdigit()]
    if len(numeric) <= 500:
        qs = qs.filter(pk__in=numeric)
    rows = qs.values_list(
        "id", "district_id", "park_id", "industry__code", "industry__section_code"
    )
    return {str(r[0]): r[1:] for r in rows}


def total_of(values: Iterable[Sums]) -> Sums:
    """The sum of many Sums, field by field: the same Decimals as adding them one by one
    (Decimal addition at this size is exact), without a Sums object per step."""
    month = month_prev = prev_month = ytd = ytd_prev = ZERO
    for s in values:
        month += s.month
        month_prev += s.month_prev
        prev_month += s.prev_month
        ytd += s.ytd
        ytd_prev += s.ytd_prev
    return Sums(month, month_prev, prev_month, ytd, ytd_prev)


def _derive(
    by: str, level: int, sums: dict[str, Sums], memo: dict[Any, Any] | None = None
) -> dict[str, Sums]:
    groups: dict[str, list[Sums]] = defaultdict(list)
    if by == "group":
        membership: dict[str, list[str]] = defaultdict(list)
        for group_code, partner_code in PartnerGroup.objects.filter(is_active=True).values_list(
            "code", "members__code"
        ):
            if partner_code:
                membership[partner_code].append(group_code)
        for key, value in sums.items():
            for group_code in membership.get(key, ()):
                groups[group_code].append(value)
        return {target: total_of(values) for target, values in groups.items()}
    memo_key = ("enterprise-attributes", frozenset(sums))
    if memo is not None and memo_key in memo:
        attrs = memo[memo_key]
    else:
        attrs = _enterprise_attributes(list(sums))
        if memo is not None:
            memo[memo_key] = attrs
    for key, value in sums.items():
        district_id, park_id, industry_code, section = attrs.get(key, (None, None, None, None))
        if by == "district":
            target = str(district_id) if district_id else NONE_KEY
        elif by == "park":
            target = str(park_id) if park_id else NONE_KEY
        elif not industry_code:
            target = NONE_KEY
        else:
            target = section if level == 1 else industry_code[:level]
        groups[target].append(value)
    return {target: total_of(values) for target, values in groups.items()}


_PAIR_COLUMNS = {"district": "district_id", "park": "park_id"}


def _place_sums(by: str, q: Query) -> dict[str, Sums]:
    """The whole city by district or by park: the (district, park) pairs' trade-mode rows
    grouped by the pair's district or park (0: none). Each firm is in one pair, kept when it
    moves (`rollups.refresh_places`), so these are the sums of its firms by their place:
    1,932 rows in the 23 months of a table at 5.6 M records, where grouping 20,000 firms'
    sums took 50 ms, four times on the indicator list (one per flow and currency; session
    54)."""
    pairs = ScopeRollup.objects.filter(dimension=Dimension.MODE)
    found = grouped_sums(pairs, F(_PAIR_COLUMNS[by]), q)
    return {NONE_KEY if key == "0" else key: value for key, value in found.items()}


def named_rows(by: str, rows: list[Row]) -> list[Row]:
    """`rows` with their names read now: a kept table's rows carry none (`breakdown(named=
    False)`), and a renamed partner or unit shows at once (no version marks it). Only the
    rows shown: the 8,051 codes of the whole city took 57 ms of every view of its page, which
    shows 100 (session 48). The same list when every name is as read."""
    names = names_for(by, [r.key for r in rows])
    if all(names[r.key] == r.name for r in rows):
        return rows
    return [replace(r, name=names[r.key]) for r in rows]


def names_for(by: str, codes: list[str]) -> dict[str, str]:
    """Display names of keys; NONE_KEY gets a plain-language name."""
    real = [c for c in codes if c != NONE_KEY]
    names: dict[str, str] = {}
    if by == "partner":
        names = dict(Partner.objects.filter(code__in=real).values_list("code", "name_zh"))
    elif by == "group":
        names = dict(PartnerGroup.objects.filter(code__in=real).values_list("code", "name"))
    elif by.startswith("hs"):
        names = hs_display_names(real)  # Chinese, or a visible fallback naming the chapter
    elif by == "mode":
        names = dict(SupervisionMode.objects.filter(code__in=real).values_list("code", "name_zh"))
        names.update(TradeMode.objects.filter(code__in=real).values_list("code", "name_zh"))
    elif by == "industry":
        names = dict(Industry.objects.filter(code__in=real).values_list("code", "name"))
    elif by in {"district", "park"}:
        ids = [int(c) for c in real]
        names = {str(k): v for k, v in OrgUnit.objects.filter(pk__in=ids).values_list("id", "name")}
    elif by == "enterprise":
        ids = [int(c) for c in real]
        names = {
            str(k): v for k, v in Enterprise.objects.filter(pk__in=ids).values_list("id", "name")
        }
    missing = {
        "partner": "国别(地区)不详",
        "hs2": "商品编码缺失",
        "hs4": "商品编码缺失",
        "hs8": "商品编码缺失",
        "mode": "贸易方式缺失",
        "industry": "未填行业",
        "district": "未划分县区",
        "park": "不在园区",
    }
    if NONE_KEY in codes:
        names[NONE_KEY] = missing.get(by, "未知")
    return {c: names.get(c, c) for c in codes}


def _base_memo(
    viewer: Viewer,
    base: str,
    q: Query,
    keys: Keys,
    memo: dict[Any, Any] | None,
    *,
    facts_only: bool = False,
) -> tuple[dict[str, Sums], str]:
    memo_key = (base, q, keys, facts_only)
    if memo is not None and memo_key in memo:
        found: tuple[dict[str, Sums], str] = memo[memo_key]
        return found
    result = base_sums(viewer, base, q, keys, facts_only=facts_only)
    if memo is not None:
        memo[memo_key] = result
    return result


def prime_tables(
    *, viewer: Viewer, bys: Iterable[str], q: Query, keys: Keys, memo: dict[Any, Any]
) -> None:
    """Group once by the keys of several base breakdowns together and leave each one's sums
    in `memo`, so a page showing those tables within a drill key the one-dimensional rollups
    cannot answer reads each source once instead of once per table. Within one enterprise (the
    profile: partner, HS heading and trade mode) the sources are its two stage rollups;
    otherwise the facts. Breakdowns the rollups answer by themselves are left alone."""
    wanted = [
        by
        for by in bys
        if by in _FACT_KEYS and (by not in _ROLLUP_DIMENSIONS or _rollup_prefix(by, keys) is None)
    ]
    staged = [by for by in wanted if _staged(by, keys)]
    for stage in dict.fromkeys(_STAGE_KEYS[by][0] for by in staged):
        group = [by for by in staged if _STAGE_KEYS[by][0] == stage]
        qs = _stage_qs(viewer, group[0], keys)
        _prime(qs, {by: _STAGE_KEYS[by][1] for by in group}, q, keys, memo, "rollup")
    # what a rollup answers alone (the crosses, _stage_source) is left to base_sums
    rest = [
        by
        for by in wanted
        if by not in staged
        and _chapter_source(viewer, by, keys) is None
        and _cross_source(viewer, by, keys) is None
        and _mode_cross_source(viewer, by, keys) is None
        and _place_source(viewer, by, keys) is None
        and _code_source(viewer, by, keys) is None
        and (by != "hs8" or scoped_code_sources(viewer, keys) is None)
        and _stage_source(viewer, by, keys) is None
    ]
    if rest:
        qs, hide = window_facts(viewer, keys, q.all_months(), q=q)
        exprs = {by: _FACT_KEYS[by] for by in rest}
        _prime(qs, exprs, q, keys, memo, "facts", hidden=hide)


def _prime(
    qs: QuerySet[Any],
    exprs: dict[str, Any],
    q: Query,
    keys: Keys,
    memo: dict[Any, Any],
    source: str,
    *,
    hidden: bool = False,
) -> None:
    spans = {name: q.span_months(name) for name in SUM_NAMES}
    months = sorted({m for ms in spans.values() for m in ms})
    qs = flow_filter(in_window(qs, months, hidden=hidden), q.flow)
    aggregates = {name: Sum(q.field, filter=Q(period__in=ms)) for name, ms in spans.items()}
    names = {by: f"k_{by}" for by in exprs}
    grouped = (
        qs.annotate(**{names[by]: expr for by, expr in exprs.items()})
        .values(*names.values())
        .annotate(**aggregates)
        .order_by()
    )
    parts: dict[str, dict[str, list[Sums]]] = {by: defaultdict(list) for by in exprs}
    for row in grouped:
        sums = Sums(**{name: row[name] or ZERO for name in SUM_NAMES})
        for by in exprs:
            k = row[names[by]]
            parts[by][NONE_KEY if k is None or k == "" else str(k)].append(sums)
    for by in exprs:
        memo[(by, q, keys, False)] = (
            {key: total_of(values) for key, values in parts[by].items()},
            source,
        )


def breakdown(
    *,
    viewer: Viewer,
    by: str,
    q: Query,
    keys: Keys | None = None,
    level: int = 1,
    facts_only: bool = False,
    memo: dict[Any, Any] | None = None,
    named: bool = True,
) -> Breakdown:
    """One table: a row per key with 当月, 累计, 同比, 环比, 占比, 拉动, and the total row.
    A page showing several tables passes one `memo`, so tables on the same base dimension
    (industry, district, park and enterprise all derive from enterprises) group it once.
    `named=False`: the rows' names are left empty for the reader to name what it shows
    (`named_rows`): a kept table, whose names a rename must not leave stale anyway; the
    city's 5,676 codes took 25–40 ms to name."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    keys = keys or Keys()
    level = level if by == "industry" and level in INDUSTRY_LEVELS else 1
    base = _BASE_OF.get(by, by)
    placed = by in _PAIR_COLUMNS and keys.is_empty and not facts_only and sees_all(viewer)
    if placed:
        sums, source = _place_sums(by, q), "rollup"
    else:
        sums, source = _base_memo(viewer, base, q, keys, memo, facts_only=facts_only)
    total = total_of(sums.values())
    if base != by and not placed:
        sums = _derive(by, level, sums, memo)
    names = names_for(by, list(sums)) if named else {}
    drill_field = BREAKDOWNS[by][1]
    rows = [
        make_row(key, names.get(key, ""), value, total, keys, drill=drill_field)
        for key, value in sums.items()
        if not value.is_zero
    ]
    rows.sort(key=lambda r: (-r.sums.ytd, -r.sums.month, r.key))
    return Breakdown(
        by=by,
        query=q,
        keys=keys,
        rows=rows,
        total=make_row("", "合计", total, total, keys),
        source=source,
        level=level if by == "industry" else 0,
        overlapping=by == "group",
    )


def top_rows(
    *, viewer: Viewer, by: str, q: Query, limit: int, memo: dict[Any, Any] | None = None
) -> list[Row]:
    """The first `limit` rows of the whole-scope breakdown by a base dimension, in its order
    and with its figures, without naming and measuring every other row (the overview's
    top-10 chart out of 2,000 enterprises)."""
    if by not in _ROLLUP_DIMENSIONS:
        raise ValueError(f"not a base dimension: {by!r}")
    sums, _source = _base_memo(viewer, by, q, Keys(), memo)
    total = total_of(sums.values())
    nonzero = [(key, value) for key, value in sums.items() if not value.is_zero]
    nonzero.sort(key=lambda kv: (-kv[1].ytd, -kv[1].month, kv[0]))
    chosen = nonzero[:limit]
    names = names_for(by, [key for key, _value in chosen])
    drill_field = BREAKDOWNS[by][1]
    return [
        make_row(key, names[key], value, total, Keys(), drill=drill_field) for key, value in chosen
    ]
