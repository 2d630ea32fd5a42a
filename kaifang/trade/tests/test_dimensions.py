"""trade/dimensions.py is the one definition of the rollup dimensions: the SQL rebuild and the
streaming child are both written from it (their equal results are tested in
test_import_stream.py and test_importers_stream.py)."""

from __future__ import annotations

from django.db import connection

from kaifang.trade import rollups
from kaifang.trade.dimensions import (
    DERIVED,
    DIMENSIONS,
    FIELDS,
    PLACE_DIMENSIONS,
    STAGES,
    derived_fields,
)
from kaifang.trade.importers import stream
from kaifang.trade.models import (
    STAGE_MODELS,
    CustomsRecord,
    Dimension,
    EnterpriseChapterRollup,
    EnterpriseProductRollup,
)

q = connection.ops.quote_name


def test_every_dimension_of_the_tables_is_defined_once():
    names = [d.name for d in DIMENSIONS]
    assert sorted(names) == sorted(Dimension.values) and len(set(names)) == len(names)
    assert Dimension.ENTERPRISE not in PLACE_DIMENSIONS  # scoped users read it per firm


def test_the_definition_names_real_columns_and_stage_fields():
    columns = {f.column for f in CustomsRecord._meta.fields}
    assert {field.column for field in FIELDS.values()} <= columns
    for dimension in DIMENSIONS:
        assert dimension.source == "enterprise" or dimension.source in STAGES[dimension.stage]


def test_each_stage_is_kept_in_a_table_with_a_column_per_field():
    for stage, fields in STAGES.items():
        columns = {f.name for f in STAGE_MODELS[stage]._meta.fields}
        assert columns == {
            "id",
            "enterprise",
            "period",
            "flow",
            *fields,
            "value_usd",
            "value_cny",
            "rows",
        }
        unique = STAGE_MODELS[stage]._meta.constraints[0].fields
        assert unique[:2] == ("enterprise", "period")  # one firm's months: one index walk


def test_the_sql_and_the_child_read_the_same_stages():
    assert set(rollups._STAGED_KEYS) == {d.name for d in DIMENSIONS}
    chapter = EnterpriseChapterRollup._meta.db_table
    assert rollups._STAGED_KEYS["hs2"] == (chapter, f"s.{q('chapter')}")
    assert rollups._STAGED_KEYS["hs4"] == (EnterpriseProductRollup._meta.db_table, 's."heading"')
    assert rollups._STAGES["product"][1] == ("SUBSTR(r.hs_code, 1, 4)", "r.trade_mode")
    assert rollups._DERIVED_KEYS["chapter"] == (f"SUBSTR(s.{q('heading')}, 1, 2)",)
    stages: list[dict] = [{} for _ in STAGES]
    stream._add_to_stages(stages, 7, "2026-03-01", "export", "502", "8471300000", "0110", 5, 35, 1)
    stream._add_to_stages(stages, 7, "2026-03-01", "export", "502", "8471410000", "0110", 1, 7, 1)
    assert stages == [
        {},  # the partner stage is summed from the partner × mode stage, not per record
        {(7, "2026-03-01", "export", "8471", "0110"): [6, 42, 2]},
        {},  # the trade mode stage from the product stage
        {(7, "2026-03-01", "export", "502", "0110"): [6, 42, 2]},
        {},  # the HS chapter stage from the product stage
        {},  # and the HS chapter × trade mode stage
    ]
    named = dict(zip(STAGES, stages, strict=True))
    stream._derive_stages(named)
    assert named["mode"] == {(7, "2026-03-01", "export", "0110"): [6, 42, 2]}
    assert named["partner"] == {(7, "2026-03-01", "export", "502"): [6, 42, 2]}
    assert named["chapter"] == {(7, "2026-03-01", "export", "84"): [6, 42, 2]}
    assert named["chapter_mode"] == {(7, "2026-03-01", "export", "84", "0110"): [6, 42, 2]}


def test_a_derived_stage_reads_fields_its_source_holds():
    for stage, source in DERIVED.items():
        assert source not in DERIVED  # summed from a stage the facts filled
        fields = derived_fields(stage)
        # coarser than its source: fewer fields, or one of them cut
        assert len(fields) < len(STAGES[source]) or any(w is not None for _, w in fields)
        for name, (position, width) in zip(STAGES[stage], fields, strict=True):
            held = FIELDS[STAGES[source][position]]
            assert held.column == FIELDS[name].column
            # the same value, or a prefix of it cut from a wider one
            assert width == FIELDS[name].width if width is not None else held == FIELDS[name]
            assert width is None or held.width is None or width < held.width
    mode = next(d for d in DIMENSIONS if d.name == "mode")
    assert mode.stage == "mode"  # the trade mode rollup from the smaller stage
    chapter = next(d for d in DIMENSIONS if d.name == "hs2")
    assert chapter.stage == "chapter"  # and the chapter rollup
