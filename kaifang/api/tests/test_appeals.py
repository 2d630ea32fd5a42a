"""/api/v1/appeals: the staff view through the scope gate, and the transitions through the
same forms and actions as the page: the same timeline, the same audit, the same refusals."""

from __future__ import annotations

import pytest
from django.test import Client

from kaifang.core.models import AuditEntry, Notification
from kaifang.enterprises.models import EnterpriseEvent
from kaifang.servicedesk.models import Appeal, AppealStatus

pytestmark = pytest.mark.django_db


def test_district_a_token_never_sees_district_b(city, firm, firm_b, make_appeal, api_as):
    mine = make_appeal(firm)
    theirs = make_appeal(firm_b, description="纺织品出口退税迟迟未到账，资金周转困难。")
    from kaifang.servicedesk import actions

    actions.appeal_route(appeal=mine, actor=city.officer, unit=city.district_a)
    actions.appeal_route(appeal=theirs, actor=city.officer, unit=city.district_b)
    api = api_as(city.district_a_user)
    data = api.get("/appeals").json()
    assert [a["tracking_code"] for a in data["items"]] == [mine.tracking_code]
    assert api.get(f"/appeals/{theirs.pk}").status_code == 404
    assert api.get("/appeals", q=theirs.tracking_code).json()["count"] == 0
    assert api.post(f"/appeals/{theirs.pk}/accept").status_code == 404
    assert Appeal.objects.get(pk=theirs.pk).status == AppealStatus.ROUTED
    detail = api.get(f"/appeals/{mine.pk}").json()
    assert [a["name"] for a in detail["available_actions"]] == ["accept", "return"]
    assert detail["events"][0]["kind"] == "registered"


def test_list_filters_and_pagination(city, firm, make_appeal, api_as):
    for _ in range(3):
        make_appeal(firm)
    api = api_as(city.officer)
    page = api.get("/appeals", limit=2).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert api.get("/appeals", limit=2, offset=2).json()["items"][0]["id"] not in {
        a["id"] for a in page["items"]
    }
    assert api.get("/appeals", status="resolved").json()["count"] == 0
    assert api.get("/appeals", status="registered").json()["count"] == 3
    assert api.get("/appeals", view="nonsense").status_code == 422


def _trail(appeal: Appeal) -> tuple[list[str], list[str], list[str]]:
    events = list(appeal.events.order_by("created_at", "id").values_list("kind", flat=True))
    audit = list(
        AuditEntry.objects.filter(object_type="servicedesk.appeal", object_id=str(appeal.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    timeline = list(
        EnterpriseEvent.objects.filter(payload__appeal=appeal.pk)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    return events, audit, timeline


def test_transitions_through_the_api_leave_the_same_trail_as_the_page(
    city, firm, make_appeal, api_as, client: Client
):
    by_page = make_appeal(firm)
    by_api = make_appeal(firm, description="外汇结算账户开立手续繁琐，希望外汇管理部门给予指导。")

    client.force_login(city.officer)
    client.post(f"/servicedesk/appeals/{by_page.pk}/route/", {"route-unit": city.district_a.pk})
    client.force_login(city.district_a_user)
    client.post(f"/servicedesk/appeals/{by_page.pk}/accept/")
    client.post(f"/servicedesk/appeals/{by_page.pk}/start/")
    client.post(f"/servicedesk/appeals/{by_page.pk}/reply/", {"reply-text": "正在协调海关"})
    client.post(f"/servicedesk/appeals/{by_page.pk}/resolve/", {"resolve-resolution": "已解决"})

    office, unit = api_as(city.officer), api_as(city.district_a_user)
    assert (
        office.post(f"/appeals/{by_api.pk}/route", {"unit": city.district_a.pk}).status_code == 200
    )
    assert unit.post(f"/appeals/{by_api.pk}/accept").status_code == 200
    assert unit.post(f"/appeals/{by_api.pk}/start").status_code == 200
    assert unit.post(f"/appeals/{by_api.pk}/reply", {"text": "正在协调海关"}).status_code == 200
    response = unit.post(f"/appeals/{by_api.pk}/resolve", {"resolution": "已解决"})
    assert response.status_code == 200 and response.json()["status"] == AppealStatus.RESOLVED

    by_page.refresh_from_db()
    by_api.refresh_from_db()
    assert by_api.status == by_page.status == AppealStatus.RESOLVED
    assert by_api.resolution == by_page.resolution
    assert _trail(by_api) == _trail(by_page)
    assert "appeal.resolve" in _trail(by_api)[1]
    entry = AuditEntry.objects.filter(action="appeal.accept", object_id=str(by_api.pk)).get()
    assert entry.actor == city.district_a_user  # the token's user acts, nobody else
    assert Notification.objects.filter(url__contains=f"/appeals/{by_api.pk}/").count() == (
        Notification.objects.filter(url__contains=f"/appeals/{by_page.pk}/").count()
    )


def test_refusals_are_422_in_the_actions_words(city, firm, make_appeal, api_as):
    appeal = make_appeal(firm)
    unit = api_as(city.district_a_user)
    office = api_as(city.officer)
    office.post(f"/appeals/{appeal.pk}/route", {"unit": city.district_a.pk})
    wrong_state = unit.post(f"/appeals/{appeal.pk}/resolve", {"resolution": "已解决"})
    assert wrong_state.status_code == 422
    assert "不能执行“办结”" in wrong_state.json()["detail"]
    empty = unit.post(f"/appeals/{appeal.pk}/return", {"reason": ""})
    assert empty.status_code == 422 and "reason" in empty.json()["errors"]
    missing = unit.post(f"/appeals/{appeal.pk}/return", {})
    assert missing.status_code == 422
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ROUTED


def test_leader_reads_but_may_not_accept(city, firm, make_appeal, api_as):
    appeal = make_appeal(firm)
    api_as(city.officer).post(f"/appeals/{appeal.pk}/route", {"unit": city.district_a.pk})
    leader = api_as(city.leader)
    assert leader.get(f"/appeals/{appeal.pk}").status_code == 200
    refused = leader.post(f"/appeals/{appeal.pk}/accept")
    assert refused.status_code == 403 and refused.json()["detail"]
    marked = leader.post(f"/appeals/{appeal.pk}/mark", {"text": "请加快办理"})
    assert marked.status_code == 200
    assert AuditEntry.objects.filter(action="appeal.mark", actor=city.leader).exists()
