"""PostgreSQL: the two stage rollups' unique keys carry the sums (INCLUDE value_usd,
value_cny, rows), so one enterprise's months are read from the key alone (an index-only
scan) instead of a heap row per (month, flow, heading, mode) on its own page. At 50.7 M
records the largest firm's product stage is 20,000–25,000 rows for a profile's 22 months:
45–80 ms read through the heap, 22 ms from the key (issue 17, session 27,
docs/performance.md). Same constraint names and key columns, so the model's state is
unchanged and the stage writes (delete by month, then insert) are as before. SQLite has no
INCLUDE: nothing to do there. The statements are written out, not derived from the models,
so this migration never changes with the app code."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

STAGES = (
    ("trade_enterpriseproductrollup", "enterprise_product_rollup_unique", "heading, mode"),
    ("trade_enterprisepartnerrollup", "enterprise_partner_rollup_unique", "partner"),
)


def _rebuild(schema_editor: BaseDatabaseSchemaEditor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, keys in STAGES:
        schema_editor.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} "
            f"UNIQUE (enterprise_id, period, flow, {keys}){include}"
        )


def cover(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rebuild(schema_editor, ' INCLUDE (value_usd, value_cny, "rows")')


def uncover(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rebuild(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("trade", "0012_scope_rollup_key_index")]

    operations = [migrations.RunPython(cover, uncover)]
