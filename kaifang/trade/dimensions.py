"""The rollup dimensions and their grouping, defined once: the SQL rebuild
(``trade/rollups.py``) and the streaming import's child (``trade/importers/stream.py``) both
read this module, so the two cannot drift. Pure: no Django (a contract in pyproject.toml).

Every rollup row is summed from a *stage*: the customs facts grouped by (enterprise, month,
flow) and the stage's fields. Sorting the facts is what a GROUP BY costs; grouping them twice,
then the far smaller stages once per rollup, costs about a third of grouping the facts once per
rollup. A stage whose fields another stage holds is summed from that stage, not from the facts
(`DERIVED`). A dimension's key is a field of its stage (or a prefix of it), or the enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """A value a stage groups by: a customs record's column, or a prefix of it."""

    column: str  # CustomsRecord column
    width: int | None = None  # keep only the first `width` characters


# The columns a stage can read, in the order the streaming child hands them over.
COLUMNS = ("partner_code", "hs_code", "trade_mode")

FIELDS = {
    "partner": Field("partner_code"),
    "heading": Field("hs_code", 4),
    "mode": Field("trade_mode"),
    "chapter": Field("hs_code", 2),
}

# The commodity code rollups' code (trade.models CommodityRollup): an HS code cut to eight
# digits, the widest code the customs tariff and the pages use.
CODE_WIDTH = 8

# stage → the fields it groups by (after enterprise, month and flow)
STAGES: dict[str, tuple[str, ...]] = {
    "partner": ("partner",),
    "product": ("heading", "mode"),
    "mode": ("mode",),
    "partner_mode": ("partner", "mode"),
    "chapter": ("chapter",),
    "chapter_mode": ("chapter", "mode"),
}

# stage → the stage it is summed from (its fields a subset of that one's), instead of the
# facts (decision 0038): the trade mode stage is the product stage without the heading, a
# tenth of its rows (the firms within a trade mode read 1.5 M product rows on a page's first
# view); the partner stage is the partner × mode stage without the mode. The facts are still
# grouped twice. A stage without the mode keeps its rows when records come under another
# trade mode, as they do when the benchmark doubles them. The HS chapter stage is the product
# stage with the heading cut to its chapter and without the mode, a quarter of its rows (the
# firms within HS 85 read 259 k product rows of two years on a first view, 200 ms of CPU at
# 5.6 M; 47 k chapter rows, 28 ms; decision 0039).
# The HS chapter × trade mode stage is the product stage with the heading cut to its chapter
# (a third of its rows): the firms within a chapter and a trade mode read the product stage's
# headings, 236,000 rows of HS 84 in 22 months for the leader (108 ms of SQL at 5.6 M records;
# decision 0054). Read only with a trade mode, so its rows at 2× stay those of the mode.
DERIVED: dict[str, str] = {
    "partner": "partner_mode",
    "mode": "product",
    "chapter": "product",
    "chapter_mode": "product",
}

# the stages grouped from the facts themselves
BASE_STAGES = tuple(stage for stage in STAGES if stage not in DERIVED)


def derived_fields(stage: str) -> tuple[tuple[int, int | None], ...]:
    """For each field of a derived stage, where the source stage's field of the same record
    column sits among the source's fields, and the width to cut it to (None: as it is): the
    chapter is the product stage's heading cut to two digits."""
    source = STAGES[DERIVED[stage]]
    found = []
    for name in STAGES[stage]:
        field = FIELDS[name]
        position = next(i for i, s in enumerate(source) if FIELDS[s].column == field.column)
        wider = FIELDS[source[position]].width
        found.append((position, None if field.width == wider else field.width))
    return tuple(found)


ENTERPRISE = "enterprise"  # the source of a dimension keyed by the enterprise itself


@dataclass(frozen=True)
class RollupDimension:
    name: str  # a trade.models.Dimension value
    stage: str
    source: str  # a field of the stage, or ENTERPRISE
    width: int | None = None  # keep only the first `width` characters of the source
    # Also summed by (district, park) pair and by liaison officer. Enterprise-keyed figures of
    # scoped users come from the enterprise rollup (filtered by the visible enterprises), so
    # the pair rollups leave that dimension out.
    by_place: bool = True

    @property
    def position(self) -> int | None:
        """Index of the source among the stage's fields (None for the enterprise)."""
        return None if self.source == ENTERPRISE else STAGES[self.stage].index(self.source)


DIMENSIONS = (
    RollupDimension("partner", "partner", "partner"),
    RollupDimension("enterprise", "mode", ENTERPRISE, by_place=False),
    RollupDimension("hs2", "chapter", "chapter"),
    RollupDimension("hs4", "product", "heading"),
    RollupDimension("mode", "mode", "mode"),
)

PLACE_DIMENSIONS = tuple(d.name for d in DIMENSIONS if d.by_place)

# dimensions whose key is an enterprise (the streaming child keys a new one by identifier)
ENTERPRISE_DIMENSIONS = frozenset(d.name for d in DIMENSIONS if d.source == ENTERPRISE)
