"""The list pages' rows rendered once per content (core/lib/fragments.py): a row from the cache
is the row its template renders now, and a change to any value a row shows is a new row.

Each list names its row key (every value the row template reads). The test renders rows
through the cache, changes one shown value at a time in memory, and compares the cached row
with a fresh render: a value left out of the key would serve the old row and fail here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from kaifang.core.lib.fragments import RowCache
from kaifang.core.tests.test_load_mix_queries import populate
from kaifang.enterprises import views as enterprise_views
from kaifang.enterprises.models import Enterprise
from kaifang.servicedesk.models import Appeal
from kaifang.servicedesk.views import appeals as appeal_views
from kaifang.supervision import selectors as supervision_selectors
from kaifang.supervision.views import tasks as task_views

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


def _check(
    cache: RowCache,
    key: Callable[[Any], tuple[object, ...]],
    context: Callable[[Any], dict[str, Any]],
    rows: list[Any],
    changes: list[tuple[str, Callable[[Any], None]]],
) -> None:
    cache.clear()
    assert rows
    for row in rows:
        assert cache.render(key(row), context(row)) == render_to_string(
            cache.template, context(row)
        )
    row = rows[0]
    for name, change in changes:
        cache.render(key(row), context(row))
        change(row)
        fresh = render_to_string(cache.template, context(row))
        assert cache.render(key(row), context(row)) == fresh, f"{name} is not in the row key"


def test_appeal_rows(city):
    populate(city, 3, 0)
    rows = list(Appeal.objects.select_related("unit"))

    def unit_name(a: Appeal) -> None:
        a.unit = city.district_b

    _check(
        appeal_views.ROWS,
        lambda a: appeal_views.row_key(a, TODAY),
        lambda a: {"a": a, "today": TODAY},
        rows,
        [
            ("tracking code", lambda a: setattr(a, "tracking_code", "X-1")),
            ("enterprise", lambda a: setattr(a, "enterprise_name", "改名公司")),
            ("category", lambda a: setattr(a, "category", "forex")),
            ("title", lambda a: setattr(a, "title", "新的标题")),
            ("status", lambda a: setattr(a, "status", "resolved")),
            ("supervised", lambda a: setattr(a, "supervised", not a.supervised)),
            ("unit", unit_name),
            ("accept due", lambda a: setattr(a, "accept_due", dt.date(2030, 1, 1))),
            ("resolve due", lambda a: setattr(a, "resolve_due", dt.date(2020, 1, 1))),
            ("provisional", lambda a: setattr(a, "due_provisional", not a.due_provisional)),
            ("rating", lambda a: setattr(a, "rating", 5)),
            ("status again", lambda a: setattr(a, "status", "accepted")),
            ("duplicate", lambda a: setattr(a, "duplicate_of_id", rows[1].pk)),
        ],
    )


def test_task_rows(city):
    populate(city, 4, 0)
    rows = list(
        supervision_selectors.task_list(
            user=city.leader, filters=supervision_selectors.TaskFilter()
        )
    )

    def co_units(task: Any) -> None:
        task._prefetched_objects_cache["co_units"] = [city.district_b]

    def lead(task: Any) -> None:
        task.lead_unit = city.customs

    _check(
        task_views.ROWS,
        task_views.row_key,
        lambda task: {"task": task},
        rows,
        [
            ("light", lambda t: setattr(t, "light", "red")),
            ("light yellow", lambda t: setattr(t, "light", "yellow")),
            ("behind", lambda t: setattr(t, "behind", not t.behind)),
            ("title", lambda t: setattr(t, "title", "新的任务")),
            ("tags", lambda t: setattr(t, "tags", "外贸，重点")),
            ("lead unit", lead),
            ("co-units", co_units),
            ("deadline", lambda t: setattr(t, "deadline", dt.date(2031, 1, 1))),
            ("original deadline", lambda t: setattr(t, "original_deadline", dt.date(2030, 1, 1))),
            ("percent", lambda t: setattr(t, "percent", 77)),
            ("status", lambda t: setattr(t, "status", "done")),
        ],
    )


def test_enterprise_rows(city):
    populate(city, 3, 0)
    rows = list(
        Enterprise.objects.select_related("district", "park", "industry", "liaison")
        .prefetch_related("tags")
        .order_by("id")
    )

    def tags(e: Any) -> None:
        e._prefetched_objects_cache["tags"] = []

    def district(e: Any) -> None:
        e.district = city.customs

    def park(e: Any) -> None:
        e.park = city.district_a_park

    def liaison(e: Any) -> None:
        e.liaison = city.officer

    _check(
        enterprise_views.ROWS,
        enterprise_views.row_key,
        lambda e: {"e": e},
        rows,
        [
            ("name", lambda e: setattr(e, "name", "改名公司")),
            ("former names", lambda e: setattr(e, "former_names", ["旧名一", "旧名二"])),
            ("uscc", lambda e: setattr(e, "uscc", "91110000000000000X")),
            ("customs code", lambda e: setattr(e, "customs_code", "1234567890")),
            ("district", district),
            ("park", park),
            ("tags", tags),
            ("liaison", liaison),
            ("status", lambda e: setattr(e, "status", "closed")),
        ],
    )


def test_list_pages_show_a_changed_row_at_once(city, client: Client):
    """Through the pages: a renamed enterprise and a retitled appeal show at once."""
    populate(city, 2, 0)
    client.force_login(city.leader)
    assert "负载测试0号进出口有限公司" in client.get("/enterprises/").content.decode()
    firm = Enterprise.objects.get(name="负载测试0号进出口有限公司")
    firm.name = "负载测试零号进出口有限公司"
    firm.save()
    page = client.get("/enterprises/").content.decode()
    assert "负载测试零号进出口有限公司" in page and "负载测试0号进出口有限公司" not in page
    appeal = Appeal.objects.order_by("id").first()
    assert appeal is not None
    client.get("/servicedesk/")
    Appeal.objects.filter(pk=appeal.pk).update(title="已改的诉求标题")
    assert "已改的诉求标题" in client.get("/servicedesk/").content.decode()
