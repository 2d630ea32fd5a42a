"""Route matrix rows of zones."""

from __future__ import annotations

from typing import Any

from kaifang.core.tests.route_matrix import Route  # type: ignore[import-not-found,unused-ignore]


def make(city: Any) -> dict[str, Any]:
    """Objects belonging to district A that the rows name."""
    from kaifang.zones.tests.conftest import make_zone

    zone = make_zone(city)
    milestone = zone.platform.milestones.create(title="申建材料上报", due="2030-01-01")
    member = zone.park.team.create(name="张专班", role="组长")
    return {
        "platform": zone.platform,
        "park": zone.park,
        "project": zone.project,
        "chain": zone.chain.pk,
        "segment": zone.segment.pk,
        "milestone": milestone.pk,
        "member": member.pk,
    }


EDIT = {"district_b": 404, "leader": 403, "liaison": 404}
NEW = {"district_b": 200, "liaison": 403, "leader": 403}
CHAIN = {"district_b": 200}  # a chain is a city-wide map; its figures are scoped

ROUTES = [
    Route("zones:platform_list", hides="platform"),
    Route("zones:platform_export", hides="platform"),
    Route("zones:platform_new", expect=NEW),
    Route("zones:platform_detail", kwargs={"pk": "platform"}),
    Route("zones:platform_edit", kwargs={"pk": "platform"}, expect=EDIT),
    Route("zones:platform_status", kwargs={"pk": "platform"}, method="POST", expect=EDIT),
    Route("zones:milestone_add", kwargs={"pk": "platform"}, method="POST", expect=EDIT),
    Route(
        "zones:milestone_done",
        kwargs={"pk": "platform", "milestone_pk": "milestone"},
        method="POST",
        expect=EDIT,
    ),
    Route(
        "zones:milestone_task",
        kwargs={"pk": "platform", "milestone_pk": "milestone"},
        method="POST",
        expect=EDIT,
    ),
    Route("zones:platform_kpi", kwargs={"pk": "platform"}),
    Route("zones:platform_kpi_import", kwargs={"pk": "platform"}, method="POST", expect=EDIT),
    Route("zones:platform_kpi_export", kwargs={"pk": "platform"}),
    Route("zones:platform_target", kwargs={"pk": "platform"}, method="POST", expect=EDIT),
    Route("zones:platform_enterprises", kwargs={"pk": "platform"}, method="POST", expect=EDIT),
    Route("zones:park_list", hides="park"),
    Route("zones:park_export", hides="park"),
    Route("zones:park_new", expect=NEW),
    Route("zones:park_detail", kwargs={"pk": "park"}),
    Route("zones:park_edit", kwargs={"pk": "park"}, expect=EDIT),
    Route("zones:park_enterprises_export", kwargs={"pk": "park"}),
    Route("zones:park_output", kwargs={"pk": "park"}, method="POST", expect=EDIT),
    Route("zones:park_team_add", kwargs={"pk": "park"}, method="POST", expect=EDIT),
    Route(
        "zones:park_team_remove",
        kwargs={"pk": "park", "member_pk": "member"},
        method="POST",
        expect=EDIT,
    ),
    Route("zones:chain_list", expect=CHAIN),
    Route("zones:chain_matrix", expect=CHAIN),
    Route("zones:chain_matrix_export", expect=CHAIN),
    Route("zones:chain_detail", kwargs={"pk": "chain"}, expect=CHAIN),
    Route("zones:chain_export", kwargs={"pk": "chain"}, expect=CHAIN),
    Route("zones:chain_segment", kwargs={"pk": "chain", "segment_pk": "segment"}, expect=CHAIN),
    Route("zones:project_list", hides="project"),
    Route("zones:project_export", hides="project"),
    Route("zones:project_new", expect=NEW),
    Route("zones:project_funnel"),
    Route("zones:project_funnel_export"),
    Route("zones:project_reconcile", hides="project"),
    Route("zones:project_reconcile_export", hides="project"),
    Route("zones:project_detail", kwargs={"pk": "project"}),
    Route("zones:project_edit", kwargs={"pk": "project"}, expect=EDIT),
    Route("zones:project_move", kwargs={"pk": "project"}, method="POST", expect=EDIT),
    Route("zones:project_problem", kwargs={"pk": "project"}, method="POST", expect=EDIT),
    Route(
        "zones:project_supervise",
        kwargs={"pk": "project"},
        method="POST",
        expect={"district_b": 404, "liaison": 404},
    ),
]
