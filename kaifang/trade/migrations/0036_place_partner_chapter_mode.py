"""The (district, park) pair × partner × HS chapter rollup keeps the trade mode too (decision
0053): a district user's partners within HS 85 and 一般贸易, or his chapters within a partner
and a mode, read his firms' records (185–240 ms on a first view at 5.6 M records, session
50). The rows are grouped again from every customs record and its enterprise, with the mode
(about 20 s at 5.6 M records on SQLite, during which the records cannot be written): what
`rebuild-rollups` writes. Written out, so it never changes with the app code."""

from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def _regroup(apps: Any, schema_editor: BaseDatabaseSchemaEditor, *, by_mode: bool) -> None:
    record = apps.get_model("trade", "CustomsRecord")
    firm = apps.get_model("enterprises", "Enterprise")
    places = apps.get_model("trade", "PlacePartnerChapterRollup")
    facts, firms, table = (m._meta.db_table for m in (record, firm, places))
    quote = schema_editor.connection.ops.quote_name
    rows, mode = quote("rows"), quote("mode")
    keys = (
        "COALESCE(e.district_id, 0), COALESCE(e.park_id, 0), r.period, r.flow, r.partner_code, "
        "SUBSTR(r.hs_code, 1, 2)"
    )
    grouped = f"{keys}, r.trade_mode" if by_mode else keys
    mode_value = "r.trade_mode" if by_mode else "''"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (district_id, park_id, period, flow, partner, chapter, {mode}, "  # noqa: S608
            f"value_usd, value_cny, {rows}) SELECT {keys}, "
            f"{mode_value}, SUM(COALESCE(r.value_usd, 0)), "
            f"SUM(COALESCE(r.value_cny, 0)), COUNT(*) FROM {facts} r "
            f"JOIN {firms} e ON e.id = r.enterprise_id GROUP BY {grouped}"
        )


def by_mode(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _regroup(apps, schema_editor, by_mode=True)


def without_mode(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _regroup(apps, schema_editor, by_mode=False)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("trade", "0035_customs_record_partner_cover"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="placepartnerchapterrollup",
            name="place_partner_chapter_unique",
        ),
        migrations.AddField(
            model_name="placepartnerchapterrollup",
            name="mode",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddConstraint(
            model_name="placepartnerchapterrollup",
            constraint=models.UniqueConstraint(
                fields=("district_id", "park_id", "period", "flow", "partner", "chapter", "mode"),
                name="place_partner_chapter_mode_unique",
            ),
        ),
        migrations.RunPython(by_mode, without_mode),
    ]
