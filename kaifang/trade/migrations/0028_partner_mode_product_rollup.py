"""The city-wide partner × HS heading × trade mode rollup (decision 0041), filled with one
GROUP BY of every customs record, indexes after. The partner × heading rollup, which a rebuild
now sums from it, holds the same figures and is not rebuilt. Written out, so it never changes
with the app code."""

from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_partnermodeproductrollup"


def fill(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Sum the facts already held into the new rollup, so the pages that read it are right
    from the first request after the upgrade."""
    facts = apps.get_model("trade", "CustomsRecord")._meta.db_table
    rows = schema_editor.connection.ops.quote_name("rows")
    mode = schema_editor.connection.ops.quote_name("mode")
    keys = "r.partner_code, SUBSTR(r.hs_code, 1, 4), r.trade_mode"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (period, flow, partner, heading, {mode}, "  # noqa: S608
            f"value_usd, value_cny, {rows}) "
            f"SELECT r.period, r.flow, {keys}, SUM(COALESCE(r.value_usd, 0)), "
            f"SUM(COALESCE(r.value_cny, 0)), COUNT(*) FROM {facts} r "
            f"GROUP BY r.period, r.flow, {keys}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0027_enterprise_group_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="PartnerModeProductRollup",
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
                ("heading", models.CharField(blank=True, max_length=4)),
                ("mode", models.CharField(blank=True, max_length=20)),
                ("value_usd", models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ("value_cny", models.DecimalField(decimal_places=4, default=0, max_digits=24)),
                ("rows", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "分国别(地区)分贸易方式分商品月度汇总",
                "verbose_name_plural": "分国别(地区)分贸易方式分商品月度汇总",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="partnermodeproductrollup",
            index=models.Index(
                fields=["mode", "heading", "period"], name="partner_mode_product_mode"
            ),
        ),
        migrations.AddIndex(
            model_name="partnermodeproductrollup",
            index=models.Index(
                fields=["partner", "mode", "period"], name="partner_mode_product_partner"
            ),
        ),
        migrations.AddConstraint(
            model_name="partnermodeproductrollup",
            constraint=models.UniqueConstraint(
                fields=("period", "flow", "partner", "heading", "mode"),
                name="partner_mode_product_unique",
            ),
        ),
    ]
