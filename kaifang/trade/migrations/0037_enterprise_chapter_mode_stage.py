"""The HS chapter × trade mode stage (decision 0054): per firm, month and flow, the sums by
chapter and mode, summed from the product stage as `rebuild-rollups` sums it (the heading cut
to its chapter; about 3 s on SQLite at 5.6 M records, 487,000 rows). Written out, so it never
changes with the app code."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def fill(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    product = apps.get_model("trade", "EnterpriseProductRollup")._meta.db_table
    stage = apps.get_model("trade", "EnterpriseChapterModeRollup")._meta.db_table
    quote = schema_editor.connection.ops.quote_name
    rows, mode, heading = quote("rows"), quote("mode"), quote("heading")
    keys = f"enterprise_id, period, flow, SUBSTR({heading}, 1, 2), {mode}"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {stage} (enterprise_id, period, flow, chapter, {mode}, value_usd, "  # noqa: S608
            f"value_cny, {rows}) SELECT {keys}, SUM(value_usd), SUM(value_cny), SUM({rows}) "
            f"FROM {product} GROUP BY {keys}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("trade", "0036_place_partner_chapter_mode"),
    ]

    operations = [
        migrations.CreateModel(
            name="EnterpriseChapterModeRollup",
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
                ("chapter", models.CharField(blank=True, max_length=2)),
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
                "verbose_name": "企业分商品章分贸易方式月度汇总",
                "verbose_name_plural": "企业分商品章分贸易方式月度汇总",
                "indexes": [
                    models.Index(fields=["period"], name="enterprise_chapter_mode_period"),
                    models.Index(
                        fields=[
                            "chapter",
                            "mode",
                            "period",
                            "enterprise",
                            "flow",
                            "value_usd",
                            "value_cny",
                            "rows",
                        ],
                        name="enterprise_chapter_mode_cover",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("enterprise", "period", "flow", "chapter", "mode"),
                        name="enterprise_chapter_mode_unique",
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
