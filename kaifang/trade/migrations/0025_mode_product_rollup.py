"""The city-wide trade mode × HS heading rollup (decision 0038), filled from the product stage
already held (the facts are not read), indexes after. Written out, so it never changes with
the app code."""

from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_modeproductrollup"


def fill(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Sum the product stage's rows into the new rollup, so the pages that read it are right
    from the first request after the upgrade."""
    stage = apps.get_model("trade", "EnterpriseProductRollup")._meta.db_table
    rows = schema_editor.connection.ops.quote_name("rows")
    mode = schema_editor.connection.ops.quote_name("mode")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (period, flow, heading, {mode}, "  # noqa: S608
            f"value_usd, value_cny, {rows}) "
            f"SELECT s.period, s.flow, s.heading, s.{mode}, SUM(s.value_usd), "
            f"SUM(s.value_cny), SUM(s.{rows}) FROM {stage} s "
            f"GROUP BY s.period, s.flow, s.heading, s.{mode}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0024_partner_mode_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="ModeProductRollup",
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
                ("heading", models.CharField(blank=True, max_length=4)),
                ("mode", models.CharField(blank=True, max_length=20)),
                ("value_usd", models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ("value_cny", models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ("rows", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "分贸易方式分商品月度汇总",
                "verbose_name_plural": "分贸易方式分商品月度汇总",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="modeproductrollup",
            index=models.Index(fields=["mode", "period"], name="mode_product_mode"),
        ),
        migrations.AddIndex(
            model_name="modeproductrollup",
            index=models.Index(fields=["heading", "period"], name="mode_product_heading"),
        ),
        migrations.AddConstraint(
            model_name="modeproductrollup",
            constraint=models.UniqueConstraint(
                fields=("period", "flow", "heading", "mode"), name="mode_product_rollup_unique"
            ),
        ),
    ]
