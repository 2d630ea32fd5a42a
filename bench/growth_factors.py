"""The 2× growth factor per page from outputs of `bench_analysis.py` and `bench_drill.py` on the
1× and 2× sets.

Usage:
    python bench/growth_factors.py 'var/bench/pages-r*-1x.txt' 'var/bench/pages-r*-2x.txt'

Each argument is a glob of saved outputs (one file per run and script, both scripts' in one
glob; alternate the two sets in rounds, see docs/performance.md, "Running the benchmarks"); the
drill-down's pages are named "drill-down, …". For every page and persona it takes the
median over the files of the warm median's CPU time and wall time, and prints a Markdown
table: CPU ms 1× → 2× (CPU factor; wall factor), bold where the CPU factor is over 1.2 (issue
17: no page more than 1.2× slower at twice the records). No database, no Django.
"""

from __future__ import annotations

import glob
import re
import statistics
import sys

LINE = re.compile(
    r"\s+(?P<label>.+?)\s+cold\s+[\d.]+ ms\s+warm\s+(?P<wall>[\d.]+) ms\s+cpu\s+(?P<cpu>[\d.]+) ms"
)
PERSONAS = {"leader": "leader", "district": "district user", "liaison": "liaison officer"}
# bench_drill.py names its users by their demo accounts
DRILL_USERS = {"leader": "leader", "dongcheng": "district", "liaison1": "liaison"}
Key = tuple[str, str]


def parse(path: str) -> dict[Key, tuple[float, float]]:
    """(persona, page) → (warm wall ms, warm CPU ms) of one output."""
    figures: dict[Key, tuple[float, float]] = {}
    who, prefix = "", ""
    with open(path, encoding="utf-8") as output:
        for line in output:
            if line.startswith("pages as "):
                who, prefix = line.split()[2], ""
            elif line.startswith("drill-down as "):
                who, prefix = DRILL_USERS.get(line.split()[2], ""), "drill-down, "
            elif line.startswith("trade-stats"):
                who = "trade-stats"
            elif (match := LINE.match(line)) and who:
                timing = (float(match["wall"]), float(match["cpu"]))
                figures[(who, prefix + match["label"])] = timing
    return figures


def medians(pattern: str) -> tuple[list[Key], dict[Key, tuple[float, float]], int]:
    runs = [parse(path) for path in sorted(glob.glob(pattern))]
    if not runs:
        sys.exit(f"no output matches {pattern}")
    keys = list(dict.fromkeys(key for run in runs for key in run))
    table = {
        key: (
            statistics.median(run[key][0] for run in runs if key in run),
            statistics.median(run[key][1] for run in runs if key in run),
        )
        for key in keys
    }
    return keys, table, len(runs)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    keys, one, n_one = medians(sys.argv[1])
    _, two, n_two = medians(sys.argv[2])
    whos = [who for who in dict.fromkeys(who for who, _ in keys) if who in PERSONAS]
    pages = list(dict.fromkeys(page for who, page in keys if who in PERSONAS))
    print(f"{n_one} runs at 1×, {n_two} at 2×; CPU ms 1× → 2× (CPU factor; wall factor)\n")
    print("| page | " + " | ".join(PERSONAS[who] for who in whos) + " |")
    print("|---|" + "---:|" * len(whos))
    for page in pages:
        cells = []
        for who in whos:
            key = (who, page)
            if key not in one or key not in two:
                cells.append("")
                continue
            cpu = two[key][1] / one[key][1]
            wall = two[key][0] / one[key][0]
            factor = f"**{cpu:.2f}**" if cpu > 1.2 else f"{cpu:.2f}"
            cells.append(f"{one[key][1]:.0f} → {two[key][1]:.0f} ({factor}; {wall:.2f})")
        print(f"| {page} | " + " | ".join(cells) + " |")
    stats = [key for key in keys if key[0] == "trade-stats" and key in two]
    if stats:
        print("\n| trade-stats --json | CPU ms 1× → 2× (factor) |\n|---|---:|")
        for key in stats:
            cpu = two[key][1] / one[key][1]
            print(f"| {key[1]} | {one[key][1]:.0f} → {two[key][1]:.0f} ({cpu:.2f}) |")


if __name__ == "__main__":
    main()
