"""Visits (走访) the caller may see, newest first, from the service desk's own selector (the
one the visit list page uses), so their scope is the service desk's rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kaifang.api.common import Page, PageQuery, Ref, error_docs, paginate, ref, responses
from kaifang.core.lib.requests import current_user
from kaifang.servicedesk.models import Visit
from kaifang.servicedesk.selectors import visits_list

router = Router(tags=["走访"])


class VisitQuery(PageQuery):
    enterprise: int | None = Field(None, description="企业 id")


class VisitOut(Schema):
    id: int
    enterprise: Ref
    visited_on: dt.date
    officers: list[str] = Field(description="走访干部")
    people_met: str = Field(description="接待人员")
    enterprise_said: str = Field(description="企业反映情况")
    problems: str = Field(description="发现问题")
    plans: str = Field(description="发展计划")
    follow_ups: str = Field(description="后续跟进")
    created_by: str | None
    created_at: dt.datetime


def _out(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "enterprise": ref(v.enterprise),
        "visited_on": v.visited_on,
        "officers": [o.display_name for o in v.officers.all()],
        "people_met": v.people_met,
        "enterprise_said": v.enterprise_said,
        "problems": v.problems,
        "plans": v.plans,
        "follow_ups": v.follow_ups,
        "created_by": v.created_by.display_name if v.created_by else None,
        "created_at": v.created_at,
    }


@router.get(
    "",
    response=responses(Page[VisitOut], 422),
    summary="走访记录（分页）",
    description="当前用户可见的走访记录，与走访列表页面相同。",
    openapi_extra=error_docs(422),
)
def visit_list_api(request: HttpRequest, params: Query[VisitQuery]) -> dict[str, Any]:
    rows = visits_list(current_user(request)).prefetch_related("officers")
    if params.enterprise is not None:
        rows = rows.filter(enterprise_id=params.enterprise)
    return paginate(rows.order_by("-visited_on", "-id"), params, _out)
