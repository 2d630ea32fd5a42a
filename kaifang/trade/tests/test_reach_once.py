"""A district user's scope reach (the enterprises they see, trade/selectors/base.reach) is read
from the register once per request, however many parts of the page ask for it: the report
month, each source of a breakdown, a drill-down's plan. Outside a request it is computed
afresh each time, so a change to the register is never missed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.trade.selectors.base import reach
from kaifang.trade.tests.conftest import trade_data  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

REACH_SQL = 'SELECT "enterprises_enterprise"."id" AS "id", "enterprises_enterprise"."district_id"'


@pytest.mark.parametrize(
    "url",
    [
        "/trade/analysis/by/partner/?year=2025&month=3",
        "/trade/analysis/records/?year=2025&month=3&span=ytd",
        "/trade/analysis/records/?year=2025&month=3&span=ytd&partner=502",
    ],
)
def test_reach_is_read_once_per_request(city, trade_data, url):  # noqa: F811
    client = Client()
    client.force_login(city.district_a_user)
    # Cold (nothing kept yet: the report month and the breakdown read reach when computed)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert sum(q["sql"].startswith(REACH_SQL) for q in queries) == 1


def test_outside_a_request_reach_sees_a_new_enterprise(city, trade_data):  # noqa: F811
    before = reach(city.district_a_user).enterprise_ids
    firm = EnterpriseFactory(name="新设企业", district=city.district_a)
    assert reach(city.district_a_user).enterprise_ids == before | {firm.pk}
