"""List endpoints read a page in a fixed number of queries, however many rows it holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaifang.enterprises.models import Tag
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.supervision.tests.conftest import make_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_session_touch")]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _firms(city, n: int) -> None:
    tag = Tag.objects.get_or_create(name="外贸")[0]
    for _ in range(n):
        firm = EnterpriseFactory(district=city.district_a, liaison=city.liaison)
        firm.tags.add(tag)


@pytest.mark.parametrize(
    ("url", "fill"),
    [
        ("/api/v1/enterprises", _firms),
        ("/api/v1/tasks", lambda city, n: [make_task(city) for _ in range(n)]),
    ],
)
def test_list_queries_do_not_grow_with_rows(city, client: Client, url, fill):
    client.force_login(city.district_a_user)
    fill(city, 2)
    _queries(client, url)  # the first request also touches the session
    few = _queries(client, url)
    fill(city, 6)
    assert _queries(client, url) == few
