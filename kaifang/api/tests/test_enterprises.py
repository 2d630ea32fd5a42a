"""GET /api/v1/enterprises[/{id}]: the register through the scope gate, the page's filters,
pagination, and the profile's trade figures."""

from __future__ import annotations

import pytest

from kaifang.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(city):
    a = [EnterpriseFactory(name=f"东城{i}号公司", district=city.district_a) for i in range(3)]
    b = EnterpriseFactory(name="西城机密公司", district=city.district_b)
    return a, b


def test_district_a_token_never_sees_district_b(city, firms, api_as):
    a, b = firms
    api = api_as(city.district_a_user)
    data = api.get("/enterprises").json()
    assert data["count"] == 3
    assert {e["name"] for e in data["items"]} == {e.name for e in a}
    assert api.get(f"/enterprises/{b.pk}").status_code == 404
    assert api.get(f"/enterprises/{b.pk}").json()["detail"] == "记录不存在或不在您的数据范围内。"
    # a filter naming the other district is refused as an unknown one is: nothing to tell apart
    other = api.get("/enterprises", district=city.district_b.pk)
    assert other.status_code == api.get("/enterprises", district=999_999).status_code == 422
    assert api.get("/enterprises", q="西城机密").json()["count"] == 0


def test_leader_sees_all_and_filters_like_the_page(city, firms, api_as):
    api = api_as(city.leader)
    assert api.get("/enterprises").json()["count"] == 4
    only_b = api.get("/enterprises", district=city.district_b.pk).json()
    assert [e["name"] for e in only_b["items"]] == ["西城机密公司"]
    assert api.get("/enterprises", q="东城1号").json()["count"] == 1
    bad = api.get("/enterprises", status="nonsense")
    assert bad.status_code == 422 and bad.json()["detail"] == "参数校验失败。"
    assert "status" in bad.json()["errors"]


def test_pagination(city, firms, api_as):
    api = api_as(city.leader)
    first = api.get("/enterprises", limit=3, offset=0).json()
    rest = api.get("/enterprises", limit=3, offset=3).json()
    assert first["count"] == rest["count"] == 4
    assert len(first["items"]) == 3 and len(rest["items"]) == 1
    names = [e["name"] for e in first["items"] + rest["items"]]
    assert len(set(names)) == 4
    assert api.get("/enterprises", limit=501).status_code == 422
    assert api.get("/enterprises", offset=-1).status_code == 422


def test_profile_identity_tags_liaison(city, api_as):
    from kaifang.enterprises.models import Tag

    firm = EnterpriseFactory(name="东城甲公司", district=city.district_a, liaison=city.liaison)
    firm.tags.add(Tag.objects.create(name="外贸"))
    data = api_as(city.district_a_user).get(f"/enterprises/{firm.pk}").json()
    assert (data["name"], data["uscc"], data["district"]["id"]) == (
        "东城甲公司",
        firm.uscc,
        city.district_a.pk,
    )
    assert data["tags"] == ["外贸"]
    assert data["liaison"]["name"] == city.liaison.display_name
    assert data["trade"] is None  # no customs data yet
    # the liaison sees the enterprise through the owner field, another district does not
    assert api_as(city.liaison).get(f"/enterprises/{firm.pk}").status_code == 200
    assert api_as(city.district_b_user).get(f"/enterprises/{firm.pk}").status_code == 404


def test_profile_trade_summary_is_the_pages_figures(city, trade_data, api_as):
    data = api_as(city.district_a_user).get(f"/enterprises/{trade_data.e1.pk}").json()
    trade = data["trade"]
    assert (trade["year"], trade["month"], trade["currency"]) == (2025, 3, "usd")
    assert trade["export"]["month"] == "100.0000"
    assert trade["export"]["ytd"] == "150.0000"  # 2025-02 50 + 2025-03 100
    assert trade["export"]["ytd_prev"] == "80.0000"
    assert trade["import"]["ytd"] == "0.0000"
    assert trade["total"]["ytd"] == "150.0000"
