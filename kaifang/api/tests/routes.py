"""Route matrix rows of api (ninja's routes are named `api:<operation>`): every staff
endpoint under /api/v1/ (anonymous → 401), the schema and docs (signed-in users only), the
public channel endpoints, and the profile page's token actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaifang.core.tests.route_matrix import Route

SIGNED_IN = ("leader", "officer", "district_a", "district_b", "park", "liaison", "admin")


def make(city: Any) -> dict[str, Any]:
    """District A's enterprise, an appeal routed to district A, a task led by district A, a
    visit there, and a personal token of the district A user."""
    from kaifang.api.actions import token_create
    from kaifang.enterprises.tests.factories import EnterpriseFactory
    from kaifang.servicedesk import actions
    from kaifang.servicedesk import actions as appeal_actions
    from kaifang.supervision.tests.conftest import make_task

    enterprise = EnterpriseFactory(name="东城路由矩阵有限公司", district=city.district_a)
    appeal = appeal_actions.appeal_create(
        actor=city.officer,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        category="customs",
        description="路由矩阵：出口通关查验时间过长。",
        source="phone",
        contact_name="王经理",
        contact_phone="13800000000",
    )
    appeal = appeal_actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    task = make_task(city, title="路由矩阵督办事项", deadline=dt.date(2026, 12, 31))
    visit = actions.visit_create(
        actor=city.district_a_user,
        enterprise=enterprise,
        visited_on=dt.date(2026, 3, 2),
        officers=[city.district_a_user],
        people_met="总经理",
        enterprise_said="路由矩阵走访",
        problems="",
        plans="",
        follow_ups="",
    )
    token, _ = token_create(user=city.district_a_user, name="路由矩阵令牌", actor=None)
    return {
        "api_enterprise": enterprise,
        "api_appeal": appeal,
        "api_task": task,
        "api_visit": visit,
        "api_token": token,
    }


def _all(status: int, **overrides: int) -> dict[str, int]:
    return {**dict.fromkeys(SIGNED_IN, status), "anonymous": 401, **overrides}


# A POST whose body is missing is refused (422) before any record is read, for everyone.
NEEDS_BODY = _all(422)
# A write on district A's routed appeal: its unit acts, leaders read only, district B sees
# nothing.
WRITE = {"anonymous": 401, "district_a": 200, "leader": 403, "district_b": 404}
# The same refusals for steps the routed appeal cannot take yet (not sent as district A).
READ_ONLY_OR_HIDDEN = {"anonymous": 401, "leader": 403, "district_b": 404}

ROUTES = [
    Route(
        "api:api-root",
        expect={
            "anonymous": 404,
            "leader": 404,
            "district_a": 404,
            "district_b": 404,
            "liaison": 404,
            "park": 404,
        },
    ),
    Route(
        "api:get_appeal",
        kwargs={"tracking_code": "ABCDEFGHJKMN"},
        expect={
            "anonymous": 401,
            "leader": 401,
            "district_a": 401,
            "district_b": 401,
            "liaison": 401,
            "park": 401,
        },
    ),
    Route("api:create_appeal", method="POST", expect={"anonymous": 401}),
    Route("api:openapi-json", expect=_all(200)),
    Route("api:openapi-view", expect={**_all(200), "anonymous": 302}),
    Route("api:me", expect=_all(200)),
    Route("api:enterprise_list_api", hides="api_enterprise"),
    Route("api:enterprise_detail_api", kwargs={"enterprise_id": "api_enterprise"}),
    Route("api:trade_stats", query={"year": "2026", "month": "3", "by": "partner"}),
    Route("api:trade_records", query={"span": "ytd"}),
    Route("api:task_list_api", hides="api_task"),
    Route("api:task_detail_api", kwargs={"task_id": "api_task"}),
    # Posted as the page posts it (multipart): the task is not signed yet, so its lead unit is
    # refused the step (422), leaders are not its lead (403), district B does not see it.
    Route(
        "api:task_report_api",
        kwargs={"task_id": "api_task"},
        method="POST",
        data={"text": "路由矩阵：已完成选址", "percent": "10"},
        expect={"anonymous": 401, "district_a": 422, "leader": 403, "district_b": 404},
    ),
    Route("api:appeal_list_api", hides="api_enterprise"),  # the JSON names the firm
    Route("api:appeal_detail_api", kwargs={"appeal_id": "api_appeal"}),
    Route("api:appeal_accept_api", kwargs={"appeal_id": "api_appeal"}, method="POST", expect=WRITE),
    Route(
        "api:appeal_start_api",
        kwargs={"appeal_id": "api_appeal"},
        method="POST",
        expect=READ_ONLY_OR_HIDDEN,
    ),
    Route(
        "api:appeal_resume_api",
        kwargs={"appeal_id": "api_appeal"},
        method="POST",
        expect=READ_ONLY_OR_HIDDEN,
    ),
    Route(
        "api:appeal_merge_api",
        kwargs={"appeal_id": "api_appeal"},
        method="POST",
        expect=READ_ONLY_OR_HIDDEN,
    ),
    *[
        Route(
            f"api:appeal_{name}_api",
            kwargs={"appeal_id": "api_appeal"},
            method="POST",
            expect=NEEDS_BODY,
        )
        for name in ("route", "return", "reply", "pause", "resolve", "commit", "mark")
    ],
    Route("api:visit_list_api", hides="api_enterprise"),
    Route("api:unit_list_api", expect={"district_b": 200}),
    Route("api_tokens:create", method="POST", expect={**_all(302), "anonymous": 302}),
    Route(
        "api_tokens:revoke",
        kwargs={"pk": "api_token"},
        method="POST",
        expect={**_all(404), "district_a": 302, "anonymous": 302},
    ),
    Route(
        "admin:api_accesstoken_changelist",
        expect={**_all(302), "anonymous": 302, "admin": 200},
    ),
    # indicators (kaifang/api/routers/indicators.py): district rows are scoped like the pages
    Route("api:indicator_list", city_wide=True),
    Route("api:indicator_figures", kwargs={"code": "trade_total"}),
    Route("api:headline", city_wide=True),  # the region's name
    Route("api:briefing_list"),
]
