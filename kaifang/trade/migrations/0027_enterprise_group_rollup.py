"""The partner group stage (EnterpriseGroupRollup, decision 0040): a firm's month with each
partner group, summed from the partner stage already held through the groups' members (the
facts are not read), indexes after. On PostgreSQL its unique key carries the sums and
autovacuum visits it after 1 % of its rows change, as for the other stages. Written out, so it
never changes with the app code."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TABLE = "trade_enterprisegrouprollup"
SOONER = "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01"


def fill(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Sum the partner stage's rows into the new stage, a row per group each partner is a
    member of, so the pages that read it are right from the first request after the upgrade."""
    stage = apps.get_model("trade", "EnterprisePartnerRollup")._meta.db_table
    group = apps.get_model("core", "PartnerGroup")
    groups, partners = group._meta.db_table, apps.get_model("core", "Partner")._meta.db_table
    members = group.members.through._meta.db_table
    rows = schema_editor.connection.ops.quote_name("rows")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (enterprise_id, period, flow, partner_group, "  # noqa: S608
            f"value_usd, value_cny, {rows}) "
            f"SELECT s.enterprise_id, s.period, s.flow, g.code, SUM(s.value_usd), "
            f"SUM(s.value_cny), SUM(s.{rows}) FROM {stage} s "
            f"JOIN {partners} p ON p.code = s.partner "
            f"JOIN {members} m ON m.partner_id = p.id JOIN {groups} g ON g.id = m.partnergroup_id "
            f"GROUP BY s.enterprise_id, s.period, s.flow, g.code"
        )


def cover(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    name = "enterprise_group_rollup_unique"
    schema_editor.execute(
        f"ALTER TABLE {TABLE} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} UNIQUE "
        f'(enterprise_id, period, flow, partner_group) INCLUDE (value_usd, value_cny, "rows")'
    )
    schema_editor.execute(f"ALTER TABLE {TABLE} SET ({SOONER})")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("trade", "0026_enterprise_chapter_rollup"),
        ("core", "0005_job_worker"),
    ]

    operations = [
        migrations.CreateModel(
            name="EnterpriseGroupRollup",
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
                ("partner_group", models.CharField(max_length=30)),
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
                "verbose_name": "企业分国别(地区)分组月度汇总",
                "verbose_name_plural": "企业分国别(地区)分组月度汇总",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="enterprisegrouprollup",
            index=models.Index(fields=["period"], name="enterprise_group_period"),
        ),
        migrations.AddIndex(
            model_name="enterprisegrouprollup",
            index=models.Index(
                fields=["partner_group", "period", "enterprise"], name="enterprise_group_group"
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprisegrouprollup",
            constraint=models.UniqueConstraint(
                fields=("enterprise", "period", "flow", "partner_group"),
                name="enterprise_group_rollup_unique",
            ),
        ),
        migrations.RunPython(cover, migrations.RunPython.noop),
    ]
