"""How a breakdown reads the records within keys when no rollup answers (a partner within a
trade mode and an HS chapter, a code within a partner and a heading): which index SQLite reads
them through. SQLite has no statistics: of a trade mode's equality, an HS code's range and
the window's months it took the trade mode's (mode, value) index across every month (the
leader's partners within 一般贸易 and HS 84: 11.4 s of CPU at 5.6 M records, session 42).
Here the cheapest read is chosen from the rollups' counts and written plain, every other
condition inside one CASE, which no index serves. PostgreSQL keeps statistics and chooses
for itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import CharField, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast

from kaifang.core.lib import request_memo
from kaifang.core.scope import effective_scope, scope_q
from kaifang.trade.models import (
    CommodityRollup,
    CustomsRecord,
    Dimension,
    Flow,
    PartnerProductRollup,
    TradeRollup,
)
from kaifang.trade.selectors.base import (
    FIRM_KEYS,
    NONE_KEY,
    Keys,
    Query,
    Viewer,
    apply_keys,
    code_range_q,
    facts,
    group_codes,
    hidden_in_case,
    keys_q,
    named_firms_qs,
    sees_all,
)
from kaifang.trade.selectors.key_firms import (
    TESTED_KEYS,
    key_firms,
    place_key_firms,
    scope_facts,
)
from kaifang.trade.selectors.plans import (
    KEY_ROW_COST,
    SCOPE,
    SCOPE_TESTED_ENTRY_COST,
    count_plan,
    key_firms_cost,
    scope_price,
)
from kaifang.trade.selectors.summary import CODE_WIDTH

# the reads a breakdown's records can take (besides a liaison officer's firms)
BY_WINDOW, BY_PARTNER, BY_CODES, BY_FIRM = "window", "partner", "codes", "firm"
BY_KEY_FIRMS = "key firms"
BY_CODE_PARTNERS = "code partners"


def firms_only(viewer: Viewer, keys: Keys) -> bool:
    """Whether a viewer whose scope names firms, not units (a liaison officer), reads his
    firms' records with the keys tested apart (SQLite): by partner within HS 29 and 一般贸易
    walked the trade mode's index across the city, 18 s at 5.6 M records (session 40)."""
    if viewer is None or keys.is_empty or connection.vendor != "sqlite":
        return False
    scope = effective_scope(viewer)
    return not scope.sees_all and not scope.unit_ids


def keyed_facts(viewer: Viewer, keys: Keys) -> QuerySet[Any]:
    """The records within `keys` the viewer sees, any months (a chart's 36): a liaison
    officer's through his firms (`firms_only`); else with an HS prefix also written as the
    range of codes it selects, which the (hs_code, period) index serves (SQLite's LIKE, which
    `startswith` is, uses none)."""
    qs = facts(viewer)
    if firms_only(viewer, keys):
        return hidden_in_case(qs, keys_q(keys))
    given = keys.params().keys()
    trade = given & TESTED_KEYS
    if connection.vendor == "sqlite" and len(trade) > 1 and trade == given:
        # Several trade keys: the narrowest plain, the others in a CASE. Else SQLite takes
        # an equality's index over a range's, the trade mode's (5 M records of 一般贸易
        # across the city) for a district user's partners within HS 8471 and 一般贸易:
        # 8.0 s of CPU at 5.6 M records (session 43).
        name, _rows = _narrowest(keys, trade)
        narrow = Keys(**{name: getattr(keys, name)})
        return hidden_in_case(_plain(qs, narrow), keys_q(keys))
    return _plain(qs, keys)


def _plain(qs: QuerySet[Any], keys: Keys) -> QuerySet[Any]:
    """`keys` written plainly, an HS prefix also as its range of codes."""
    qs = apply_keys(qs, keys)
    if keys.hs and keys.hs != NONE_KEY:
        qs = qs.filter(code_range_q("hs_code", keys.hs))
    return qs


def _narrowest(keys: Keys, names: Iterable[str]) -> tuple[str, float]:
    """Of the trade keys `names`, the one whose records are fewest in the city, every month
    (from the rollups' counts), and their number; a partner before its group."""
    counts = {name: _key_rows(keys, name, None) for name in sorted(names)}
    name = min(counts, key=lambda name: counts[name])
    return name, counts[name]


def _key_rows(keys: Keys, name: str, months: Sequence[dt.date] | None) -> float:
    """The city's records of one trade key in `months` (None: every month), from the
    rollups' counts; a partner given with its group counts alone."""
    if name == "hs":
        return _rows(_codes(keys.hs), months) if keys.hs != NONE_KEY else 0.0
    if name == "mode":
        key = ["" if keys.mode == NONE_KEY else keys.mode]
    else:
        key = [_partner(keys)] if name == "partner" else sorted(group_codes(keys.group))
    dimension = Dimension.MODE if name == "mode" else Dimension.PARTNER
    return _rows(TradeRollup.objects.filter(dimension=dimension, key__in=key), months)


def window_facts(
    viewer: Viewer, keys: Keys, months: Sequence[dt.date], *, q: Query | None = None
) -> tuple[QuerySet[Any], bool]:
    """The records within `keys` for sums over `months`, and whether the caller must test the
    months in a CASE (read through the codes' range, every month of it, or a partner's months
    sought in its list). For a viewer who sees the whole city on SQLite, the cheapest of: the
    window's records (the (period, flow) index), a partner's or group's within the window
    ((partner, period, hs_code, …), an HS key's range sought in each month), an HS prefix's of
    every month ((hs_code, period)), a firm's ((enterprise, period) of the unique key),
    weighed by the rows each reads (a row fetched out of the table's order costs
    `KEY_ROW_COST`, a partner's entry read on its index alone `PARTNER_ENTRY_COST`); the
    other conditions are tested in a CASE. Within a district, park or industry:
    `place_facts`. For a scoped viewer, given the report month `q`: his firms'
    records with the keys tested on them where the drill-down's count would read them so
    (`plans.count_plan`, weighed on the year to date), else `place_facts`."""
    if viewer is not None and not sees_all(viewer):
        scoped = q is not None and (
            count_plan(viewer=viewer, q=q, span="ytd", keys=keys, read=months) == SCOPE
        )
        if scoped and q is not None and _partner_before_scope(viewer, keys, months, q):
            return hidden_in_case(_partner_read(facts(viewer), keys, months), keys_q(keys)), True
        if scoped:
            # his firms' records through the unique key, every key tested there: SQLite took
            # the trade mode's index across the city for a district user's partners within
            # 一般贸易 and HS 84 (8.3 s of CPU at 5.6 M records; 216 ms so, session 43)
            return hidden_in_case(scope_facts(viewer, months, keys), keys_q(keys)), False
        return place_facts(viewer, keys, months)
    if connection.vendor != "sqlite":
        return keyed_facts(viewer, keys), False
    if keys.params().keys() & FIRM_KEYS:
        # a district's, park's or industry's firms: SQLite reads them through the firm's
        # index and the unique key (hidden, it read every record of the window), unless a
        # trade key's own index holds fewer records (`place_read`)
        return place_facts(viewer, keys, months)
    if keys.is_empty:
        return facts(viewer), False
    read = cheapest_read(keys, months, viewer=viewer)
    window = Q(period__in=months)
    qs = facts(viewer)
    if read == BY_CODES:
        ranged = qs.filter(code_range_q("hs_code", keys.hs))
        return hidden_in_case(ranged, keys_q(keys)), True
    if read == BY_KEY_FIRMS:  # the firms that hold every key, the HS key's range sought
        return hidden_in_case(scope_facts(viewer, months, keys), keys_q(keys)), False
    if read == BY_FIRM:
        return hidden_in_case(
            qs.filter(Q(enterprise_id=int(keys.enterprise)) & window), keys_q(keys)
        ), False
    if read == BY_PARTNER:
        return hidden_in_case(_partner_read(qs, keys, months), keys_q(keys)), True
    if read == BY_CODE_PARTNERS:
        return hidden_in_case(_code_partners_read(qs, keys, months), keys_q(keys)), True
    return hidden_in_case(qs.filter(window), keys_q(keys)), False


def _partner_before_scope(viewer: Viewer, keys: Keys, months: Sequence[dt.date], q: Query) -> bool:
    """Whether a scoped viewer's read within a partner (or group) and an HS key takes the
    partner's index entries of the key's codes (`_partner_rows`, each joined to its firm for
    the gate) rather than SCOPE, his firms' records through the unique key: where those
    entries are fewer, priced so, than SCOPE over the same months. A district user's firms
    within partner 141 and HS 84 read 140 firms' records of the chapter for every partner
    (33 → 24 ms of SQL at 5.6 M records, 56 → 39 at 2×; session 58); 一带一路 within HS 85
    stays with SCOPE (its price 122,850 against 85,450; 85 against 205 ms)."""
    if not (keys.partner or keys.group) or not keys.hs or keys.hs == NONE_KEY:
        return False
    span = q.span_months("ytd")
    scope = scope_price(viewer=viewer, q=q, span="ytd", keys=keys, read=months)
    return _partner_rows(keys, months) < scope * len(months) / len(span)


def _partners(keys: Keys) -> list[str]:
    """The partners a partner's read seeks: the partner (given with its group, it alone: it
    is in the group or none), else the group's."""
    return [_partner(keys)] if keys.partner else sorted(group_codes(keys.group))


def _partner_read(qs: QuerySet[Any], keys: Keys, months: Sequence[dt.date]) -> QuerySet[Any]:
    """`qs` within the partners' index entries of `months`, and of the HS key's codes where
    there is one: the index (partner_code, period, hs_code, …) seeks their range in each
    month (`_partner_rows`). The caller tests its months in a CASE: a chart's range of them
    written plain took the place of the list, and SQLite read every entry of the partner in
    36 months (96 ms for the leader's codes within partner 116, heading 8516 and district 10)."""
    sought = qs.filter(Q(partner_code__in=_partners(keys)) & Q(period__in=months))
    if keys.hs and keys.hs != NONE_KEY:
        sought = sought.filter(code_range_q("hs_code", keys.hs))
    return sought


def _code_cross(prefix: str, months: Sequence[dt.date]) -> QuerySet[Any]:
    """The partner × heading cross's rows of an HS prefix's headings (a longer code: its
    heading's) in `months`, tested in a CASE: SQLite (without statistics) read every heading
    of the months through the cross's unique key (80 ms for heading 8443's), not the
    heading's own index (trade/0039)."""
    cross = PartnerProductRollup.objects.filter(code_range_q("heading", prefix[:4]))
    return hidden_in_case(cross, Q(period__in=months), "cross_months")


def _code_partners_read(qs: QuerySet[Any], keys: Keys, months: Sequence[dt.date]) -> QuerySet[Any]:
    """`qs` within the HS key's codes through the partner index, every partner that trades
    them in `months` (from the partner × heading cross) sought in each month, as
    `_partner_read` seeks one partner: the index carries every column the sums and the other
    keys read (decision 0052), where the codes' own index fetches every record of every month
    from the table. The leader's codes within heading 8443 and 一般贸易 read 54,814 rows so,
    143 ms of SQL at 5.6 M records (session 53). The caller tests its months in a CASE."""
    partners = sorted(set(_code_cross(keys.hs, months).values_list("partner", flat=True)))
    sought = qs.filter(partner_code__in=partners)
    return sought.filter(Q(period__in=months) & code_range_q("hs_code", keys.hs))


def _partner_rows(keys: Keys, months: Sequence[dt.date]) -> float:
    """The index entries a partner's (or group's) read takes in `months`: within an HS key,
    those of its codes alone, counted on the partner × heading cross (a longer code counts
    its heading's). Before session 51 the read took every entry of the partner and tested the
    code in a CASE: the leader's codes within partner 116, heading 8516 and district 10 read
    the heading's records of every month instead (170 ms of CPU on a miss at 5.6 M). Within a
    heading (or a longer code) the heading's rows of every partner and month are read on its
    covering index, the partners and months tested in a CASE: SQLite sought each partner's
    months in the partner index and read all their headings (一带一路's 60 partners within
    heading 8523: 40–165 → 1 ms; session 58). A chapter holds too many rows for that."""
    name = "partner" if keys.partner else "group"
    if not keys.hs or keys.hs == NONE_KEY:
        return _key_rows(keys, name, months) * _row_cost(name)
    cross = PartnerProductRollup.objects.filter(code_range_q("heading", keys.hs[:4]))
    if len(keys.hs) >= 4:
        wanted = Q(partner__in=_partners(keys)) & Q(period__in=months)
        return _rows(hidden_in_case(cross, wanted, "cross_keys"), None) * _row_cost(name)
    return _rows(cross.filter(partner__in=_partners(keys)), months) * _row_cost(name)


def place_read(viewer: Viewer, keys: Keys, months: Sequence[dt.date]) -> str | None:
    """On SQLite, within a district, park or industry and trade keys with an HS prefix, read
    for sums over `months`: the HS prefix's codes across the city (BY_CODES) where it is the
    narrowest trade key and holds fewer records, each fetched out of the table's order, than
    the place's firms the viewer sees, every month; a partner's (or group's) index entries
    of the HS key's codes in the months (BY_PARTNER, `_partner_rows`) where they are fewer
    still (session 51); the place's firms that hold every trade
    key (BY_KEY_FIRMS, `key_firms.place_key_firms`) where that read would cost more than
    `PLACE_KEY_FIRMS_PRICED_ABOVE` and their seeks cost less; None: those firms and the other keys
    plain (`keyed_facts`), and for a viewer who sees only his own firms (a liaison officer,
    `firms_only`). Written plain, SQLite took a partner's index over an HS heading's range:
    the leader's codes within partner 502, heading 8475 and no park read 306,457 records for
    8,304 (403 → 39 ms of CPU for the breakdown and its chart at 5.6 M records; session 48).
    A partner's index read whole, the other keys in a CASE, cost 15–20 % more than SQLite's
    own plain plan over the same index: not taken. His headings within partner 502, HS 84 and no
    park read the partner's index so (405 ms of SQL on a miss; session 49)."""
    if connection.vendor != "sqlite" or keys.enterprise or firms_only(viewer, keys):
        return None
    given = keys.params().keys()
    trade = given & TESTED_KEYS
    if not trade or not given & FIRM_KEYS or not keys.hs or keys.hs == NONE_KEY:
        return None
    owner = None if viewer is None else viewer.pk
    # once a request: the table, its chart and its cards each ask
    return request_memo.memo(
        ("trade.place_read", owner, keys, tuple(months)),
        lambda: _place_read(viewer, keys, months),
    )


def _place_read(viewer: Viewer, keys: Keys, months: Sequence[dt.date]) -> str | None:
    name, rows = _narrowest(keys, keys.params().keys() & TESTED_KEYS)
    firm_rows = _firm_rows(viewer, keys)
    codes = name == "hs" and rows * KEY_ROW_COST < firm_rows
    # what the read chosen so far costs: the codes' range every month, or SQLite's own plan
    # over the narrowest key's index (or the place's firms) in the months
    chosen = BY_CODES if codes else None
    cost = (
        rows * KEY_ROW_COST
        if codes
        else min(_key_rows(keys, name, months) * _row_cost(name), _firm_rows(viewer, keys, months))
    )
    if keys.partner or keys.group:  # the partner's entries of the HS key's codes, each month
        partner = _partner_rows(keys, months)
        if partner < cost:
            chosen, cost = BY_PARTNER, partner
    if cost > PLACE_KEY_FIRMS_PRICED_ABOVE:
        found = place_key_firms(viewer, months, keys)
        if found is not None and key_firms_cost(found) * KEY_FIRMS_WEIGHT < cost:
            return BY_KEY_FIRMS
    return chosen


def place_facts(
    viewer: Viewer, keys: Keys, months: Sequence[dt.date]
) -> tuple[QuerySet[Any], bool]:
    """The records within a place's keys as `place_read` reads them for sums over `months`
    (every key and the viewer's scope gate, the condition `visible_to` filters by, tested in
    a CASE), and whether the caller must test the months in one too (the codes' range is
    read in every month); else `keyed_facts`."""
    read = place_read(viewer, keys, months)
    if read is None:
        return keyed_facts(viewer, keys), False
    gate = None if viewer is None else scope_q(CustomsRecord, effective_scope(viewer))
    tested = keys_q(keys) & (gate or Q())
    if read == BY_PARTNER:
        return hidden_in_case(
            _partner_read(CustomsRecord.objects.all(), keys, months), tested
        ), True
    ranged = CustomsRecord.objects.filter(code_range_q("hs_code", keys.hs))
    if read == BY_CODES:
        return hidden_in_case(ranged, tested), True
    found = place_key_firms(viewer, months, keys)  # as place_read found them
    if found is None:
        return keyed_facts(viewer, keys), False
    # after both flows, so that the unique key (enterprise, period, flow, hs_code) seeks the
    # range in each of their months (`key_firms.scope_facts`)
    firms = ranged.filter(Q(enterprise_id__in=found.firms) & Q(flow__in=Flow.values))
    return hidden_in_case(firms, tested), False


def _firm_rows(viewer: Viewer, keys: Keys, months: Sequence[dt.date] | None = None) -> float:
    """The records of the firms a district, park or industry key names (every month, or in
    `months`), from the enterprise rollup's counts."""
    firms = named_firms_qs(viewer, keys)
    named = firms.annotate(key=Cast("pk", output_field=CharField())).values("key")
    return _rows(
        TradeRollup.objects.filter(dimension=Dimension.ENTERPRISE, key__in=Subquery(named)),
        months,
    )


def _partner(keys: Keys) -> str:
    return "" if keys.partner == NONE_KEY else keys.partner


def cheapest_read(keys: Keys, months: Sequence[dt.date], *, viewer: Viewer = None) -> str:
    """The read of `window_facts` that fetches the fewest rows, from the rollups' counts; with
    an HS key and another, also the firms that hold each (`key_firms.key_firms`: the leader's
    firms within 一带一路 and HS 84 read the window, 1.25 s of CPU at 5.6 M records)."""
    costs = {BY_WINDOW: _rows(TradeRollup.objects.filter(dimension=Dimension.MODE), months)}
    if keys.enterprise:
        firm = TradeRollup.objects.filter(dimension=Dimension.ENTERPRISE, key=keys.enterprise)
        costs[BY_FIRM] = _rows(firm, months)
    if keys.partner or keys.group:
        costs[BY_PARTNER] = _partner_rows(keys, months)
    if keys.hs and keys.hs != NONE_KEY:
        costs[BY_CODES] = _rows(_codes(keys.hs), None) * KEY_ROW_COST
        if not (keys.partner or keys.group):
            # the key's entries in the partner index, every partner of its headings
            entries = _rows(_code_cross(keys.hs, months), None)
            costs[BY_CODE_PARTNERS] = entries * PARTNER_ENTRY_COST
    priced = min(costs.values()) > KEY_FIRMS_PRICED_ABOVE
    if priced and (found := key_firms(viewer, months, keys)) is not None:
        costs[BY_KEY_FIRMS] = key_firms_cost(found) * KEY_FIRMS_WEIGHT
    return min(costs, key=lambda name: costs[name])


# A partner's records are read on the (partner, period, …) index alone, which carries every
# column the sums read (migration trade/0035, decision 0052): an entry weighs what the scope
# plan's entry tested on the unique key weighs. The leader's firms within partner 133 and HS 85
# read 162,000 entries in 28 ms at 5.6 M records (0.17 µs each; fetched by row, 134 ms).
PARTNER_ENTRY_COST = SCOPE_TESTED_ENTRY_COST


def _row_cost(name: str) -> float:
    """A record of the trade key `name` read through its own index."""
    return PARTNER_ENTRY_COST if name in ("partner", "group") else KEY_ROW_COST


# The city's firms within an HS key and another (`key_firms.key_firms`) are priced only where every
# other read is slow: reading the stages to find them took 8 ms for the leader's firms within
# partner 116 and HS 8471, whose codes' index read took 25. Their seeks cost more than the
# scope plan's model says for a city's hundreds of firms: at 5.6 M records 0.5–1 ms a
# thousand units, against 0.23–0.38 for the other reads (partner 112 within HS 85: 281,018
# units in 136 ms, the partner's index 341,859 in 109 ms; 一带一路 within HS 84 535,266 in 510
# ms, the window 3,449,287 in 1,314 ms).
KEY_FIRMS_PRICED_ABOVE = 500_000
KEY_FIRMS_WEIGHT = 2.5
# A place's firms that hold the trade keys are fewer, and read from the stages for them alone
# (10–30 ms at 5.6 M records): priced from a plain read of about 50 ms. A district user's
# headings within partner 502, HS 85 and his park read 381,723 units so (216 ms on a miss).
PLACE_KEY_FIRMS_PRICED_ABOVE = 200_000


def _codes(prefix: str) -> QuerySet[Any]:
    """Rollup rows that count the records of an HS prefix, every month."""
    if len(prefix) > 4:
        return CommodityRollup.objects.filter(code_range_q("code", prefix[:CODE_WIDTH]))
    if len(prefix) == 2:
        return TradeRollup.objects.filter(dimension=Dimension.HS2, key=prefix)
    return TradeRollup.objects.filter(code_range_q("key", prefix), dimension=Dimension.HS4)


def _rows(qs: QuerySet[Any], months: Sequence[dt.date] | None) -> float:
    if months is not None:
        qs = qs.filter(period__in=months)
    return float(qs.aggregate(n=Sum("rows"))["n"] or 0)
