"""The place cross's chapter index and its partner index (trade/0038) carry every other column:
their rows are tested for the trade mode, the pair and the partner on the index alone. A
district user's chart within HS 85 and 一般贸易 read chapter 85's rows of every pair through the
old (chapter, period) index and fetched each row: 62 + 26 ms of SQL at 5.6 M records, 10 + 6
ms on the covering one (session 52). The partner's index is widened too: SQLite (without
statistics) prefers a covering index, and took the chapter's for a partner and a chapter (the
leader's headings within partner 502, HS 84 and no park 93 → 154 ms of CPU), where the
partner's seeks both. Each new index is built before the old one is dropped."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0039_partner_product_heading_cover"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="placepartnerchapterrollup",
            index=models.Index(
                fields=[
                    "chapter",
                    "period",
                    "mode",
                    "district_id",
                    "park_id",
                    "flow",
                    "partner",
                    "value_usd",
                    "value_cny",
                    "rows",
                ],
                name="place_cross_chapter_cover",
            ),
        ),
        migrations.RemoveIndex(
            model_name="placepartnerchapterrollup",
            name="place_partner_chapter_chapter",
        ),
        migrations.AddIndex(
            model_name="placepartnerchapterrollup",
            index=models.Index(
                fields=[
                    "partner",
                    "chapter",
                    "period",
                    "mode",
                    "district_id",
                    "park_id",
                    "flow",
                    "value_usd",
                    "value_cny",
                    "rows",
                ],
                name="place_cross_partner_cover",
            ),
        ),
        migrations.RemoveIndex(
            model_name="placepartnerchapterrollup",
            name="place_cross_partner_chapter",
        ),
    ]
