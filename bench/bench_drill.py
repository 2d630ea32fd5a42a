"""Server time of the records drill-down's pages on the large demo city, per persona and key,
with the plan each page took (walk: the value index; narrow: the key's or scope's index and a
sort; aggregate: no rollup answers the count) and the expected index entries of a walk.

Usage (the database must hold `kaifang demo-data --size large`):
    DATABASE_URL=sqlite:///…/large.sqlite3 python bench/bench_drill.py [RUNS]
    bench/with-postgres bash -c '… && python bench/bench_drill.py 3'

Without DATABASE_URL it reads var/bench/large.sqlite3. Each figure is the median of RUNS
(default 5) warm runs after one cold run, beside a hello-world request of the same run (the
machine's load moves every figure). `--users=liaison1,…` times only those users. `--query`
also times the page's query alone (`drill_records(...)[offset:offset + 50]`) in the plan
chosen and with no plan forced. `--cases=HS,partner` times only the pages whose label holds
one of those words. `--bound` also times the page's flat bound: each plan whose reads do not
grow with the records (`FLAT_PLANS`: the walks, the cuts, the firms plan) forced, its query
built and read (the cuts' walks included), the fastest of them; the chosen plan may read the
matching records, and grows with them only until a flat plan is cheaper (decision 0029).
`--every` times each plan that applies, forced, read as the app reads the page.
`--weights=1,0.5` prints the plan chosen with a value walk's entry weighed each of those
(`plans.VALUE_WALK_ENTRY_COST` on SQLite, `PG_VALUE_WALK_ENTRY_COST` on PostgreSQL).
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analysis import largest_enterprise, line, page, timed
from django.db.models import Max
from django.test import Client
from django.urls import reverse

from kaifang.core.models import User
from kaifang.trade.models import CustomsRecord, Dimension
from kaifang.trade.selectors import Keys, Query, drill_records, drill_summary
from kaifang.trade.selectors.plans import FIRMS, HEADING_WALK, KEY_WALK, MONTH_CUT, WALK

PAGE = 50
# The plans whose reads stay the same when every record is there twice: each walk reads
# about `depth × walked / matching` entries (both double), the cuts likewise, the firms
# plan each firm's entries above its cut. Not the narrow plans (the scope's, key's or
# months' records, the scope seek: the matching records).
FLAT_PLANS = (WALK, KEY_WALK, HEADING_WALK, MONTH_CUT, FIRMS)
MAX_BOUND_ENTRIES = 3_000_000  # a walk estimated longer is not run (seconds a run)
HAS_PLANS = "depth" in inspect.signature(drill_records).parameters
# the pages timed for each persona, beside the largest firm's two
CASES = [
    ("ytd", {"span": "ytd"}),
    ("ytd, page 20", {"span": "ytd", "page": "20"}),
    ("month, export", {"span": "month", "flow": "export"}),
    ("month, export, page 20", {"span": "month", "flow": "export", "page": "20"}),
    ("ytd, CNY", {"span": "ytd", "currency": "cny"}),
    ("ytd, partner 502", {"span": "ytd", "partner": "502"}),
    ("ytd, partner 502, page 20", {"span": "ytd", "partner": "502", "page": "20"}),
    ("ytd, partner 344, month", {"span": "month", "partner": "344"}),
    ("ytd, group bri_route", {"span": "ytd", "group": "bri_route"}),
    ("ytd, group bri_route, page 20", {"span": "ytd", "group": "bri_route", "page": "20"}),
    ("ytd, HS 85", {"span": "ytd", "hs": "85"}),
    (
        "ytd, export, HS 85, page 20",
        {"span": "ytd", "flow": "export", "hs": "85", "page": "20"},
    ),
    ("month, HS 85, page 20", {"span": "month", "hs": "85", "page": "20"}),
    # the district user's at 50.7 M records: 345 ms, every plan over target (session 31)
    ("ytd, HS 84, page 20", {"span": "ytd", "hs": "84", "page": "20"}),
    ("ytd, HS 8471", {"span": "ytd", "hs": "8471"}),
    ("ytd, HS 8471, page 20", {"span": "ytd", "hs": "8471", "page": "20"}),
    ("ytd, HS 8703", {"span": "ytd", "hs": "8703"}),
    ("ytd, HS 8703, page 20", {"span": "ytd", "hs": "8703", "page": "20"}),
    ("month, HS 8471, page 20", {"span": "month", "hs": "8471", "page": "20"}),
    ("ytd, mode 10", {"span": "ytd", "mode": "10"}),
    ("ytd, mode 15, page 20", {"span": "ytd", "mode": "15", "page": "20"}),
]


def page_query(params: dict[str, str]) -> tuple[Query, Keys, str]:
    """The query, keys and span a drill-down URL's parameters name."""
    q = Query(
        year=int(params["year"]),
        month=int(params["month"]),
        flow=params.get("flow", "total"),
        currency=params.get("currency", "usd"),
    )
    return q, Keys.from_params(params), params.get("span", "ytd")


def plan_of(user: User, params: dict[str, str]) -> str:
    """The plan the page takes, and the matching count and table share behind it."""
    q, keys, span = page_query(params)
    summary = drill_summary(viewer=user, q=q, span=span, keys=keys)
    if summary is None:
        return "aggregate"
    depth = int(params.get("page", "1")) * PAGE
    if not HAS_PLANS:
        return f"{summary.count:,} rows"
    from kaifang.trade.selectors.plans import drill_plan, table_records

    plan = drill_plan(viewer=user, q=q, span=span, keys=keys, depth=depth, matching=summary.count)
    entries = depth * table_records() / max(summary.count, 1)
    return f"{plan}: {summary.count:,} rows, a walk ≈ {entries:,.0f} entries"


def query_times(user: User, params: dict[str, str], runs: int) -> str:
    """The page's query alone, in the plan chosen and in SQLite's own (no plan forced)."""
    q, keys, span = page_query(params)
    number = int(params.get("page", "1"))
    bottom, top = (number - 1) * PAGE, number * PAGE
    summary = drill_summary(viewer=user, q=q, span=span, keys=keys)
    if summary is None:
        return "query alone: no rollup count, the planner's own choice"
    chosen = drill_records(
        viewer=user, q=q, span=span, keys=keys, depth=top, matching=summary.count
    )
    free = drill_records(viewer=user, q=q, span=span, keys=keys)
    c = timed(lambda: read_page(chosen, bottom, top, q, keys), runs)[1]
    f = timed(lambda: read_page(free, bottom, top, q, keys), runs)[1]
    return f"query alone: chosen {c:7.1f} ms, SQL planner's own {f:7.1f} ms"


def read_page(records: Any, bottom: int, top: int, q: Query, keys: Keys) -> list[Any]:
    """The page's rows as the app reads them: two steps on PostgreSQL since session 33
    (`drill_page`), one slice before."""
    try:
        from kaifang.trade.selectors import drill_page
    except ImportError:
        return list(records[bottom:top])
    return drill_page(records, bottom, top, q=q, keys=keys)


def shown_page(params: dict[str, str], matching: int) -> tuple[int, int, int]:
    """(number, bottom, top) of the page the view shows: a page past the end is the last."""
    number = min(int(params.get("page", "1")), -(-matching // PAGE))
    return number, (number - 1) * PAGE, number * PAGE


def forced_read(
    user: User, params: dict[str, str], matching: int, plan: str
) -> Callable[[], None] | None:
    """A read of the page shown with `plan` forced, as the app reads it (run once here), or
    None where the plan does not apply (no such index, no named firms)."""
    q, keys, span = page_query(params)
    _, bottom, top = shown_page(params, matching)

    def query() -> None:
        qs = drill_records(
            viewer=user, q=q, span=span, keys=keys, depth=top, matching=matching, plan=plan
        )
        read_page(qs, bottom, top, q, keys)

    try:
        query()
    except ValueError:
        return None
    return query


def flat_bound(user: User, params: dict[str, str], runs: int) -> str:
    """The fastest flat plan's query for the page, each applicable one forced (ms)."""
    from kaifang.trade.selectors.plans import (
        _city_totals,
        _key_totals,
        _key_value_column,
        table_records,
    )

    q, keys, span = page_query(params)
    summary = drill_summary(viewer=user, q=q, span=span, keys=keys)
    if summary is None or summary.count == 0:
        return "flat bound: no rollup count"
    # a page past the end is the last one, which every plan reads to its end
    number, _, top = shown_page(params, summary.count)
    if top >= summary.count:
        return f"flat bound: none, page {number} is the last (every plan reads all matching)"
    walked = {WALK: float(table_records())}
    if _key_value_column(q, keys) is not None:
        walked[KEY_WALK] = _key_totals(keys)[0]
    if keys.params().keys() == {"hs"} and len(keys.hs) == 4:
        walked[HEADING_WALK] = _city_totals(Dimension.HS4, keys.hs)[0]
    timed_plans: list[tuple[float, str]] = []
    notes = []
    for plan in FLAT_PLANS:
        if q.field != "value_usd" and plan != WALK:  # the others order by dollars
            continue
        entries = top * walked.get(plan, 0.0) / summary.count
        if entries > MAX_BOUND_ENTRIES:
            notes.append(f"{plan} ≈{entries / 1e6:.1f} M entries, not run")
            continue
        query = forced_read(user, params, summary.count, plan)
        if query is None:
            continue
        ms = timed(query, runs)[1]
        timed_plans.append((ms, plan))
        notes.append(f"{plan} {ms:.1f} ms")
    best = "none run" if not timed_plans else "{1} {0:.1f} ms".format(*min(timed_plans))
    return f"flat bound: {best} (" + "; ".join(notes) + ")"


def every_plan(user: User, params: dict[str, str], runs: int) -> str:
    """Each plan that applies to the page, forced and read as the app reads it (ms): what the
    cost model chose between. The walks only up to `MAX_BOUND_ENTRIES` entries (as
    `flat_bound`)."""
    from kaifang.trade.selectors.plans import KEY, MONTHS, SCOPE, SCOPE_SEEK, table_records

    q, keys, span = page_query(params)
    summary = drill_summary(viewer=user, q=q, span=span, keys=keys)
    if summary is None or summary.count == 0:
        return "every plan: no rollup count"
    top = shown_page(params, summary.count)[2]
    notes = []
    for plan in (*FLAT_PLANS, SCOPE_SEEK, KEY, SCOPE, MONTHS):
        if plan == WALK and top * table_records() / summary.count > MAX_BOUND_ENTRIES:
            notes.append(f"{plan} not run")
            continue
        query = forced_read(user, params, summary.count, plan)
        if query is None:
            continue
        notes.append(f"{plan} {timed(query, runs)[1]:.1f}")
    return "every plan (ms): " + "; ".join(notes)


def plans_by_weight(user: User, params: dict[str, str], weights: list[float]) -> str:
    """The plan `drill_plan` chooses for the page with a value walk's entry weighed each of
    `weights` (the database's own constant, SQLite's or PostgreSQL's): which pages a new
    weight moves, before timing them."""
    from django.db import connection

    from kaifang.trade.selectors import plans

    q, keys, span = page_query(params)
    summary = drill_summary(viewer=user, q=q, span=span, keys=keys)
    if summary is None:
        return "plans by weight: no rollup count"
    name = "VALUE_WALK_ENTRY_COST" if connection.vendor == "sqlite" else "PG_VALUE_WALK_ENTRY_COST"
    kept = getattr(plans, name)
    depth = int(params.get("page", "1")) * PAGE
    chosen = []
    try:
        for weight in weights:
            setattr(plans, name, weight)
            plan = plans.drill_plan(
                viewer=user, q=q, span=span, keys=keys, depth=depth, matching=summary.count
            )
            chosen.append(f"{weight:g}: {plan}")
    finally:
        setattr(plans, name, kept)
    moved = "  (moves)" if len({c.split(": ")[1] for c in chosen}) > 1 else ""
    return "plans by weight: " + "; ".join(chosen) + moved


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    runs = int(args[0]) if args else 5
    latest = CustomsRecord.objects.aggregate(p=Max("period"))["p"]
    if latest is None:
        sys.exit("no customs records: run `kaifang demo-data --size large` first")
    base = {"year": str(latest.year), "month": str(latest.month)}
    print(
        f"{CustomsRecord.objects.count():,} customs records, report month {latest:%Y-%m}, "
        f"median of {runs} warm runs; plans chosen: {HAS_PLANS}; {load()}"
    )
    chosen = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--users=")]
    only = [a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--cases=")]
    for username in chosen[0].split(",") if chosen else ("leader", "dongcheng", "liaison1"):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        print(f"drill-down as {username} ({load()}):")
        line("hello-world view (baseline)", *timed(page(client, "/bench/hello/"), runs))
        firm = largest_enterprise(user, latest)
        extra = []
        if firm:
            extra = [
                ("ytd, largest firm", {"span": "ytd", "enterprise": str(firm)}),
                (
                    "ytd, largest firm, page 20",
                    {"span": "ytd", "enterprise": str(firm), "page": "20"},
                ),
            ]
        for label, params in [*CASES, *extra]:
            if only and not any(word in label for word in only[0]):
                continue
            full = {**base, **params}
            url = (
                reverse("trade:analysis_records")
                + "?"
                + "&".join(f"{k}={v}" for k, v in full.items())
            )
            line(label, *timed(page(client, url), runs))
            print(f"      {plan_of(user, dict(parse_qsl(url.split('?', 1)[1])))}")
            if "--query" in sys.argv and HAS_PLANS:
                print(f"      {query_times(user, full, runs)}")
            for arg in sys.argv:
                if arg.startswith("--weights=") and HAS_PLANS:
                    weights = [float(w) for w in arg.split("=", 1)[1].split(",")]
                    print(f"      {plans_by_weight(user, full, weights)}")
            if "--every" in sys.argv and HAS_PLANS:
                print(f"      {every_plan(user, full, runs)}")
            if "--bound" in sys.argv and HAS_PLANS:
                print(f"      {flat_bound(user, full, runs)}")
    print(f"end: {load()}")


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
