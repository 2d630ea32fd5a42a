"""The (district, park) pair × partner × HS chapter rollup (decision 0043), filled with one
GROUP BY of every customs record joined to its enterprise, indexes after. Written out, so it
never changes with the app code."""

from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_placepartnerchapterrollup"


def fill(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Sum the facts already held into the new rollup, so the pages that read it are right
    from the first request after the upgrade."""
    facts = apps.get_model("trade", "CustomsRecord")._meta.db_table
    firms = apps.get_model("enterprises", "Enterprise")._meta.db_table
    rows = schema_editor.connection.ops.quote_name("rows")
    keys = (
        "COALESCE(e.district_id, 0), COALESCE(e.park_id, 0), r.period, r.flow, "
        "r.partner_code, SUBSTR(r.hs_code, 1, 2)"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (district_id, park_id, period, flow, partner, chapter, "  # noqa: S608
            f"value_usd, value_cny, {rows}) "
            f"SELECT {keys}, SUM(COALESCE(r.value_usd, 0)), SUM(COALESCE(r.value_cny, 0)), "
            f"COUNT(*) FROM {facts} r JOIN {firms} e ON e.id = r.enterprise_id GROUP BY {keys}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("trade", "0028_partner_mode_product_rollup"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlacePartnerChapterRollup",
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
                ("district_id", models.PositiveIntegerField(default=0)),
                ("park_id", models.PositiveIntegerField(default=0)),
                ("partner", models.CharField(blank=True, max_length=3)),
                ("chapter", models.CharField(blank=True, max_length=2)),
            ],
            options={
                "verbose_name": "分县区园区分国别(地区)分章月度汇总",
                "verbose_name_plural": "分县区园区分国别(地区)分章月度汇总",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="placepartnerchapterrollup",
            index=models.Index(fields=["partner", "period"], name="place_partner_chapter_partner"),
        ),
        migrations.AddIndex(
            model_name="placepartnerchapterrollup",
            index=models.Index(fields=["chapter", "period"], name="place_partner_chapter_chapter"),
        ),
        migrations.AddIndex(
            model_name="placepartnerchapterrollup",
            index=models.Index(fields=["park_id", "period"], name="place_partner_chapter_park"),
        ),
        migrations.AddConstraint(
            model_name="placepartnerchapterrollup",
            constraint=models.UniqueConstraint(
                fields=("district_id", "park_id", "period", "flow", "partner", "chapter"),
                name="place_partner_chapter_unique",
            ),
        ),
    ]
