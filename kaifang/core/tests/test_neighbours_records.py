"""District B's own records read the same whatever district A holds.

The route matrix checks district B's lists before and after district A's objects appear; this
checks the pages of district B's *own* records, where a neighbour's records could come in
through a side panel: a similar appeal to merge, a firm of the same name, a task's related
records, a liaison roster, a policy match. Each page must show its own record and must read
the same (tokens and clocks aside) once every app's district A objects exist — including an
appeal with the very same words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kaifang.core.tests.test_route_matrix import NOISE, World, moved_pages, response_text
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.servicedesk import actions
from kaifang.servicedesk.models import Category, Source, Visit
from kaifang.supervision.tests.conftest import make_task


@pytest.mark.django_db
def test_district_b_record_pages_do_not_move_with_district_a(city: Any) -> None:
    firm = EnterpriseFactory(name="西城邻居对照有限公司", district=city.district_b)
    appeal = actions.appeal_create(
        actor=city.officer,
        enterprise_name=firm.name,
        uscc=firm.uscc,
        category=Category.CUSTOMS,
        # the words of district A's appeal in the servicedesk rows' make()
        description="矩阵诉求：出口查验时间过长，希望协调加快。",
        source=Source.PHONE,
        title="西城对照诉求",
    )
    visit = Visit.objects.create(
        enterprise=firm,
        visited_on=dt.date(2026, 11, 2),
        unit=city.district_b,
        enterprise_said="矩阵走访：企业反映订单下滑",
        created_by=city.district_b_user,
    )
    visit.officers.set([city.district_b_user])
    task = make_task(city, lead=city.district_b, title="西城对照任务：抓好测试工作")
    pages = {
        f"/enterprises/{firm.pk}/": firm.name,
        f"/enterprises/{firm.pk}/edit/": firm.name,
        f"/enterprises/{firm.pk}/merge/": firm.name,
        f"/servicedesk/appeals/{appeal.pk}/": "西城对照诉求",
        f"/servicedesk/visits/{visit.pk}/": firm.name,
        f"/servicedesk/visits/new/{firm.pk}/": firm.name,
        f"/supervision/tasks/{task.pk}/": "西城对照任务",
        f"/library/enterprises/{firm.pk}/": firm.name,
        f"/api/v1/enterprises/{firm.pk}": firm.name,
        f"/api/v1/appeals/{appeal.pk}": "西城对照诉求",
        f"/api/v1/tasks/{task.pk}": "西城对照任务",
    }
    client = Client(raise_request_exception=False)
    client.force_login(city.district_b_user)

    def read() -> dict[str, str]:
        cache.clear()
        reads = {}
        for url, own in pages.items():
            response = client.get(url)
            text = response_text(response) if response.status_code == 200 else ""
            assert response.status_code == 200 and own in text, f"{url}: its own record"
            reads[url] = NOISE.sub("#", text)
        return reads

    before = read()
    assert World(city).objects
    after = read()
    moved = moved_pages(before, after)
    assert not moved, f"{len(moved)} 个西城区记录页随东城区的记录而变：\n" + "\n".join(moved)
