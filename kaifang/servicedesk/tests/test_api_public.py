"""The channel API contract: 201/400/422/401/404 bodies, tokens hashed and revocable, the
channel recorded on the appeal, and `kaifang channel-token` printing a working token."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.servicedesk.channels import channel_issue, channel_revoke, digest
from kaifang.servicedesk.models import Appeal, Channel

URL = "/api/v1/public/appeals"


@pytest.fixture
def token(db):
    _, token = channel_issue(name="12345平台", actor=None)
    return token


def post(client, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    raw = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return client.post(URL, raw, content_type="application/json", **headers)


BODY = {
    "enterprise_name": "示范跨境电商有限公司",
    "uscc": synthetic_uscc(5150),
    "category": "logistics",
    "description": "海外仓头程物流运费上涨明显，希望了解中欧班列拼箱支持政策。",
    "contact_name": "赵女士",
    "contact_phone": "13700001111",
}


def test_201_with_tracking_code_status_and_due_dates(client, city, token):
    response = post(client, BODY, token)
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"tracking_code", "status", "due"}
    assert data["status"] == "registered"
    assert set(data["due"]) == {"accept", "reply", "resolve", "provisional"}
    assert data["due"]["provisional"] is False
    appeal = Appeal.objects.get(tracking_code=data["tracking_code"])
    assert appeal.channel.name == "12345平台" and appeal.source == "api"
    assert appeal.resolve_due.isoformat() == data["due"]["resolve"]


def test_401_without_or_with_a_wrong_or_revoked_token(client, city, token):
    assert post(client, BODY).status_code == 401
    wrong = post(client, BODY, "kfc_not-a-real-token")
    assert wrong.status_code == 401 and "令牌" in wrong.json()["detail"]
    assert client.get(f"{URL}/AAAA-BBBB-CCCC").status_code == 401
    channel_revoke(channel=Channel.objects.get(), actor=None)
    assert post(client, BODY, token).status_code == 401
    assert not Appeal.objects.exists()


def test_token_is_stored_only_as_a_digest(city, token):
    channel = Channel.objects.get()
    assert channel.token_hash == digest(token) and token not in channel.token_hash


def test_400_for_a_body_that_is_not_a_json_object(client, city, token):
    response = post(client, "not json", token)
    assert response.status_code == 400
    assert response.json()["detail"] == "请求体不是有效的 JSON。"
    assert post(client, "[1, 2]", token).status_code == 400
    assert post(client, {**BODY, "uscc": 123}, token).status_code == 400


def test_422_with_chinese_field_errors(client, city, token):
    body = {**BODY, "uscc": "91410300MA0000000X", "category": "weather", "description": "短"}
    del body["contact_phone"]
    response = post(client, body, token)
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "参数校验失败。"
    assert set(data["errors"]) == {"uscc", "category", "description", "contact_phone"}
    assert "统一社会信用代码" in data["errors"]["uscc"][0]
    assert "必填" in data["errors"]["contact_phone"][0]
    assert "至少10个字" in data["errors"]["description"][0]


def test_get_status_and_public_timeline_only_and_404(client, city, token):
    code = post(client, BODY, token).json()["tracking_code"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.get(f"{URL}/{code}", **headers)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"tracking_code", "status", "status_label", "timeline"}
    assert data["status_label"] == "已登记"
    assert data["timeline"][0]["text"].startswith("诉求已登记")
    assert "13700001111" not in response.content.decode()
    missing = client.get(f"{URL}/ZZZZ-ZZZZ-ZZZZ", **headers)
    assert missing.status_code == 404 and missing.json() == {
        "detail": "查询码不存在。",
        "errors": {},
    }


def test_channel_token_command_prints_a_working_token(client, city):
    out, err = io.StringIO(), io.StringIO()
    call_command("channel-token", "小程序", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("kfc_") and "只显示一次" in err.getvalue()
    assert post(client, BODY, token).status_code == 201
    # issuing again replaces the old token
    call_command("channel-token", "小程序", stdout=io.StringIO(), stderr=io.StringIO())
    assert post(client, BODY, token).status_code == 401


def test_openapi_documents_the_channel_endpoints(client, city):
    client.force_login(city.officer)
    schema = client.get("/api/v1/openapi.json").json()
    post_op = schema["paths"]["/api/v1/public/appeals"]["post"]
    assert {"201", "400", "422"} <= set(post_op["responses"])
    assert "uscc" in post_op["requestBody"]["content"]["application/json"]["schema"]["properties"]


def test_sla_scan_is_a_registered_daily_schedule():
    from kaifang.core.schedules import registered

    scan = {p.name: p for p in registered()}["servicedesk.sla_scan"]
    assert scan.func == "kaifang.servicedesk.tasks.sla_scan" and scan.cron == "30 8 * * *"


def test_a_channel_reads_only_the_appeals_it_submitted(client, city, token):
    code = post(client, BODY, token).json()["tracking_code"]
    _, other = channel_issue(name="小程序", actor=None)
    response = client.get(f"{URL}/{code}", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert response.status_code == 404


@pytest.mark.parametrize("given", ["物流运输", "logistics", " LOGISTICS "])
def test_category_by_code_or_chinese_name(client, city, token, given):
    response = post(client, {**BODY, "category": given}, token)
    assert response.status_code == 201, response.json()
    assert Appeal.objects.get().category == "logistics"


def test_unknown_category_lists_the_allowed_values(client, city, token):
    response = post(client, {**BODY, "category": "运费"}, token)
    assert response.status_code == 422
    message = response.json()["errors"]["category"][0]
    assert "运费" in message
    assert "logistics（物流运输）" in message and "customs（通关）" in message
    assert not Appeal.objects.exists()


def test_missing_category_is_still_called_missing(client, city, token):
    response = post(client, {**BODY, "category": ""}, token)
    assert response.status_code == 422
    assert "category" in response.json()["errors"]
