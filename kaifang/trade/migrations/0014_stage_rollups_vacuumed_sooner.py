"""PostgreSQL: autovacuum visits the two stage rollups after 1 % of their rows change instead of
20 %, so the pages a month's rebuild rewrites are marked all-visible again soon after an import.
A firm's profile reads its stage rows from the stage keys alone (migration 0013), an
index-only scan that fetches every row whose page is not marked: at 50.7 M records the product
stage had 21,170 of 167,882 pages marked after the grow and a month's import (828,623 dead rows
of 13.4 M, under the 20 % that starts autovacuum), and the profile of the largest firm took
158–227 ms; after a VACUUM 135–161 ms (issue 17, session 31, docs/performance.md). SQLite has
no autovacuum of this kind: nothing to do there. Written out, so it never changes with the
app code."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

STAGES = ("trade_enterpriseproductrollup", "trade_enterprisepartnerrollup")
SOONER = "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01"


def sooner(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table in STAGES:
            schema_editor.execute(f"ALTER TABLE {table} SET ({SOONER})")


def as_before(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table in STAGES:
            schema_editor.execute(
                f"ALTER TABLE {table} RESET "
                "(autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor)"
            )


class Migration(migrations.Migration):
    dependencies = [("trade", "0013_stage_keys_cover_their_sums")]

    operations = [migrations.RunPython(sooner, as_before)]
