"""Route matrix rows of the register."""

from __future__ import annotations

import dataclasses
from typing import Any

from kaifang.core.tests.route_matrix import Route
from kaifang.enterprises.tests.factories import EnterpriseFactory


def make(city: Any) -> dict[str, Any]:
    firm = EnterpriseFactory(
        name="矩阵东城精工有限公司", district=city.district_a, park=city.district_a_park
    )
    return {"enterprise_a": firm}


ROUTES = [
    Route("enterprises:list", hides="enterprise_a"),
    Route("core:search", query={"q": "矩阵东城精工"}, hides="enterprise_a"),
    Route("enterprises:export", hides="enterprise_a"),
    Route("enterprises:create", expect={"leader": 403}),  # leaders read (session 37)
    Route("enterprises:detail", kwargs={"pk": "enterprise_a"}),
    Route("enterprises:edit", kwargs={"pk": "enterprise_a"}, expect={"leader": 403}),
    # merging cannot be undone: not a leader's (read-only) nor a liaison officer's act, nor
    # the matrix's park persona's (a custom role, not 单位工作人员)
    Route(
        "enterprises:merge",
        kwargs={"pk": "enterprise_a"},
        expect={"leader": 403, "liaison": 403, "park": 403},
    ),
    Route(
        "enterprises:edit",
        kwargs={"pk": "enterprise_a"},
        method="POST",
        data={"name": "被篡改的名称"},
    ),
]

# The firm is in district A's park: the park's user sees it as district A does.
ROUTES = [dataclasses.replace(row, seen_by=("park",)) for row in ROUTES]
