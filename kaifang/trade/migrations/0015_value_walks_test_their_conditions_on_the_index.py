"""SQLite: the two value indexes that the drill-down's walk reads downwards carry the columns its
conditions test (the months, flow, codes and firm), so SQLite tests each entry on the index and
fetches a record's row only when it matches (its deferred seek): a walk no longer reads a row
out of table order for every entry it passes. A district user's year of HS 84, page 20, at
11.3 M records walked about 80,000 entries in 222–234 ms; 30–36 ms on the wider index
(issue 17, session 32, docs/performance.md). PostgreSQL fetches the heap row of every entry
an index scan passes whatever the index holds (only an index-only scan does not, and the page's
columns are not all in any index): nothing to do there, and its indexes stay as they were.
The model keeps naming the narrow index: Django's state is the same on both databases.
Written out, so it never changes with the app code."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_customsrecord"
WALKS = (("customs_record_usd", "value_usd"), ("customs_record_cny", "value_cny"))
TESTED = ("period", "flow", "hs_code", "partner_code", "trade_mode", "enterprise_id")


def _create(schema_editor: BaseDatabaseSchemaEditor, columns: tuple[str, ...]) -> None:
    for name, value in WALKS:
        listed = ", ".join(f'"{c}"' for c in (value, *columns))
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{TABLE}" ({listed})')


def wider(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        _create(schema_editor, TESTED)


def as_before(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        _create(schema_editor, ())


class Migration(migrations.Migration):
    dependencies = [("trade", "0014_stage_rollups_vacuumed_sooner")]

    operations = [migrations.RunPython(wider, as_before)]
