"""The partner × trade mode stage (EnterprisePartnerModeRollup, decision 0038), grouped from the
facts already held (one GROUP BY of every record), indexes after. On PostgreSQL its unique key
carries the sums and autovacuum visits it after 1 % of its rows change, as migrations 0013 and
0014 did for the other stages. Written out, so it never changes with the app code."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_enterprisepartnermoderollup"
KEY = "enterprise_partner_mode_unique"
SOONER = "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01"


def fill(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Group the facts into the new stage, so the pages that read it are right from the first
    request after the upgrade."""
    facts = apps.get_model("trade", "CustomsRecord")._meta.db_table
    rows = schema_editor.connection.ops.quote_name("rows")
    mode = schema_editor.connection.ops.quote_name("mode")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (enterprise_id, period, flow, partner, {mode}, "  # noqa: S608
            f"value_usd, value_cny, {rows}) "
            f"SELECT r.enterprise_id, r.period, r.flow, r.partner_code, r.trade_mode, "
            f"SUM(COALESCE(r.value_usd, 0)), SUM(COALESCE(r.value_cny, 0)), COUNT(*) "
            f"FROM {facts} r "
            f"GROUP BY r.enterprise_id, r.period, r.flow, r.partner_code, r.trade_mode"
        )


def cover(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} DROP CONSTRAINT {KEY}, ADD CONSTRAINT {KEY} UNIQUE "
        f'(enterprise_id, period, flow, partner, mode) INCLUDE (value_usd, value_cny, "rows")'
    )
    schema_editor.execute(f"ALTER TABLE {TABLE} SET ({SOONER})")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("trade", "0022_enterprise_mode_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="EnterprisePartnerModeRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", models.DateField()),
                (
                    "flow",
                    models.CharField(
                        choices=[("export", "出口"), ("import", "进口")], max_length=6
                    ),
                ),
                ("value_usd", models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ("value_cny", models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ("rows", models.PositiveIntegerField(default=0)),
                ("partner", models.CharField(blank=True, max_length=3)),
                ("mode", models.CharField(blank=True, max_length=20)),
                (
                    "enterprise",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="enterprises.enterprise",
                    ),
                ),
            ],
            options={
                "verbose_name": "企业分国别(地区)分贸易方式月度汇总",
                "verbose_name_plural": "企业分国别(地区)分贸易方式月度汇总",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="enterprisepartnermoderollup",
            index=models.Index(fields=["period"], name="enterprise_partner_mode_period"),
        ),
        migrations.AddConstraint(
            model_name="enterprisepartnermoderollup",
            constraint=models.UniqueConstraint(
                fields=("enterprise", "period", "flow", "partner", "mode"),
                name=KEY,
            ),
        ),
        migrations.RunPython(cover, migrations.RunPython.noop),
    ]
