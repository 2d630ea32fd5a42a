"""The HS chapter stage (EnterpriseChapterRollup, decision 0039): the product stage with the
heading cut to its chapter and without the trade mode. Filled from the product stage already
held (a quarter of its rows; the facts are not read), indexes after. The chapter rollups,
which a rebuild now sums from this stage, hold the same figures and are not rebuilt. On
PostgreSQL its unique key carries the sums and autovacuum visits it after 1 % of its rows
change, as for the other stages. Written out, so it never changes with the app code."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_enterprisechapterrollup"
SOONER = "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01"


def fill(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Sum the product stage's rows into the new stage, so the pages that read it are right
    from the first request after the upgrade."""
    product = apps.get_model("trade", "EnterpriseProductRollup")._meta.db_table
    rows = schema_editor.connection.ops.quote_name("rows")
    chapter = "SUBSTR(s.heading, 1, 2)"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (enterprise_id, period, flow, chapter, "  # noqa: S608
            f"value_usd, value_cny, {rows}) "
            f"SELECT s.enterprise_id, s.period, s.flow, {chapter}, SUM(s.value_usd), "
            f"SUM(s.value_cny), SUM(s.{rows}) FROM {product} s "
            f"GROUP BY s.enterprise_id, s.period, s.flow, {chapter}"
        )


def cover(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    name = "enterprise_chapter_rollup_unique"
    schema_editor.execute(
        f"ALTER TABLE {TABLE} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} "
        f'UNIQUE (enterprise_id, period, flow, chapter) INCLUDE (value_usd, value_cny, "rows")'
    )
    schema_editor.execute(f"ALTER TABLE {TABLE} SET ({SOONER})")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("trade", "0025_mode_product_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="EnterpriseChapterRollup",
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
                "verbose_name": "企业分商品章月度汇总",
                "verbose_name_plural": "企业分商品章月度汇总",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="enterprisechapterrollup",
            index=models.Index(fields=["period"], name="enterprise_chapter_period"),
        ),
        migrations.AddIndex(
            model_name="enterprisechapterrollup",
            index=models.Index(
                fields=["chapter", "period", "enterprise"], name="enterprise_chapter_chapter"
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprisechapterrollup",
            constraint=models.UniqueConstraint(
                fields=("enterprise", "period", "flow", "chapter"),
                name="enterprise_chapter_rollup_unique",
            ),
        ),
        migrations.RunPython(cover, migrations.RunPython.noop),
    ]
