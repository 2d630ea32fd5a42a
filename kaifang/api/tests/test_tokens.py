"""Personal access tokens: created on the profile page and shown once, stored hashed, listed
with their last use, revoked by their owner or an administrator, issued by `kaifang
api-token`; a token acts as its user and nothing more; a bad token is 401 in Chinese."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from kaifang.api.actions import digest
from kaifang.api.models import AccessToken
from kaifang.core.models import AuditEntry
from kaifang.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _create_on_profile(client: Client, name: str = "大数据局数据交换") -> str:
    response = client.post("/api/tokens/new/", {"name": name})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    match = re.search(r"kfp_[A-Za-z0-9_\-]{20,}", response.content.decode())
    assert match, "the new token is shown once"
    return match.group(0)


def test_profile_creates_lists_and_revokes_own_token(city, client: Client):
    client.force_login(city.district_a_user)
    raw = _create_on_profile(client)
    token = AccessToken.objects.get(user=city.district_a_user)
    assert token.token_hash == digest(raw) and raw not in token.token_hash  # stored hashed
    assert AuditEntry.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()
    profile = client.get("/profile/").content.decode()
    assert "大数据局数据交换" in profile and "从未使用" in profile
    assert raw not in profile  # shown once, never again

    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert "从未使用" not in client.get("/profile/").content.decode()  # its last use shows
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == city.district_a_user
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=city.district_a_user).exists()
    assert "已吊销" in client.get("/profile/").content.decode()


def test_nobody_revokes_someone_elses_token_on_the_profile_page(city, client: Client, api_as):
    api_as(city.district_a_user)
    token = AccessToken.objects.get(user=city.district_a_user)
    for other in (city.district_b_user, city.leader, city.admin):
        client.force_login(other)
        assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
        assert "测试" not in client.get("/profile/").content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_administrator_revokes_any_token_in_the_admin(city, client: Client, api_as):
    api = api_as(city.district_a_user)
    token = AccessToken.objects.get(user=city.district_a_user)
    client.force_login(city.admin)
    response = client.post(
        "/admin/api/accesstoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == city.admin
    assert AuditEntry.objects.filter(action="api_token.revoke", actor=city.admin).exists()
    assert api.get("/me").status_code == 401


def test_command_prints_a_new_token(city, client: Client):
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "dist_a", "--name", "省商务厅系统", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("kfp_") and "只显示这一次" in err.getvalue()
    token = AccessToken.objects.get(token_hash=digest(raw))
    assert (token.user, token.name) == (city.district_a_user, "省商务厅系统")
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor is None and entry.changes["user"] == "dist_a"
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert me["username"] == "dist_a"
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("api-token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())


def test_token_acts_as_its_user_with_that_scope(city, api_as):
    data = api_as(city.district_a_user).get("/me").json()
    assert data["username"] == "dist_a" and data["scope"]["sees_all"] is False
    assert set(data["scope"]["unit_ids"]) == {city.district_a.pk, city.district_a_park.pk}


def test_401_without_or_with_an_unknown_or_revoked_token(city, client: Client, api_as):
    missing = client.get("/api/v1/enterprises")
    assert missing.status_code == 401 and "未认证" in missing.json()["detail"]
    unknown = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION="Bearer kfp_nope")
    assert unknown.status_code == 401 and unknown.json()["detail"] == "访问令牌无效或已被吊销。"
    api = api_as(city.district_a_user)
    assert api.get("/enterprises").status_code == 200
    AccessToken.objects.update(revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    revoked = api.get("/enterprises")
    assert revoked.status_code == 401 and "吊销" in revoked.json()["detail"]


def test_a_bad_token_is_refused_even_beside_a_session(city, client: Client):
    client.force_login(city.leader)
    assert client.get("/api/v1/me").status_code == 200  # the pages' own calls
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer kfp_revoked")
    assert response.status_code == 401


def test_disabled_users_token_stops_working(city, api_as):
    api = api_as(city.district_a_user)
    city.district_a_user.is_active = False
    city.district_a_user.save()
    assert api.get("/me").status_code == 401


def test_a_channel_token_is_not_a_staff_key(city, client: Client):
    from kaifang.servicedesk.channels import channel_issue

    _, raw = channel_issue(name="12345平台", actor=None)
    response = client.get("/api/v1/appeals", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_last_use_is_written_at_most_once_a_minute(city, api_as):
    with time_machine.travel(dt.datetime(2026, 5, 6, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        api = api_as(city.district_a_user)
        api.get("/me")
        first = AccessToken.objects.get().last_used_at
        assert first == dt.datetime(2026, 5, 6, 9, 0, tzinfo=dt.UTC)
        clock.shift(dt.timedelta(seconds=30))
        api.get("/me")
        assert AccessToken.objects.get().last_used_at == first
        clock.shift(dt.timedelta(seconds=31))
        api.get("/me")
        assert AccessToken.objects.get().last_used_at == dt.datetime(
            2026, 5, 6, 9, 1, 1, tzinfo=dt.UTC
        )


def test_schema_and_docs_for_signed_in_users_only(city, client: Client, api_as):
    assert client.get("/api/v1/openapi.json").status_code == 401
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 302 and "/login/" in docs["Location"]
    api = api_as(city.district_b_user)
    schema = api.client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {api.token}").json()
    assert "/api/v1/enterprises" in schema["paths"]
    client.force_login(city.officer)
    assert client.get("/api/v1/docs").status_code == 200


def test_every_staff_endpoint_documents_its_errors_in_chinese(city, client: Client):
    client.force_login(city.officer)
    schema = client.get("/api/v1/openapi.json").json()
    staff = {
        p: m
        for p, m in schema["paths"].items()
        if not p.startswith(("/api/v1/public", "/api/v1/me"))
    }
    assert len(staff) >= 9
    for path, methods in staff.items():
        for method, operation in methods.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            for code, response in responses.items():
                assert re.search(r"[\u4e00-\u9fff]", response["description"]), (path, code)
            if "{" in path:
                assert "404" in responses, (method, path)
            if method == "post":
                assert {"403", "404", "422"} <= set(responses), (method, path)


def test_a_token_needs_no_csrf_token_but_a_session_post_does(city, api_as):
    from kaifang.servicedesk import actions
    from kaifang.servicedesk.models import Category, Source

    firm = EnterpriseFactory(district=city.district_a)
    appeal = actions.appeal_create(
        actor=city.officer,
        enterprise_name=firm.name,
        uscc=firm.uscc,
        category=Category.CUSTOMS,
        description="出口货物通关查验时间过长。",
        source=Source.PHONE,
        contact_name="王经理",
        contact_phone="13800000000",
    )
    actions.appeal_route(appeal=appeal, actor=city.officer, unit=city.district_a)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(city.district_a_user)
    assert strict.post(f"/api/v1/appeals/{appeal.pk}/accept").status_code == 403  # no CSRF
    api = api_as(city.district_a_user)
    response = Client(enforce_csrf_checks=True).post(
        f"/api/v1/appeals/{appeal.pk}/accept", HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
