"""The partner × heading rollup's heading index carries the flow, the partner and the sums:
the partners within an HS chapter are read on the index alone. SQLite (without statistics)
read them through the unique key, every heading of the window's months (653,000 rows for the
leader's partners within HS 84 at 5.6 M records, 87 ms; 55 ms on this index, and a small
chapter's few rows instead of the months' every row; session 52). Built before the old one is
dropped."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0038_place_cross_partner_chapter"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="partnerproductrollup",
            index=models.Index(
                fields=["heading", "period", "flow", "partner", "value_usd", "value_cny", "rows"],
                name="partner_product_heading_cover",
            ),
        ),
        migrations.RemoveIndex(
            model_name="partnerproductrollup",
            name="partner_product_heading",
        ),
    ]
