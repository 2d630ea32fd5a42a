"""Server time of a risk scenario over all enterprises, against the plain SQL aggregation
of the same customs rows (the baseline).

Usage (the database must hold the demo city; `--grow N` first copies every demo firm and
its customs records N more times, in the database given, to reach a larger set):
    DATABASE_URL=sqlite:///…/bench.sqlite3 python bench/bench_exposure.py [--runs 5] [--grow N]
        [--records]
    bench/with-postgres bash -c 'kaifang migrate && kaifang load-reference &&
        kaifang demo-data && python bench/bench_exposure.py --grow 1'

Without DATABASE_URL it reads var/bench/large.sqlite3. Each figure is the median of RUNS
warm runs after one cold run (also printed). Timed: `risk.selectors.exposure()` (read from
the exposure rollup) for the city (viewer None), as the demo leader, and as a district user,
for three scenarios — US × chapters 84/85 (a tariff), the demo's published-style tariff list
(7 lines with their own rates, 6 to 10 digits), and the EU group × chapters 61–63; then the
scenario's page through Django's test client. Beside each, the baseline: the GROUP BY
enterprise in plain SQL on the same customs records, and `exposure(source="facts")` (what the
scenario cost before the rollup), whose figures must equal the rollup's ("same figures").

`--records` times only the scenario's records page (`/risk/scenarios/<pk>/records/`, the
largest records first, 50 a page; the full run ends with it too) through the test client:
the demo's two scenarios as the leader (page 1, page 20, and within the district user's
district and the most exposed one, the first the scenario's page links to), a copy of the
second in yuan, and copies of both owned by a district user and by a liaison officer (page 1
and 20), written inside a transaction rolled back at the end. Each page: the plan it is read
through (`risk.records.ScenarioRecords.plan`) and the matching records, one cold request
and the median wall and CPU time of RUNS warm ones (on SQLite the CPU is the page's whole
cost; the machine's other work shows in the wall). Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
# A database built by `kaifang` keeps sessions in its side file (decision 0011); one built
# with the test settings has none: "auto" follows the file.
os.environ.setdefault("SQLITE_SIDE_DATABASE", "auto")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'large.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max, Sum  # noqa: E402
from django.test import Client  # noqa: E402

from kaifang.core.models import Partner, PartnerGroup, User  # noqa: E402
from kaifang.enterprises.models import Enterprise  # noqa: E402
from kaifang.risk.demo import US_LIST  # noqa: E402
from kaifang.risk.models import ExposureRollup, Scenario, ScenarioProduct  # noqa: E402
from kaifang.risk.selectors import (  # noqa: E402
    Spec,
    exposure,
    matching_records,
    spec_for,
    window,
)
from kaifang.trade.models import CustomsRecord, TradeRollup  # noqa: E402

TARGET_MS = 1000.0
RECORDS = CustomsRecord._meta.db_table
ROLLUP = TradeRollup._meta.db_table
EXPOSURE = ExposureRollup._meta.db_table


def _collect(into: list[Any], **kwargs: Any) -> None:
    """One exposure computation, kept for the caller to inspect after timing it."""
    into.append(exposure(**kwargs))


def timed(func: Callable[[], Any], runs: int) -> tuple[float, float]:
    """(cold ms, median warm ms)."""
    start = time.perf_counter()
    func()
    cold = (time.perf_counter() - start) * 1000
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        warm.append((time.perf_counter() - start) * 1000)
    return cold, statistics.median(warm)


def grow(copies: int) -> None:
    """Copy every enterprise that has customs records, its records and its enterprise rollup
    rows, `copies` times (new ids, same district, park, industry and liaison)."""
    started = time.perf_counter()
    ids = list(CustomsRecord.objects.values_list("enterprise_id", flat=True).distinct())
    cols = [
        f.column
        for f in CustomsRecord._meta.concrete_fields
        if f.column not in {"id", "enterprise_id"}
    ]
    col_list = ", ".join(cols)
    for copy in range(1, copies + 1):
        with transaction.atomic():
            mapping: dict[int, int] = {}
            for source in Enterprise.objects.filter(pk__in=ids):
                clone = Enterprise.objects.create(
                    name=f"{source.name}（副本{copy}）",
                    district_id=source.district_id,
                    park_id=source.park_id,
                    industry_id=source.industry_id,
                    liaison_id=source.liaison_id,
                    is_synthetic=True,
                    source="bench",
                )
                mapping[source.pk] = clone.pk
            with connection.cursor() as cursor:
                for old, new in mapping.items():
                    cursor.execute(
                        f"INSERT INTO {RECORDS} (enterprise_id, {col_list}) "
                        f"SELECT %s, {col_list} FROM {RECORDS} WHERE enterprise_id = %s",
                        [new, old],
                    )
                    # The clone's enterprise and exposure rollup rows are the source's:
                    # copied, not rebuilt (a full rebuild of millions of rows takes half an
                    # hour here; the other rollups are not read by exposure()).
                    cursor.execute(
                        f"INSERT INTO {ROLLUP} (dimension, key, period, flow, value_usd, "
                        f"value_cny, rows) SELECT dimension, %s, period, flow, value_usd, "
                        f"value_cny, rows FROM {ROLLUP} "
                        "WHERE dimension = 'enterprise' AND key = %s",
                        [str(new), str(old)],
                    )
                    cursor.execute(
                        f"INSERT INTO {EXPOSURE} (flow, period, partner_code, hs_code, "
                        "enterprise_id, value_usd, value_cny, rows) SELECT flow, period, "
                        f"partner_code, hs_code, %s, value_usd, value_cny, rows FROM {EXPOSURE} "
                        "WHERE enterprise_id = %s",
                        [new, old],
                    )
        print(f"  copy {copy}: {len(mapping)} firms", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {RECORDS}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"grown in {time.perf_counter() - started:.0f} s", flush=True)


def figures(result: Any) -> Any:
    return (
        result.total_exposed,
        result.total_trade,
        result.total_loss,
        result.records,
        [(e.enterprise_id, e.exposed, e.own_trade, e.loss) for e in result.enterprises],
        result.by_line,
    )


def baseline_sql(spec: Spec, months: list[dt.date]) -> Callable[[], Any]:
    """The same rows (the same WHERE, as risk.selectors builds it) summed by enterprise in
    plain SQL: no scope gate, no grouping by HS code, no Python afterwards."""
    qs = matching_records(viewer=None, spec=spec, months=months)
    sql, params = (
        qs.values("enterprise_id")
        .annotate(value=Sum(spec.field))
        .order_by()
        .query.sql_with_params()
    )

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def timed_cpu(func: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """(cold ms, median warm ms, median warm CPU ms of this process)."""
    start = time.perf_counter()
    func()
    cold = (time.perf_counter() - start) * 1000
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return cold, statistics.median(walls), statistics.median(cpus)


def _copy_scenario(source: Scenario, owner: User, **changes: Any) -> Scenario:
    """The scenario again, owned by `owner` (in its unit, so it computes over its scope)."""
    copy = Scenario.objects.create(
        name=f"bench: {source.name}",
        flow=changes.get("flow", source.flow),
        currency=changes.get("currency", source.currency),
        months=source.months,
        until=source.until,
        unit=owner.unit,
        created_by=owner,
    )
    copy.partners.set(source.partners.all())
    copy.partner_groups.set(source.partner_groups.all())
    for product in source.products.all():
        ScenarioProduct.objects.create(
            scenario=copy, line=product.line, hs_code=product.hs_code, rate_pp=product.rate_pp
        )
    return copy


def _plans(user: User, scenario: Scenario, query: dict[str, str]) -> str:
    """The plan the page is read through (`ScenarioRecords.plan` for its last row), as the
    view chooses it; "-" before the plans existed (the benchmark run on older code)."""
    import importlib.util

    from kaifang.risk import selectors

    if importlib.util.find_spec("kaifang.risk.records") is None:
        return "-"
    from kaifang.risk.records import ScenarioRecords as records_of

    spec = selectors.spec_for(scenario)
    until = spec.until or selectors.default_until(user)
    if until is None:
        return "-"
    district = query.get("district")
    terms: dict[str, Any] = {
        "viewer": user,
        "spec": spec,
        "months": window(until, spec.months),
        "owner": selectors.scenario_owner(scenario),
        "district": int(district) if district else None,
    }
    count = selectors.matching_sums(**terms).rows
    records = records_of(**terms, count=count)
    page = int(query.get("page", "1"))
    depth = min(page * RECORDS_PAGE, count)
    return f"{records.plan(depth=max(depth, 1))} ({count:,} records)"


RECORDS_PAGE = 50  # risk.views.RECORDS_PAGE_SIZE


def records_pages(runs: int) -> None:
    """The scenario's records page for the leader, a district user and a liaison officer."""
    users = {u.username: u for u in User.objects.filter(username__in=RECORD_VIEWERS)}
    demo = list(Scenario.objects.filter(created_by__isnull=False).order_by("pk")[:2])
    if "leader" not in users or not demo:
        print("records page: no leader or no scenario (load the large demo city)")
        return
    district_user = users.get("dongcheng")
    places = [district_user.unit_id] if district_user and district_user.unit_id else []
    print(f"{'records page':52} {'viewer':10} {'cold ms':>8} {'warm ms':>8} {'cpu ms':>7}  plan")
    with transaction.atomic():
        pages: list[tuple[str, Scenario, dict[str, str]]] = []
        for scenario in demo:
            pages += [("leader", scenario, {}), ("leader", scenario, {"page": "20"})]
            # the district user's district, and the one the scenario's page links first
            # (the most exposed: the crawl's ?district=13 at 5.6 M records)
            result = exposure(viewer=users["leader"], spec=spec_for(scenario))
            top = [int(g.key) for g in result.by_district[:1] if g.key.isdigit()]
            for place in dict.fromkeys(places + top):
                pages.append(("leader", scenario, {"district": str(place)}))
        pages.append(("leader", _copy_scenario(demo[-1], users["leader"], currency="cny"), {}))
        for name in ("dongcheng", "liaison1"):
            if name in users:
                for scenario in demo:
                    mine = _copy_scenario(scenario, users[name])
                    pages += [(name, mine, {}), (name, mine, {"page": "20"})]
        clients: dict[str, Client] = {}
        for name, scenario, query in pages:
            client = clients.get(name)
            if client is None:
                client = clients[name] = Client()
                client.force_login(users[name])
            url = f"/risk/scenarios/{scenario.pk}/records/"
            if query:
                url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
            cold, warm, cpu = timed_cpu(partial(client.get, url), runs)
            shown = url + ("" if scenario in demo else f" ({scenario.currency}, own copy)")
            plan = _plans(users[name], scenario, query)
            print(f"{shown:52} {name:10} {cold:8.1f} {warm:8.1f} {cpu:7.1f}  {plan}", flush=True)
        transaction.set_rollback(True)


RECORD_VIEWERS = ("leader", "dongcheng", "liaison1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--grow", type=int, default=0)
    parser.add_argument("--facts-runs", type=int, default=1, help="warm runs of the baseline")
    parser.add_argument("--records", action="store_true", help="only the records page")
    args = parser.parse_args()
    if args.grow:
        grow(args.grow)
    if args.records:
        records_pages(args.runs)
        return
    rows = CustomsRecord.objects.count()
    firms = CustomsRecord.objects.values("enterprise_id").distinct().count()
    latest = CustomsRecord.objects.aggregate(m=Max("period"))["m"]
    rolled = ExposureRollup.objects.count()
    print(
        f"{connection.vendor}: {rows:,} customs records, {firms:,} trading enterprises, "
        f"{rolled:,} exposure rollup rows"
    )
    if latest is None:
        print("no customs records: load the demo city first")
        return
    eu = frozenset(
        Partner.objects.filter(groups__code="eu").values_list("code", flat=True)
    ) or frozenset({"304", "305", "309"})
    specs = {
        "US × 84,85 (tariff 25pp)": Spec(
            partner_codes=frozenset({"502"}),
            lines=("84", "85"),
            shock="tariff",
            tariff_pp=Decimal(25),
            elasticity=Decimal("1.5"),
        ),
        "US × published list (7 lines, own rates)": Spec(
            partner_codes=frozenset({"502"}),
            lines=tuple(code for code, _, _ in US_LIST),
            rates=tuple((code, rate) for code, rate, _ in US_LIST),
            shock="tariff",
            tariff_pp=Decimal(25),
            elasticity=Decimal("1.5"),
        ),
        "EU group × 61-63 (share 30%)": Spec(
            partner_codes=eu, lines=("61", "62", "63"), shock="share", share_lost_pct=Decimal(30)
        ),
        "every partner × 8471 (stop)": Spec(lines=("8471",)),
    }
    leader = User.objects.filter(username="leader").first()
    district = User.objects.filter(username="dongcheng").first()
    months = window(latest, 12)
    print(f"window {months[0]:%Y-%m} … {months[-1]:%Y-%m}; target {TARGET_MS:.0f} ms")
    print(f"{'scenario':44} {'viewer':10} {'cold ms':>9} {'warm ms':>9} {'firms':>6}")
    worst = 0.0
    mismatches = 0
    for label, spec in specs.items():
        spec = Spec(**{**spec.__dict__, "until": latest})
        for who, viewer in (("city", None), ("leader", leader), ("dongcheng", district)):
            if who != "city" and viewer is None:
                continue
            result: list[Any] = []
            cold, warm = timed(
                partial(_collect, result, viewer=viewer, spec=spec),
                args.runs,
            )
            worst = max(worst, warm)
            found = result[-1]
            print(f"{label:44} {who:10} {cold:9.1f} {warm:9.1f} {len(found.enterprises):6}")
        cold, warm = timed(baseline_sql(spec, months), args.runs)
        print(f"{label:44} {'plain SQL':10} {cold:9.1f} {warm:9.1f}")
        before: list[Any] = []
        cold, warm = timed(
            partial(_collect, before, viewer=None, spec=spec, source="facts"),
            args.facts_runs,
        )
        same = figures(before[-1]) == figures(exposure(viewer=None, spec=spec))
        print(
            f"{label:44} {'facts':10} {cold:9.1f} {warm:9.1f} {len(before[-1].enterprises):6}"
            f"  same figures: {'yes' if same else 'NO'}"
        )
        mismatches += not same
    scenario = Scenario.objects.filter(name="美国对机电产品加征关税").first()
    if scenario is None and leader is not None:
        scenario = Scenario.objects.create(name="bench: US × 84,85", created_by=leader)
        scenario.partners.set(Partner.objects.filter(code="502"))
        ScenarioProduct.objects.create(scenario=scenario, line=1, hs_code="84")
        ScenarioProduct.objects.create(scenario=scenario, line=2, hs_code="85")
    if scenario is not None and leader is not None:
        client = Client()
        client.force_login(leader)
        url = f"/risk/scenarios/{scenario.pk}/"
        cold, warm = timed(lambda: client.get(url), args.runs)
        print(f"{'page ' + url:44} {'leader':10} {cold:9.1f} {warm:9.1f}")
    records_pages(args.runs)
    _ = PartnerGroup  # imported for the reader: groups resolve to member codes
    verdict = "OK" if worst < TARGET_MS else "SLOWER THAN TARGET"
    print(f"worst exposure() median {worst:.1f} ms: {verdict}")
    if mismatches:
        print(f"{mismatches} scenario(s) differ between the rollup and the records")
        sys.exit(1)


if __name__ == "__main__":
    main()
