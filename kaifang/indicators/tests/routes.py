"""Route matrix rows of indicators."""

from typing import Any

from kaifang.core.tests.route_matrix import Route


def make(city: Any) -> dict[str, Any]:
    """District A's comparison row, and an import staged by the bureau's officer."""
    from kaifang.indicators.actions import indicators_seed
    from kaifang.indicators.models import Region, ValueImport

    indicators_seed()
    region = Region.objects.get(unit=city.district_a)
    staged = ValueImport.objects.create(
        filename="东城区月报.xlsx",
        rows=[],
        errors=[{"row": 2, "column": "指标", "value": "x", "reason": "未知的指标"}],
        uploaded_by=city.officer,
    )
    return {"region": region, "staged": staged}


# The region is district A's: its people see it, the liaison officer among them.
IN_DISTRICT_A = ("liaison",)

MANAGERS_ONLY = {
    "leader": 403,
    "district_a": 403,
    "district_b": 403,
    "park": 403,
    "liaison": 403,
}

ROUTES = [
    Route("indicators:dashboard", hides="region", seen_by=IN_DISTRICT_A, city_wide=True),
    Route("indicators:indicator_list", hides="region", seen_by=IN_DISTRICT_A, city_wide=True),
    Route(
        "indicators:coverage",
        expect={"district_a": 403, "district_b": 403, "park": 403, "liaison": 403},
    ),
    Route("indicators:official_upload", expect=MANAGERS_ONLY),
    Route("indicators:import_upload", expect=MANAGERS_ONLY),
    Route("indicators:import_detail", kwargs={"pk": "staged"}, expect={"district_a": 404}),
    Route(
        "indicators:import_commit",
        kwargs={"pk": "staged"},
        method="POST",
        expect={"leader": 403, "district_a": 404, "officer": 302, "admin": 302},
    ),
    Route(
        "indicators:indicator_detail",
        kwargs={"code": "trade_total"},
        hides="region",
        seen_by=IN_DISTRICT_A,
    ),
    Route("indicators:indicator_export", kwargs={"code": "trade_total"}, hides="region"),
    Route(
        "indicators:value_grid",
        kwargs={"code": "retail"},
        hides="region",
        expect={"leader": 403, "liaison": 403, "park": 403},
    ),
    Route("indicators:target_edit", kwargs={"code": "trade_total"}, expect=MANAGERS_ONLY),
]
