from django.urls import path

from kaifang.zones.views import (
    chain_edit,
    chains,
    park_kpis,
    parks,
    platform_appeals,
    platforms,
    projects,
)

app_name = "zones"

urlpatterns = [
    # platforms
    path("platforms/", platforms.platform_list, name="platform_list"),
    path("platforms/export.xlsx", platforms.platform_export, name="platform_export"),
    path("platforms/new/", platforms.platform_new, name="platform_new"),
    path("platforms/<int:pk>/", platforms.platform_detail, name="platform_detail"),
    path("platforms/<int:pk>/edit/", platforms.platform_edit, name="platform_edit"),
    path("platforms/<int:pk>/status/", platforms.platform_status, name="platform_status"),
    path("platforms/<int:pk>/milestones/", platforms.milestone_add, name="milestone_add"),
    path(
        "platforms/<int:pk>/milestones/<int:milestone_pk>/done/",
        platforms.milestone_done,
        name="milestone_done",
    ),
    path(
        "platforms/<int:pk>/milestones/<int:milestone_pk>/supervise/",
        platforms.milestone_task,
        name="milestone_task",
    ),
    path("platforms/<int:pk>/kpi/", platforms.platform_kpi, name="platform_kpi"),
    path(
        "platforms/<int:pk>/kpi/import/", platforms.platform_kpi_import, name="platform_kpi_import"
    ),
    path(
        "platforms/<int:pk>/kpi/export.xlsx",
        platforms.platform_kpi_export,
        name="platform_kpi_export",
    ),
    path("platforms/<int:pk>/target/", platforms.platform_target, name="platform_target"),
    path(
        "platforms/<int:pk>/enterprises/",
        platforms.platform_enterprises,
        name="platform_enterprises",
    ),
    path(
        "platforms/<int:pk>/appeals/",
        platform_appeals.platform_appeal_raise,
        name="platform_appeal_raise",
    ),
    path(
        "platforms/<int:pk>/appeals/link/",
        platform_appeals.platform_appeal_link,
        name="platform_appeal_link",
    ),
    path(
        "platforms/<int:pk>/appeals/<int:link_pk>/unlink/",
        platform_appeals.platform_appeal_unlink,
        name="platform_appeal_unlink",
    ),
    # parks
    path("parks/", parks.park_list, name="park_list"),
    path("parks/export.xlsx", parks.park_export, name="park_export"),
    path("parks/new/", parks.park_new, name="park_new"),
    path("parks/<int:pk>/", parks.park_detail, name="park_detail"),
    path("parks/<int:pk>/edit/", parks.park_edit, name="park_edit"),
    path(
        "parks/<int:pk>/enterprises.xlsx",
        parks.park_enterprises_export,
        name="park_enterprises_export",
    ),
    path("parks/<int:pk>/output/", parks.park_output, name="park_output"),
    path("parks/<int:pk>/team/", parks.park_team_add, name="park_team_add"),
    path(
        "parks/<int:pk>/team/<int:member_pk>/remove/",
        parks.park_team_remove,
        name="park_team_remove",
    ),
    path("parks/<int:pk>/kpi/", park_kpis.park_kpi, name="park_kpi"),
    path("parks/<int:pk>/kpi/import/", park_kpis.park_kpi_import, name="park_kpi_import"),
    path("parks/<int:pk>/kpi/export.xlsx", park_kpis.park_kpi_export, name="park_kpi_export"),
    path("parks/<int:pk>/target/", park_kpis.park_target, name="park_target"),
    # chains
    path("chains/", chains.chain_list, name="chain_list"),
    path("chains/matrix/", chains.chain_matrix, name="chain_matrix"),
    path("chains/matrix/export.xlsx", chains.chain_matrix_export, name="chain_matrix_export"),
    path("chains/<int:pk>/", chains.chain_detail, name="chain_detail"),
    path("chains/<int:pk>/export.xlsx", chains.chain_export, name="chain_export"),
    path(
        "chains/<int:pk>/segments/<int:segment_pk>/",
        chains.chain_segment,
        name="chain_segment",
    ),
    path("chains/new/", chain_edit.chain_new, name="chain_new"),
    path("chains/<int:pk>/edit/", chain_edit.chain_edit, name="chain_edit"),
    path("chains/<int:pk>/segments/new/", chain_edit.segment_new, name="segment_new"),
    path(
        "chains/<int:pk>/segments/<int:segment_pk>/edit/",
        chain_edit.segment_edit,
        name="segment_edit",
    ),
    path(
        "chains/<int:pk>/segments/<int:segment_pk>/move/",
        chain_edit.segment_move,
        name="segment_move",
    ),
    path(
        "chains/<int:pk>/segments/<int:segment_pk>/remove/",
        chain_edit.segment_remove,
        name="segment_remove",
    ),
    # projects
    path("projects/", projects.project_list, name="project_list"),
    path("projects/export.xlsx", projects.project_export, name="project_export"),
    path("projects/new/", projects.project_new, name="project_new"),
    path("projects/funnel/", projects.project_funnel, name="project_funnel"),
    path(
        "projects/funnel/export.xlsx",
        projects.project_funnel_export,
        name="project_funnel_export",
    ),
    path("projects/reconcile/", projects.project_reconcile, name="project_reconcile"),
    path(
        "projects/reconcile/export.xlsx",
        projects.project_reconcile_export,
        name="project_reconcile_export",
    ),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/move/", projects.project_move, name="project_move"),
    path("projects/<int:pk>/problem/", projects.project_problem, name="project_problem"),
    path("projects/<int:pk>/supervise/", projects.project_supervise, name="project_supervise"),
]
