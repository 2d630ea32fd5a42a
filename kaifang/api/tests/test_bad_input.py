"""Input that used to become a server error on the public API is refused with a Chinese 4xx."""

from __future__ import annotations

import json

import pytest

from kaifang.core.lib.uscc import synthetic_uscc
from kaifang.servicedesk.channels import channel_issue
from kaifang.servicedesk.models import Appeal

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/appeals"
BODY = {
    "enterprise_name": "示范跨境电商有限公司",
    "uscc": synthetic_uscc(5150),
    "category": "logistics",
    "description": "海外仓头程物流运费上涨明显，希望了解中欧班列拼箱支持政策。",
    "contact_name": "赵女士",
    "contact_phone": "13700001111",
}


@pytest.fixture
def auth(city):
    _, token = channel_issue(name="12345平台", actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_lone_surrogate_is_400_not_500(client, auth):
    raw = json.dumps({**BODY, "description": "问题\ud800描述"})  # ASCII JSON with "\\ud800"
    response = client.post(URL, raw, content_type="application/json", **auth)
    assert response.status_code == 400 and "代理项" in response.json()["detail"]
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_400_not_500(client, auth, depth):
    raw = '{"a":' + "[" * depth + "]" * depth + "}"
    response = client.post(URL, raw, content_type="application/json", **auth)
    assert response.status_code == 400 and "嵌套" in response.json()["detail"]


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"]
)
def test_other_content_types_are_415_in_chinese(client, auth, content_type):
    raw = json.dumps(BODY, ensure_ascii=False)
    if content_type == "multipart/form-data":
        response = client.post(URL, BODY, **auth)
    else:
        response = client.post(URL, raw, content_type=content_type, **auth)
    assert response.status_code == 415 and "application/json" in response.json()["detail"]


def test_brackets_inside_strings_do_not_count_as_nesting(client, auth):
    body = {**BODY, "description": "[" * 200 + "希望了解中欧班列拼箱支持政策" + "{" * 200}
    response = client.post(URL, json.dumps(body), content_type="application/json", **auth)
    assert response.status_code == 201


def test_schema_documents_errors_in_chinese(client, city):
    client.force_login(city.officer)  # the schema is served to signed-in users
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"][URL]["post"]["responses"]
    assert {"400", "401", "415", "422"} <= set(post)
    assert "未认证" in post["401"]["description"]
    get = schema["paths"][URL + "/{tracking_code}"]["get"]["responses"]
    assert "不存在" in get["404"]["description"] and "401" in get
    assert "401" in schema["paths"]["/api/v1/me"]["get"]["responses"]


def test_tracking_lookups_are_limited_per_channel_token(client, auth, settings):
    settings.API_TRACKING_RATE = "3/m"
    url = f"{URL}/AAAA-BBBB-CCCC"
    assert [client.get(url, **auth).status_code for _ in range(3)] == [404, 404, 404]
    limited = client.get(url, REMOTE_ADDR="192.0.2.50", **auth)  # another address, same token
    assert limited.status_code == 429 and "频繁" in limited.json()["detail"]
    _, other = channel_issue(name="小程序", actor=None)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
