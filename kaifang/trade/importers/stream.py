"""A customs table parsed in chunks, as rows ready to write, so writing can start early.

``parse_customs`` sums the rows of one key over the whole file before returning; the writer
then waits for the whole parse. ``stream_customs`` instead parses ``chunk_rows`` lines at a
time (with ``parse_customs`` itself, so every rule and message is the same) and yields each
chunk's records as plain tuples in ``trade/bulk.py``'s column order. A key met again in a later
chunk is not written twice: its further amounts are summed into ``StreamEnd.late``, which the
writer adds to the record this import has just written. ``StreamEnd.result`` carries the whole
file's counts, totals, errors and warnings, as ``parse_customs`` would report them.

Pure: no database. ``kaifang.trade.actions.stream.import_customs_table`` runs it in a forked child
(``kaifang.core.lib.forked``) so parsing and writing use both cores.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import marshal
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any, ParamSpec, TypeVar

from kaifang.trade.dimensions import (
    CODE_WIDTH,
    COLUMNS,
    DERIVED,
    DIMENSIONS,
    FIELDS,
    STAGES,
    derived_fields,
)
from kaifang.trade.importers.common import (
    Flow,
    Lookups,
    NewEnterprise,
    RowWarning,
    add_amounts,
)
from kaifang.trade.importers.customs import (
    CellCache,
    CustomsRow,
    customs_result,
    merged_columns,
    parse_customs,
    sheet_mapping,
    table_context,
)
from kaifang.trade.importers.headers import HeaderMapping
from kaifang.trade.importers.result import ImportResult
from kaifang.trade.importers.tabular import Row, Table, fill_merged

__all__ = ["MODE_WIDTH", "StreamEnd", "WriteChunk", "merge_new_enterprises", "stream_customs"]

# trade/bulk.py COLUMNS: enterprise, period, flow, hs_code, partner_code, trade_mode, qty1,
# unit1, qty2, unit2, value_usd, value_cny, source, batch_id. The enterprise slot holds the id
# when the register knows the enterprise, else the identifier key ("uscc", …) of a new one.
MODE_WIDTH = 20
UNIT_WIDTH = 20
_UNIT_MISMATCH = "与同一记录前面的行计量单位不同，数量已相加"
_UNKNOWN_MODE = "未知的贸易方式"

Record = tuple[Any, ...]
_P = ParamSpec("_P")
_T = TypeVar("_T")
# (city-wide: dimension, key, period, flow, usd, cny, records;
#  by pair: district, park, dimension, …; by liaison officer: liaison, district, park, …;
#  then the stages, one list per stage of dimensions.STAGES: slot, period, flow, fields…, usd,
#  cny, records; then the pair × partner × chapter × mode rollup's: district, park, period,
#  flow, partner, chapter, mode, usd, cny, records; the city's partner × heading × mode
#  rollup's: period, flow, partner, heading, mode, usd, cny, records; the pair × code
#  rollup's: district, park, period, flow, code, usd, cny, records; the liaison officer ×
#  code rollup's: liaison, then the pair × code rollup's)
Rollups = tuple[
    list[Record],
    list[Record],
    list[Record],
    list[list[Record]],
    list[Record],
    list[Record],
    list[Record],
    list[Record],
]
_Key = tuple[object, date, str, str, str, str]
_Add = Callable[..., None]


@dataclass(slots=True)
class WriteChunk:
    """Records of keys first met in this chunk, and what the writer needs before them."""

    rows: list[Record]  # the enterprise slot is an id
    pending: list[Record]  # the enterprise slot is a new enterprise's identifier key
    new_enterprises: list[NewEnterprise]
    new_periods: list[date]  # periods first met in this chunk
    lines_read: int  # data rows read so far (for progress)

    def __reduce__(self) -> tuple[Any, ...]:
        # Records are tuples of str, int and None: marshal writes and reads them several
        # times faster than pickle, which matters when a chunk crosses to another process.
        rows = marshal.dumps((self.rows, self.pending))
        return (_chunk, (rows, self.new_enterprises, self.new_periods, self.lines_read))


def _chunk(
    rows: bytes, new_enterprises: list[NewEnterprise], new_periods: list[date], lines_read: int
) -> WriteChunk:
    known, pending = marshal.loads(rows)  # noqa: S302 - our own process's bytes
    return WriteChunk(known, pending, new_enterprises, new_periods, lines_read)


@dataclass(slots=True)
class StreamEnd:
    """The whole file's report (``rows`` left empty) and the amounts of repeated keys."""

    result: ImportResult[CustomsRow]
    # (enterprise slot, period ISO, flow, hs, partner, mode, qty1, qty2, usd, cny, unit1, unit2)
    late: list[Record] = field(default_factory=list)
    # The file's records summed as the rollup tables hold them (columns in table order, the
    # enterprise rollup's key an enterprise slot): when the file's months held nothing before,
    # these are the months' rollups. None without enterprise attributes.
    rollups: Rollups | None = None


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def merge_new_enterprises(
    into: dict[tuple[str, str], NewEnterprise], items: list[NewEnterprise]
) -> None:
    """Add a chunk's new identifiers, completing a customs code or name a later row gives."""
    for item in items:
        key = ("uscc", item.uscc) if item.uscc else ("customs_code", item.customs_code)
        known = into.get(key)
        if known is None:
            into[key] = item
        elif (item.customs_code and not known.customs_code) or (item.name and not known.name):
            into[key] = NewEnterprise(
                known.uscc,
                known.customs_code or item.customs_code,
                known.name or item.name,
                known.first_row,
            )


def _merge_report(
    total: ImportResult[CustomsRow], part: ImportResult[CustomsRow], mode_warnings: set[str]
) -> None:
    total.rows_imported += part.rows_imported
    total.rows_rejected += part.rows_rejected
    total.rows_read += part.rows_read
    total.errors.extend(part.errors)
    total.rejected_rows.extend(part.rejected_rows)
    for warning in part.warnings:
        if warning.message.startswith(_UNKNOWN_MODE):
            if warning.value in mode_warnings:
                continue  # one warning per unknown mode for the whole file, as in one pass
            mode_warnings.add(warning.value)
        total.warnings.append(warning)
    for flow, sums in part.totals.items():
        total.totals[flow].usd += sums.usd
        total.totals[flow].cny += sums.cny
    for note in part.notes:
        if note not in total.notes:
            total.notes.append(note)


def _collector_off(
    generator: Callable[_P, Iterator[_T]],
) -> Callable[_P, Iterator[_T]]:
    """Run a generator with the garbage collector off: a million small objects and no cycles,
    so every full collection would only walk them all."""

    @functools.wraps(generator)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> Iterator[_T]:
        collecting = gc.isenabled()
        gc.disable()
        try:
            yield from generator(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return run


def _chunks(
    tables: Sequence[Table], chunk_rows: int, mapping: HeaderMapping
) -> Iterator[tuple[Table, list[Row]]]:
    """Each table's rows, ``chunk_rows`` at a time (the very first chunk a fifth of that, so
    the writer starts sooner); a chunk never spans two sheets. Merged cells are filled here,
    so a merge across two chunks fills both; the chunk's table keeps the merges for the note."""
    size = max(1, chunk_rows // 5)
    for table in tables:
        filled = merged_columns(sheet_mapping(mapping, table))
        rows = fill_merged(table, filled) if table.merged else iter(table.rows)
        while lines := list(islice(rows, size)):
            size = chunk_rows
            yield table, lines


@_collector_off
def stream_customs(
    table: Table | Sequence[Table],
    mapping: HeaderMapping,
    *,
    lookups: Lookups,
    file_flow: Flow | None = None,
    file_period: date | None = None,
    source: str,
    batch_id: int | None,
    chunk_rows: int = 50_000,
    attributes: Mapping[int, tuple[int, int, int | None]] | None = None,
) -> Iterator[WriteChunk | StreamEnd]:
    """Yield a ``WriteChunk`` per ``chunk_rows`` data rows (the first a fifth of that), then
    one ``StreamEnd``.

    ``attributes``: enterprise id → (district id, park id, liaison id), 0 and None where
    unknown; with it, ``StreamEnd.rollups`` holds the file's rollup rows.
    Raises ``MappingError`` as ``parse_customs`` does (before the first chunk, for every sheet).
    """
    tables = [table] if isinstance(table, Table) else list(table)
    named = len(tables) > 1
    for each in tables:
        table_context(
            each,
            sheet_mapping(mapping, each),
            file_flow=file_flow,
            file_period=file_period,
            name_sheet=named,
        )
    total = customs_result(mapping)
    mode_warnings: set[str] = set()
    units: dict[_Key, tuple[str, str]] = {}  # every key written, with its units
    late: dict[_Key, list[Any]] = {}
    periods: set[date] = set()
    new_by_key: dict[tuple[str, str], NewEnterprise] = {}
    # the rollup stages (trade/dimensions.py): stage → {(slot, month, flow, *fields): sums}
    stages: list[dict[tuple[object, ...], list[Any]]] = [{} for _ in STAGES]
    add_to_stages = _add_to_stages
    # Four rollups no stage holds, summed here so that an import into new months reads no
    # facts at all: the pair's partners by chapter and mode (district, park, month, flow,
    # partner, chapter, mode), the city's partners by heading and mode (month, flow, partner,
    # heading, mode), the pair's codes (district, park, month, flow, code), and a liaison
    # officer's (liaison, district, park, month, flow, code) for the firms that have one. On
    # PostgreSQL, grouping them from the month's facts took 0.75 s of the server's time an
    # import.
    by_chapter: dict[tuple[object, ...], list[Any]] = {}
    by_heading: dict[tuple[object, ...], list[Any]] = {}
    by_code: dict[tuple[object, ...], list[Any]] = {}
    by_officer_code: dict[tuple[object, ...], list[Any]] = {}
    chapter_width = FIELDS["chapter"].width
    heading_width = FIELDS["heading"].width
    unplaced = (0, 0, None)  # a new enterprise has no district, park or liaison yet
    place_of = attributes or {}
    iso: dict[date, str] = {}
    zero = Decimal(0)
    cells = CellCache()
    for each, lines in _chunks(tables, chunk_rows, mapping):
        part = parse_customs(
            dataclasses.replace(each, rows=iter(lines)),
            mapping,
            lookups=lookups,
            file_flow=file_flow,
            file_period=file_period,
            cache=cells,
            name_sheets=named,
        )
        _merge_report(total, part, mode_warnings)
        new_periods = sorted(set(part.periods) - periods)
        periods.update(new_periods)
        merge_new_enterprises(new_by_key, part.new_enterprises)
        known: list[Record] = []
        pending: list[Record] = []
        slot_of: dict[int, tuple[Any, int, int, int | None]] = {}
        for row in part.rows:
            # one unpacking: a NamedTuple's attributes cost a descriptor call each
            (ref, period, flow, hs, partner, mode, _, q1, unit1, q2, unit2, usd, cny, first, _) = (
                row
            )
            placed = slot_of.get(id(ref))
            if placed is None:
                known_id = ref.enterprise_id
                if known_id is None:
                    placed = (ref.key, 0, 0, None)  # a new enterprise: no place or liaison yet
                else:
                    placed = (known_id, *place_of.get(known_id, unplaced))
                slot_of[id(ref)] = placed
            slot, district, park, liaison = placed
            if len(mode) > MODE_WIDTH:
                mode = mode[:MODE_WIDTH]
            if len(unit1) > UNIT_WIDTH or len(unit2) > UNIT_WIDTH:
                unit1, unit2 = unit1[:UNIT_WIDTH], unit2[:UNIT_WIDTH]
            key: _Key = (slot, period, flow, hs, partner, mode)
            first_units = units.get(key)
            month = iso.get(period)
            if month is None:
                month = iso[period] = period.isoformat()
            new_record = 0 if first_units is not None else 1
            usd0 = zero if usd is None else usd
            cny0 = zero if cny is None else cny
            # partner, hs, mode: dimensions.COLUMNS
            add_to_stages(stages, slot, month, flow, partner, hs, mode, usd0, cny0, new_record)
            # spelled out, as `_stage_adder` spells out the stages: this runs for every row
            chapter_key = (district, park, month, flow, partner, hs[:chapter_width], mode)
            sums = by_chapter.get(chapter_key)
            if sums is None:
                by_chapter[chapter_key] = [usd0, cny0, new_record]
            else:
                sums[0] += usd0
                sums[1] += cny0
                sums[2] += new_record
            heading_key = (month, flow, partner, hs[:heading_width], mode)
            sums = by_heading.get(heading_key)
            if sums is None:
                by_heading[heading_key] = [usd0, cny0, new_record]
            else:
                sums[0] += usd0
                sums[1] += cny0
                sums[2] += new_record
            code_key = (district, park, month, flow, hs[:CODE_WIDTH])
            sums = by_code.get(code_key)
            if sums is None:
                by_code[code_key] = [usd0, cny0, new_record]
            else:
                sums[0] += usd0
                sums[1] += cny0
                sums[2] += new_record
            if liaison is not None:
                officer_key = (liaison, *code_key)
                sums = by_officer_code.get(officer_key)
                if sums is None:
                    by_officer_code[officer_key] = [usd0, cny0, new_record]
                else:
                    sums[0] += usd0
                    sums[1] += cny0
                    sums[2] += new_record
            if first_units is not None:
                if (unit1 and first_units[0] and unit1 != first_units[0]) or (
                    unit2 and first_units[1] and unit2 != first_units[1]
                ):
                    total.warnings.append(
                        RowWarning(
                            first,
                            mapping.label("unit1"),
                            unit1 or unit2,
                            _UNIT_MISMATCH,
                            each.sheet or "" if named else "",
                        )
                    )
                entry = late.get(key)
                if entry is None:
                    late[key] = [q1, q2, usd, cny, unit1, unit2]
                else:
                    entry[0] = add_amounts(entry[0], q1)
                    entry[1] = add_amounts(entry[1], q2)
                    entry[2] = add_amounts(entry[2], usd)
                    entry[3] = add_amounts(entry[3], cny)
                continue
            units[key] = (unit1, unit2)
            record = (
                slot,
                month,
                flow,
                hs,
                partner,
                mode,
                None if q1 is None else str(q1),
                unit1,
                None if q2 is None else str(q2),
                unit2,
                None if usd is None else str(usd),
                None if cny is None else str(cny),
                source,
                batch_id,
            )
            (known if slot.__class__ is int else pending).append(record)
        yield WriteChunk(
            rows=known,
            pending=pending,
            new_enterprises=part.new_enterprises,
            new_periods=new_periods,
            lines_read=total.rows_read,
        )
    total.periods = sorted(periods)
    total.new_enterprises = sorted(new_by_key.values(), key=lambda e: e.first_row)
    yield StreamEnd(
        result=total,
        late=[
            (
                key[0],
                key[1].isoformat(),
                *key[2:],
                _text(q1),
                _text(q2),
                _text(usd),
                _text(cny),
                u1,
                u2,
            )
            for key, (q1, q2, usd, cny, u1, u2) in late.items()
        ],
        rollups=None
        if attributes is None
        else _rollups(
            dict(zip(STAGES, stages, strict=True)),
            attributes,
            (by_chapter, by_heading, by_code, by_officer_code),
        ),
    )


def _add_sums(
    target: dict[tuple[Any, ...], list[Any]], key: tuple[Any, ...], sums: list[Any]
) -> None:
    found = target.get(key)
    if found is None:
        target[key] = [sums[0], sums[1], sums[2]]
    else:
        found[0] += sums[0]
        found[1] += sums[1]
        found[2] += sums[2]


def _stage_adder() -> _Add:
    """One function that adds a record's amounts to every rollup stage, written from
    trade/dimensions.py: ``add(stages, slot, month, flow, *columns, usd, cny, new)``, where
    ``columns`` are the record's values of ``dimensions.COLUMNS`` (in that order) and
    ``stages`` one dict per stage in ``STAGES`` order. It runs for every row of the file, so
    it is compiled with the stage keys spelled out, as the SQL rebuild spells them: closures
    or a loop over the fields cost 0.7–1.6 µs a row more than the hand-written keys did
    (timeit, loaded machine); this costs 0–0.3 µs."""
    lines = [f"def add(stages, slot, month, flow, {', '.join(COLUMNS)}, usd, cny, new):"]
    for number, (stage, fields) in enumerate(STAGES.items()):
        if stage in DERIVED:
            continue  # summed from its source stage at the end (_derive_stages)
        parts = []
        for name in fields:
            field = FIELDS[name]
            value = field.column
            parts.append(value if field.width is None else f"{value}[:{int(field.width)}]")
        lines += [
            f"    key = (slot, month, flow, {', '.join(parts)})",
            f"    sums = stages[{number}].get(key)",
            "    if sums is None:",
            f"        stages[{number}][key] = [usd, cny, new]",
            "    else:",
            "        sums[0] += usd",
            "        sums[1] += cny",
            "        sums[2] += new",
        ]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<trade.dimensions stages>", "exec"), namespace)  # noqa: S102 - our own constants
    adder: _Add = namespace["add"]
    return adder


_add_to_stages = _stage_adder()


def _derive_stages(stages: Mapping[str, dict[tuple[Any, ...], list[Any]]]) -> None:
    """Fill each derived stage (dimensions.DERIVED) from its source stage's rows, as the SQL
    rebuild sums its table from the source's: a row per source row, not per record."""
    for stage, source in DERIVED.items():
        target = stages[stage]
        fields = derived_fields(stage)
        for (slot, month, flow, *values), sums in stages[source].items():
            key = (values[p] if width is None else values[p][:width] for p, width in fields)
            _add_sums(target, (slot, month, flow, *key), sums)


def _rows(table: Mapping[tuple[Any, ...], list[Any]]) -> list[Record]:
    return [(*k, str(v[0]), str(v[1]), v[2]) for k, v in table.items()]


def _rollups(
    stages: Mapping[str, dict[tuple[Any, ...], list[Any]]],
    attributes: Mapping[int, tuple[int, int, int | None]],
    crosses: Sequence[Mapping[tuple[Any, ...], list[Any]]],
) -> Rollups:
    """Every rollup row of the file's records, grouped as rollups.rebuild_rollups groups the
    facts: both read trade/dimensions.py."""
    _derive_stages(stages)
    city: dict[tuple[Any, ...], list[Any]] = {}
    pairs: dict[tuple[Any, ...], list[Any]] = {}
    officers: dict[tuple[Any, ...], list[Any]] = {}
    unplaced = (0, 0, None)  # a new enterprise has no district, park or liaison yet
    for dimension in DIMENSIONS:
        position, width, name = dimension.position, dimension.width, dimension.name
        for (slot, month, flow, *values), sums in stages[dimension.stage].items():
            if position is None:
                key = slot
            else:
                key = values[position] if width is None else values[position][:width]
            _add_sums(city, (name, key, month, flow), sums)
            if not dimension.by_place:
                continue
            district, park, liaison = (
                attributes.get(slot, unplaced) if slot.__class__ is int else unplaced
            )
            _add_sums(pairs, (district, park, name, key, month, flow), sums)
            if liaison is not None:
                _add_sums(officers, (liaison, district, park, name, key, month, flow), sums)
    # the stages themselves, kept as tables (trade.models.STAGE_MODELS)
    stage_rows = [_rows(stages[stage]) for stage in STAGES]
    # the pair × partner × chapter × mode rollup (trade.models.PlacePartnerChapterRollup),
    # the partner × heading × mode one (PartnerModeProductRollup), the pair × code one
    # (PlaceCommodityRollup), the liaison officer × pair × code one (LiaisonCommodityRollup)
    places, headings, codes, officer_codes = (_rows(table) for table in crosses)
    return (
        _rows(city),
        _rows(pairs),
        _rows(officers),
        stage_rows,
        places,
        headings,
        codes,
        officer_codes,
    )
