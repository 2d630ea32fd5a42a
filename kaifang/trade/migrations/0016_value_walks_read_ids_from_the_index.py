"""PostgreSQL: the two value indexes that the drill-down's walk reads downwards carry, after the
value, the columns its conditions test and the record's id (INCLUDE), so the walk for a page's
ids is an index-only scan: it tests every entry's record columns on the index and reads no
record row where the visibility map marks its page (the firm's conditions are tested by joining
the enterprises; `selectors.records.drill_page` then reads the page's 50 rows by id). A district user's year of
HS 84, page 20, at 11.3 M records read a row for each of the 144,097 entries it passed: its
query 105–117 ms; its ids from the covering index 27 ms, with the rows 32 ms (issue 17,
session 33, docs/performance.md). Autovacuum visits the facts after 1 % of new rows instead
of 20 %, so a month's new pages are marked all-visible soon after its import (until then an
index-only scan reads their rows). SQLite's value indexes carry the columns as key columns
since migration 0015: nothing to do there. The model keeps naming the narrow index: Django's
state is the same on both databases. Written out, so it never changes with the app code."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_customsrecord"
WALKS = (("customs_record_usd", "value_usd"), ("customs_record_cny", "value_cny"))
CARRIED = ("period", "flow", "hs_code", "partner_code", "trade_mode", "enterprise_id", "id")
SOONER = "autovacuum_vacuum_insert_scale_factor = 0.01"


def _create(schema_editor: BaseDatabaseSchemaEditor, carried: tuple[str, ...]) -> None:
    """Both new indexes built under a temporary name first, then each old one dropped and the
    new one renamed: building takes a SHARE lock (the records can be read, not written); the
    DROP's exclusive lock, which stops reads too, comes only at the end of the transaction."""
    include = f" INCLUDE ({', '.join(carried)})" if carried else ""
    for name, value in WALKS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}_new"')
        schema_editor.execute(f'CREATE INDEX "{name}_new" ON "{TABLE}" ("{value}"){include}')
    for name, _value in WALKS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        schema_editor.execute(f'ALTER INDEX "{name}_new" RENAME TO "{name}"')


def covering(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, CARRIED)
        schema_editor.execute(f"ALTER TABLE {TABLE} SET ({SOONER})")


def as_before(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _create(schema_editor, ())
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (autovacuum_vacuum_insert_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("trade", "0015_value_walks_test_their_conditions_on_the_index")]

    operations = [migrations.RunPython(covering, as_before)]
