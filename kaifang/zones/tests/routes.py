"""Route matrix rows of zones."""

from __future__ import annotations

import dataclasses
from typing import Any

from kaifang.core.tests.route_matrix import Route


def make(city: Any) -> dict[str, Any]:
    """Objects belonging to district A that the rows name."""
    from kaifang.zones.tests.conftest import make_zone

    zone = make_zone(city)
    milestone = zone.platform.milestones.create(title="申建材料上报", due="2030-01-01")
    member = zone.park.team.create(name="张专班", role="组长")
    link = zone.platform.appeals.create(appeal_ref=999_999, appeal_code="TEST-LINK")
    return {
        "platform_a": zone.platform,
        "park_a": zone.park,
        "project_a": zone.project,
        "chain_city": zone.chain,
        "segment_city": zone.segment,
        "platform_milestone_a": milestone,
        "park_member_a": member,
        "platform_appeal_a": link,
    }


EDIT = {"district_b": 404, "leader": 403, "liaison": 404}
# A new park or platform file is a unit's or the bureau's act (REGISTER), not a liaison's.
# (the matrix's park persona holds a custom role, not 单位工作人员: no REGISTER either).
NEW = {"district_b": 200, "leader": 403, "liaison": 403, "park": 403}
# A project (招商线索) is registered by anyone who may write, a liaison officer included.
PROJECT_NEW = {"district_b": 200, "leader": 403}
CHAIN = {
    "district_b": 200,
    "liaison": 200,
    "park": 200,
}  # a chain is a city-wide map; its figures are scoped
# Chains are edited only by the bureau's city-wide editors (SEE_CITY and WRITE).
NOT_CHAIN_EDITORS = ("leader", "district_a", "district_b", "park", "liaison")
CHAIN_EDIT = {persona: 403 for persona in NOT_CHAIN_EDITORS} | {"officer": 200, "admin": 200}
CHAIN_POST = {persona: 403 for persona in NOT_CHAIN_EDITORS}
SEGMENT = {"pk": "chain_city", "segment_pk": "segment_city"}

ROUTES = [
    Route("zones:platform_list", hides="platform_a"),
    Route("core:search", query={"q": "东城"}, hides=("platform_a", "park_a", "project_a")),
    Route("zones:platform_export", hides="platform_a"),
    Route("zones:platform_new", expect=NEW),
    Route("zones:platform_detail", kwargs={"pk": "platform_a"}),
    Route("zones:platform_edit", kwargs={"pk": "platform_a"}, expect=EDIT),
    Route("zones:platform_status", kwargs={"pk": "platform_a"}, method="POST", expect=EDIT),
    Route("zones:milestone_add", kwargs={"pk": "platform_a"}, method="POST", expect=EDIT),
    Route(
        "zones:milestone_done",
        kwargs={"pk": "platform_a", "milestone_pk": "platform_milestone_a"},
        method="POST",
        expect=EDIT,
    ),
    Route(
        "zones:milestone_task",
        kwargs={"pk": "platform_a", "milestone_pk": "platform_milestone_a"},
        method="POST",
        expect=EDIT,
    ),
    Route("zones:platform_kpi", kwargs={"pk": "platform_a"}),
    Route("zones:platform_kpi_import", kwargs={"pk": "platform_a"}, method="POST", expect=EDIT),
    Route("zones:platform_kpi_export", kwargs={"pk": "platform_a"}),
    Route("zones:platform_target", kwargs={"pk": "platform_a"}, method="POST", expect=EDIT),
    Route("zones:platform_enterprises", kwargs={"pk": "platform_a"}, method="POST", expect=EDIT),
    Route("zones:platform_appeal_raise", kwargs={"pk": "platform_a"}, method="POST", expect=EDIT),
    Route("zones:platform_appeal_link", kwargs={"pk": "platform_a"}, method="POST", expect=EDIT),
    Route(
        "zones:platform_appeal_unlink",
        kwargs={"pk": "platform_a", "link_pk": "platform_appeal_a"},
        method="POST",
        expect=EDIT,
    ),
    Route("zones:park_list", hides="park_a"),
    Route("zones:park_export", hides="park_a"),
    Route("zones:park_new", expect=NEW),
    Route("zones:park_detail", kwargs={"pk": "park_a"}),
    Route("zones:park_edit", kwargs={"pk": "park_a"}, expect=EDIT),
    Route("zones:park_enterprises_export", kwargs={"pk": "park_a"}),
    Route("zones:park_output", kwargs={"pk": "park_a"}, method="POST", expect=EDIT),
    Route("zones:park_team_add", kwargs={"pk": "park_a"}, method="POST", expect=EDIT),
    Route(
        "zones:park_team_remove",
        kwargs={"pk": "park_a", "member_pk": "park_member_a"},
        method="POST",
        expect=EDIT,
    ),
    Route("zones:park_kpi", kwargs={"pk": "park_a"}),
    Route("zones:park_kpi_import", kwargs={"pk": "park_a"}, method="POST", expect=EDIT),
    Route("zones:park_kpi_export", kwargs={"pk": "park_a"}),
    Route("zones:park_target", kwargs={"pk": "park_a"}, method="POST", expect=EDIT),
    Route("zones:chain_list", expect=CHAIN, city_wide=True),
    Route("zones:chain_matrix", expect=CHAIN, city_wide=True),
    Route("zones:chain_matrix_export", expect=CHAIN, city_wide=True),
    Route("zones:chain_detail", kwargs={"pk": "chain_city"}, expect=CHAIN),
    Route("zones:chain_export", kwargs={"pk": "chain_city"}, expect=CHAIN),
    Route(
        "zones:chain_segment",
        kwargs={"pk": "chain_city", "segment_pk": "segment_city"},
        expect=CHAIN,
    ),
    Route("zones:chain_new", expect=CHAIN_EDIT),
    Route("zones:chain_edit", kwargs={"pk": "chain_city"}, expect=CHAIN_EDIT),
    Route("zones:segment_new", kwargs={"pk": "chain_city"}, method="POST", expect=CHAIN_POST),
    Route("zones:segment_edit", kwargs=SEGMENT, expect=CHAIN_EDIT),
    Route("zones:segment_move", kwargs=SEGMENT, method="POST", expect=CHAIN_POST),
    Route("zones:segment_remove", kwargs=SEGMENT, method="POST", expect=CHAIN_POST),
    Route("zones:project_list", hides="project_a"),
    Route("zones:project_export", hides="project_a"),
    Route("zones:project_new", expect=PROJECT_NEW, city_wide=True),  # the partner list
    Route("zones:project_funnel"),
    Route("zones:project_funnel_export"),
    Route("zones:project_reconcile", hides="project_a"),
    Route("zones:project_reconcile_export", hides="project_a"),
    Route("zones:project_detail", kwargs={"pk": "project_a"}),
    Route("zones:project_edit", kwargs={"pk": "project_a"}, expect=EDIT),
    Route("zones:project_move", kwargs={"pk": "project_a"}, method="POST", expect=EDIT),
    Route("zones:project_problem", kwargs={"pk": "project_a"}, method="POST", expect=EDIT),
    Route(
        "zones:project_supervise",
        kwargs={"pk": "project_a"},
        method="POST",
        expect={"district_b": 404, "liaison": 404},
    ),
    # the read-only JSON (kaifang/api/routers/zones.py)
    Route("api:platform_list", hides="platform_a"),
    Route("api:platform_detail", kwargs={"pk": "platform_a"}),
    Route("api:park_list", hides="park_a"),
    Route("api:park_detail", kwargs={"pk": "park_a"}),
    Route("api:project_list", hides="project_a"),
    Route("api:project_detail", kwargs={"pk": "project_a"}),
    Route("api:chain_list", expect=CHAIN, city_wide=True),
    Route("api:chain_detail", kwargs={"pk": "chain_city"}, expect=CHAIN),
]

# make_zone puts every platform, park and project in district A's park: its user sees them.
ROUTES = [dataclasses.replace(row, seen_by=("park",)) for row in ROUTES]
