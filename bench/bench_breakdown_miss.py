"""A keyed breakdown's cost on a cache miss (its first view after an import, before anyone or
the worker computed it), per persona, with the sources a session added switched off in the
same run as the baseline: `--baseline=46` (the default) a scoped viewer's records within two
or more trade keys narrowed to the firms the stages say hold each key (`key_firms.key_firms`;
since session 47 within an HS chapter or heading alone too);
`--baseline=45` the (district, park) pair × partner × chapter rollup (decision 0043);
`--baseline=44` the HS chapter and partner group stages
(decisions 0039, 0040) and the city-wide partner × heading × trade mode cross (decision 0041).

Usage (the database must hold `kaifang demo-data --size large`):
    DATABASE_URL=sqlite:///…/large.sqlite3 python bench/bench_breakdown_miss.py
        [--users=leader,dongcheng,liaison1] [--baseline=46|45|44] ["by:key=value&key=value" …]

Each case is `breakdown()` alone (no page, no cache; a request's memo since session 46), best
of three, CPU of this process (on SQLite the whole cost; on PostgreSQL the server's is not
counted: wall is printed beside it).
Report month 2026-11, both flows, yuan. The default cases are the first views over 150 ms in
the crawl before that session and the keys of its new sources. No writes.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple
from decimal import Decimal
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from kaifang.core.lib import request_memo  # noqa: E402
from kaifang.trade.models import CustomsRecord  # noqa: E402
from kaifang.trade.selectors import Keys, Query, breakdown  # noqa: E402

CASES_46 = [
    "enterprise:partner=112&hs=85",
    "enterprise:partner=136&hs=85",
    "enterprise:partner=502&mode=10",
    "enterprise:group=bri_route&hs=84",
    "enterprise:partner=116&hs=8471",
    "partner:mode=10&hs=84",
    "hs4:partner=116&mode=10",
    "hs8:partner=112&hs=85",
    "mode:group=rcep&hs=85",
]
CASES_45 = [
    "hs2:partner=116&district=10",
    "hs2:partner=502&district=10",
    "partner:hs=85&district=10",
    "hs2:partner=112&hs=85",
    "partner:hs=85",
    "partner:hs=84",
    "hs2:partner=116",
    "hs2:partner=141&group=bri_route",
    "hs2:group=bri_route&park=1",
]
CASES_44 = [
    "enterprise:hs=85",
    "enterprise:hs=8",
    "enterprise:group=bri_route",
    "enterprise:group=rcep",
    "enterprise:group=bri_route&district=10",
    "hs2:industry=C",
    "hs2:district=10",
    "partner:mode=10&hs=84",
    "hs2:mode=10&partner=502",
    "hs4:mode=10&group=bri_route",
    "mode:partner=502&hs=85",
    "hs4:partner=116&hs=85&mode=10",
]
Q = Query(year=2026, month=11, flow="total", currency="cny")


@contextmanager
def before_session_46() -> Iterator[None]:
    """The selectors as session 45 left them: a scoped viewer's scope plan reads every record
    of his firms; the leader's records within an HS key and another read the window, the
    partner's or the codes' index."""
    plans: Any = importlib.import_module("kaifang.trade.selectors.plans")
    keyed: Any = importlib.import_module("kaifang.trade.selectors.keyed")
    held: Any = importlib.import_module("kaifang.trade.selectors.key_firms")
    saved = held.key_firms
    plans.key_firms = keyed.key_firms = held.key_firms = lambda viewer, months, keys: None
    try:
        yield
    finally:
        plans.key_firms = keyed.key_firms = held.key_firms = saved


@contextmanager
def before_session_45() -> Iterator[None]:
    """The selectors as session 44 left them: no pair × partner × chapter rollup to read."""
    breakdown_module: Any = importlib.import_module("kaifang.trade.selectors.breakdown")
    saved = breakdown_module.PLACE_BYS
    breakdown_module.PLACE_BYS = frozenset()
    try:
        yield
    finally:
        breakdown_module.PLACE_BYS = saved


@contextmanager
def before_session_44() -> Iterator[None]:
    """The selectors as session 43 left them: no chapter or group stage to read, no partner ×
    heading × trade mode cross (the tables stay; nothing reads them)."""
    breakdown_module: Any = importlib.import_module("kaifang.trade.selectors.breakdown")
    summary: Any = importlib.import_module("kaifang.trade.selectors.summary")
    saved = breakdown_module._STAGES_OF, summary._TRIPLE_BYS
    breakdown_module._STAGES_OF = {
        by: tuple(s for s in stages if s not in {"chapter", "group"})
        for by, stages in saved[0].items()
    }
    summary._TRIPLE_BYS = frozenset()
    try:
        yield
    finally:
        breakdown_module._STAGES_OF, summary._TRIPLE_BYS = saved


def _cents(table: Any) -> list[tuple[str, list[Decimal]]]:
    """A breakdown's rows and total to the cent: SQLite sums decimals in binary floating
    point, so summing a stage's rows instead of another's moves the last digits."""
    cent = Decimal("0.01")
    return [
        (row.key, [Decimal(value).quantize(cent) for value in astuple(row.sums)])
        for row in [*table.rows, table.total]
    ]


def best_of_three(run: Callable[[], Any]) -> tuple[float, float, Any]:
    times = []
    result = None
    for _ in range(3):
        cpu, wall = time.process_time(), time.perf_counter()
        result = run()
        times.append((time.process_time() - cpu, time.perf_counter() - wall))
    best = min(times)
    return best[0] * 1000, best[1] * 1000, result


def main(argv: list[str]) -> None:
    users = "leader,dongcheng,liaison1"
    baseline = "46"
    cases = []
    for arg in argv:
        if arg.startswith("--users="):
            users = arg.split("=", 1)[1]
        elif arg.startswith("--baseline="):
            baseline = arg.split("=", 1)[1]
        else:
            cases.append(arg)
    before = {"46": before_session_46, "45": before_session_45, "44": before_session_44}[baseline]
    default = {"46": CASES_46, "45": CASES_45, "44": CASES_44}[baseline]
    User = get_user_model()
    records = CustomsRecord.objects.count()
    print(
        f"{connection.vendor}: {records:,} customs records; CPU (and wall) before → after "
        f"session {baseline}'s sources"
    )
    for name in users.split(","):
        user = User.objects.get(username=name)
        for case in cases or default:
            by, _, spec = case.partition(":")
            keys = Keys(**dict(p.split("=", 1) for p in spec.split("&"))) if spec else Keys()

            def run(by: str = by, keys: Keys = keys, user: Any = user) -> Any:
                with request_memo.opened():  # as a page's request: reach() read once
                    return breakdown(viewer=user, by=by, q=Q, keys=keys)

            with before():
                base_cpu, base_wall, base = best_of_three(run)
            cpu, wall, now = best_of_three(run)
            assert _cents(now) == _cents(base), (name, case)
            print(
                f"{name:10} by {by:10} within {spec:30} rows {len(now.rows):5} "
                f"{base.source:6}→{now.source:6} cpu {base_cpu:7.1f} → {cpu:6.1f} ms "
                f"({base_cpu / max(cpu, 0.01):4.1f}×)  wall {base_wall:7.1f} → {wall:6.1f} ms",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
