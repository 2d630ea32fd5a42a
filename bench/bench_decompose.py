"""Decomposition speed on a 15,000-character report (issue 12: under one second).

Usage:
    python bench/bench_decompose.py [RUNS]

The report is built from the real-shaped test texts in kaifang/supervision/tests/fixtures/
(a work report, a State Council-style opinion with inline division of labour, a news report of a
speech, a work plan, a speech, minutes), repeated until it holds 15,000 characters, with a unit
directory of 120 units. Pure Python, no database. Each figure is the median of RUNS (default 5)
runs after one warm-up. Printed in the same run:
  - the baseline: cleaning and sentence outline alone (the part every rule builds on);
  - the full decomposition;
  - the same report in traditional characters (OpenCC s2t), decomposed.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import opencc  # type: ignore[import-untyped, unused-ignore]  # noqa: E402

from kaifang.supervision.decompose import UnitRef, clean_text, decompose, outline  # noqa: E402
from kaifang.supervision.decompose.cleanup import fold, to_simplified  # noqa: E402
from kaifang.supervision.decompose.deadlines import _find_cached  # noqa: E402

FIXTURES = ROOT / "kaifang" / "supervision" / "tests" / "fixtures"
SOURCES = (
    "work-report-excerpt.txt",
    "opinion-state-council-style.txt",
    "news-speech-report.txt",
    "plan-city-opening-up.txt",
    "speech-opening-up-commerce-bureau.txt",
    "minutes-bureau-office-meeting.txt",
)
TARGET = 15_000
DOC_DATE = dt.date(2026, 3, 20)


def report() -> str:
    parts = [(FIXTURES / name).read_text(encoding="utf-8") for name in SOURCES]
    text = ""
    while len(text) < TARGET:
        for part in parts:
            text += part + "\n"
    return text[:TARGET]


def directory() -> list[UnitRef]:
    units = [
        UnitRef("示范市商务局", ("市商务局", "商务局", "商务部门")),
        UnitRef("示范市发展和改革委员会", ("市发改委", "发改委")),
        UnitRef("示范海关", ()),
        UnitRef("示范市口岸和物流办公室", ("市口岸办", "口岸办")),
        UnitRef("办公室", ()),
    ]
    units += [UnitRef(f"示范第{i}区商务局", (f"第{i}区商务局",)) for i in range(115)]
    return units


def timed(function: Callable[[], object], runs: int) -> tuple[float, object]:
    result = function()  # warm-up (regex compilation, OpenCC dictionaries)
    times = []
    for _ in range(runs):
        # Nothing found in an earlier run is reused.
        _find_cached.cache_clear()
        fold.cache_clear()
        to_simplified.cache_clear()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    text = report()
    units = directory()
    traditional = opencc.OpenCC("s2t").convert(text)
    baseline, sentences = timed(lambda: outline(clean_text(text)), runs)
    full, candidates = timed(lambda: decompose(text, doc_date=DOC_DATE, units=units), runs)
    trad, trad_candidates = timed(
        lambda: decompose(traditional, doc_date=DOC_DATE, units=units), runs
    )
    print(f"report: {len(text):,} characters, {len(units)} units, median of {runs} runs")
    print(f"  baseline  clean + outline      {baseline:6.3f} s  ({len(sentences)} sentences)")  # type: ignore[arg-type]
    print(f"  decompose                      {full:6.3f} s  ({len(candidates)} candidates)")  # type: ignore[arg-type]
    print(f"  decompose, traditional chars   {trad:6.3f} s  ({len(trad_candidates)} candidates)")  # type: ignore[arg-type]
    print("  target: under 1 s for the report" + ("  OK" if full < 1 and trad < 1 else "  SLOW"))


if __name__ == "__main__":
    main()
