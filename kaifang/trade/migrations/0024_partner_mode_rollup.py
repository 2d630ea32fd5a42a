"""The city-wide partner × trade mode rollup (decision 0038), filled from the partner × mode
stage of migration 0023 (the facts are not read), indexes after. Written out, so it never
changes with the app code."""

from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_partnermoderollup"


def fill(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Sum the partner × mode stage's rows into the new rollup, so the pages that read it are right
    from the first request after the upgrade."""
    stage = apps.get_model("trade", "EnterprisePartnerModeRollup")._meta.db_table
    rows = schema_editor.connection.ops.quote_name("rows")
    mode = schema_editor.connection.ops.quote_name("mode")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (period, flow, partner, {mode}, "  # noqa: S608
            f"value_usd, value_cny, {rows}) "
            f"SELECT s.period, s.flow, s.partner, s.{mode}, SUM(s.value_usd), "
            f"SUM(s.value_cny), SUM(s.{rows}) FROM {stage} s "
            f"GROUP BY s.period, s.flow, s.partner, s.{mode}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0023_partner_mode_stage"),
    ]

    operations = [
        migrations.CreateModel(
            name="PartnerModeRollup",
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
                ("partner", models.CharField(blank=True, max_length=3)),
                ("mode", models.CharField(blank=True, max_length=20)),
                ("value_usd", models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ("value_cny", models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ("rows", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "分国别(地区)分贸易方式月度汇总",
                "verbose_name_plural": "分国别(地区)分贸易方式月度汇总",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="partnermoderollup",
            index=models.Index(fields=["mode", "period"], name="partner_mode_mode"),
        ),
        migrations.AddIndex(
            model_name="partnermoderollup",
            index=models.Index(fields=["partner", "period"], name="partner_mode_partner"),
        ),
        migrations.AddConstraint(
            model_name="partnermoderollup",
            constraint=models.UniqueConstraint(
                fields=("period", "flow", "partner", "mode"), name="partner_mode_rollup_unique"
            ),
        ),
    ]
