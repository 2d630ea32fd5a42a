"""The platform kinds the speech names, each with the monthly KPIs it reports. Administrators
add more kinds and KPIs in the admin."""

from django.db import migrations

KINDS = [
    ("自贸试验区片区", [("新设企业数", "家"), ("实际使用外资", "万美元"), ("进出口额", "亿元")]),
    ("综合保税区", [("综保区进出口额", "亿元"), ("新增入区企业", "家")]),
    ("铁路口岸", [("口岸进出口货值", "亿元"), ("口岸货运量", "万吨")]),
    ("航空口岸", [("口岸进出口货值", "亿元"), ("口岸货运量", "吨")]),
    ("多式联运", [("多式联运集装箱量", "标箱")]),
    ("跨境电商综合试验区", [("跨境电商交易额", "亿元"), ("新增跨境电商企业", "家")]),
    ("服务外包示范城市", [("服务外包执行额", "万美元"), ("离岸执行额", "万美元")]),
    ("中欧/中亚班列", [("班列开行列数", "列"), ("班列货值", "亿元")]),
    ("开放载体", [("新增入驻企业", "家"), ("载体营业收入", "万元")]),
]


def fill(apps, schema_editor):
    PlatformKind = apps.get_model("zones", "PlatformKind")
    KpiDefinition = apps.get_model("zones", "KpiDefinition")
    for order, (name, kpis) in enumerate(KINDS, start=1):
        kind, _ = PlatformKind.objects.get_or_create(name=name, defaults={"order": order * 10})
        for position, (kpi, unit) in enumerate(kpis, start=1):
            KpiDefinition.objects.get_or_create(
                kind=kind, name=kpi, defaults={"unit": unit, "order": position}
            )


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_zones")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
