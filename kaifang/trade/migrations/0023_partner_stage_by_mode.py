"""The partner stage is grouped by trade mode too (decision 0038): its rows are summed again
from the facts already held (one GROUP BY of every record), its unique key gains the mode, and
on PostgreSQL that key carries the sums again (as migration 0013 made it). Written out, so it
never changes with the app code."""

from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_enterprisepartnerrollup"
KEY = "enterprise_partner_rollup_unique"


def regroup(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Replace the stage's rows by the facts grouped by partner and trade mode."""
    facts = apps.get_model("trade", "CustomsRecord")._meta.db_table
    rows = schema_editor.connection.ops.quote_name("rows")
    mode = schema_editor.connection.ops.quote_name("mode")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} (enterprise_id, period, flow, partner, {mode}, "  # noqa: S608
            f"value_usd, value_cny, {rows}) "
            f"SELECT r.enterprise_id, r.period, r.flow, r.partner_code, r.trade_mode, "
            f"SUM(COALESCE(r.value_usd, 0)), SUM(COALESCE(r.value_cny, 0)), COUNT(*) "
            f"FROM {facts} r "
            f"GROUP BY r.enterprise_id, r.period, r.flow, r.partner_code, r.trade_mode"
        )


def regroup_back(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Backwards: one row per partner again, before the mode column goes."""
    rows = schema_editor.connection.ops.quote_name("rows")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE partner_stage_back AS "  # noqa: S608
            f"SELECT enterprise_id, period, flow, partner, SUM(value_usd) AS usd, "
            f"SUM(value_cny) AS cny, SUM({rows}) AS n FROM {TABLE} "
            f"GROUP BY enterprise_id, period, flow, partner"
        )
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} (enterprise_id, period, flow, partner, mode, "  # noqa: S608
            f"value_usd, value_cny, {rows}) "
            f"SELECT enterprise_id, period, flow, partner, '', usd, cny, n FROM partner_stage_back"
        )
        cursor.execute("DROP TABLE partner_stage_back")


def cover(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} DROP CONSTRAINT {KEY}, ADD CONSTRAINT {KEY} "
            f'UNIQUE (enterprise_id, period, flow, partner, mode) INCLUDE (value_usd, value_cny, "rows")'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("trade", "0022_enterprise_mode_rollup"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="enterprisepartnerrollup",
            name=KEY,
        ),
        migrations.AddField(
            model_name="enterprisepartnerrollup",
            name="mode",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.RunPython(regroup, regroup_back),
        migrations.AddConstraint(
            model_name="enterprisepartnerrollup",
            constraint=models.UniqueConstraint(
                fields=("enterprise", "period", "flow", "partner", "mode"),
                name=KEY,
            ),
        ),
        migrations.RunPython(cover, migrations.RunPython.noop),
    ]
