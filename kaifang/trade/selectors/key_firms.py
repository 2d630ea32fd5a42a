"""The firms that hold every trade key of a drill-down or breakdown, read from the enterprise
stage rollups (decisions 0046 and 0051): the scope plan and the keyed reads seek those firms'
records in the HS key's range instead of reading a key's records across the city. What such a
read costs is the plans' (`plans.key_firms_cost`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from kaifang.core.lib import request_memo
from kaifang.trade.models import STAGE_MODELS, Flow
from kaifang.trade.selectors.base import (
    FIRM_KEYS,
    NONE_KEY,
    Keys,
    Viewer,
    code_range_q,
    facts,
    named_firms_qs,
    reach,
    sees_all,
)
from kaifang.trade.selectors.summary import STAGE_ORDER, stage_lookup

TESTED_KEYS = frozenset({"partner", "group", "hs", "mode"})  # columns of the unique key
MAX_SEEK_FIRMS = 2_000  # the firms go into the query as a list


@dataclass(frozen=True)
class KeyFirms:
    """The firms a viewer sees (every firm for the whole city) that hold an HS key and any
    other trade key given over `months` months, by the stages, and their records in the HS key's
    range of codes."""

    firms: list[int]
    hs_rows: float
    months: int


def key_firms(viewer: Viewer, months: Sequence[dt.date], keys: Keys) -> KeyFirms | None:
    """For an HS chapter or heading and another trade key, or (a scoped viewer) the HS key
    alone: the viewer's firms (the city's for a viewer who sees it all) that hold the HS key
    in `months` (its stage) and each other key (theirs), read from the stages; None
    otherwise, or when they are too many for a list.
    A record within every key is a record of one of them, in the HS key's range of codes, so
    the scope plan seeks that range of their months alone and sums the same (`scope_facts`).
    A district user's firms within partner 112 and HS 85 read every record of the partner
    across the city and joined each to its firm: 98 ms of CPU on a miss at 5.6 M records,
    0.6 s on a first view after an import (session 46); 106 of his 398 firms hold both
    keys. The leader's firms within 一带一路 and HS 84 read every record of the window: 1.25
    s. Without an HS key the firms were most of his (298 of 398 within partner 116 and 一般贸易)
    and reading the stages cost more than they spared. With a heading alone, a district
    user's codes read the heading's records across the city: 85 → 19 ms (session 47); the
    leader reads the city's rollups there."""
    if not keys.hs or keys.hs == NONE_KEY or keys.params().keys() & FIRM_KEYS:
        return None
    trade = {n: v for n, v in keys.params().items() if n in TESTED_KEYS}
    every = viewer is None or sees_all(viewer)
    if (len(trade) < 2 and every) or stage_lookup(Keys(hs=keys.hs), STAGE_ORDER) is None:
        return None
    owner = None if viewer is None or every else viewer.pk
    key = ("trade.key_firms", owner, tuple(months), keys)
    found = request_memo.memo(key, lambda: _read_key_firms(viewer, months, trade, every=every))
    return found if len(found.firms) <= MAX_SEEK_FIRMS else None


def place_key_firms(viewer: Viewer, months: Sequence[dt.date], keys: Keys) -> KeyFirms | None:
    """Within a district, park or industry and an HS chapter or heading (and other trade
    keys): the place's firms the viewer sees that hold each trade key in `months`, read from
    the stages as `key_firms` reads them; None otherwise, or when they are too many for a
    list. The leader's headings within partner 502, HS 84 and no park read the partner's
    records across the city and joined each to its firm (405 ms of SQL on a miss at 5.6 M
    records, session 49)."""
    if not keys.hs or keys.hs == NONE_KEY or keys.enterprise:
        return None
    if not keys.params().keys() & FIRM_KEYS or stage_lookup(Keys(hs=keys.hs), STAGE_ORDER) is None:
        return None
    trade = {n: v for n, v in keys.params().items() if n in TESTED_KEYS}
    owner = None if viewer is None else viewer.pk
    key = ("trade.place_key_firms", owner, tuple(months), keys)

    def read() -> KeyFirms:
        place = sorted(named_firms_qs(viewer, keys).values_list("pk", flat=True))
        return _read_key_firms(viewer, months, trade, every=False, within=place)

    found = request_memo.memo(key, read)
    return found if len(found.firms) <= MAX_SEEK_FIRMS else None


def _read_key_firms(
    viewer: Viewer,
    months: Sequence[dt.date],
    trade: dict[str, str],
    *,
    every: bool,
    within: list[int] | None = None,
) -> KeyFirms:
    """The HS key's stage first, for his firms (its index) or every firm, then each other
    key's for the firms left (the stage's unique key): 4–10 ms in all for a district user
    at 5.6 M. A list of more than `MAX_SEEK_FIRMS` firms (a unit of a province) is not put
    into the query, whose variables SQLite's default build caps at 32,766: the key's firms
    are read for the city and narrowed here. `within`: the firms to start from (a place's
    the viewer sees), instead of his or the city's."""
    firms: list[int] | None = within
    if within is None and not every and viewer is not None:
        firms = sorted(reach(viewer).enterprise_ids)
    hs_rows: dict[int, int] = {}
    for name, value in sorted(trade.items(), key=lambda item: item[0] != "hs"):
        if firms == []:
            break
        found = stage_lookup(Keys(**{name: value}), STAGE_ORDER)
        if found is None:  # a key no stage holds would narrow nothing (each of these has one)
            continue
        stage, lookup = found
        rows = STAGE_MODELS[stage].objects.filter(period__in=months, **lookup)
        if firms is not None and len(firms) <= MAX_SEEK_FIRMS:  # more: narrowed below
            rows = rows.filter(enterprise_id__in=firms)
        held = dict(rows.values_list("enterprise_id").annotate(n=Sum("rows")).order_by())
        if name == "hs":
            hs_rows = held
        firms = sorted(held) if firms is None else [pk for pk in firms if pk in held]
    firms = firms or []
    total = float(sum(hs_rows.get(pk, 0) for pk in firms))
    return KeyFirms(firms=firms, hs_rows=total, months=len(months))


def scope_facts(viewer: Viewer, months: Sequence[dt.date], keys: Keys) -> QuerySet[Any]:
    """The scope plan's records in `months`: the viewer's, or with an HS chapter or heading
    (and other trade keys) those of the firms that hold each (`key_firms`) in the range of
    the HS key's codes, written after both flows so that the unique key's (enterprise,
    period, flow, hs_code) seeks it (a district user's firms within partner 112 and HS 85:
    34 → 21 ms of SQL; every entry of his firms' months, 200 ms)."""
    found = key_firms(viewer, months, keys)
    if found is None:
        return facts(viewer)
    qs = facts(viewer).filter(enterprise_id__in=found.firms)
    return qs.filter(Q(flow__in=Flow.values) & code_range_q("hs_code", keys.hs))
