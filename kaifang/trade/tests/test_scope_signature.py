"""Issue 17, one cached entry per unit (decision 0021): the users of one district who see no
firm outside it share the cached figures of every page keyed by `scope_signature` (trade's
four pages and breakdowns, the leaders' dashboard, risk's dependence page, the industry
chains), so the worker refills one of them, not each. A user who also sees a firm of another
district as its liaison officer keeps figures of his own: he sees that firm's sums, and his
colleague, whichever of the two opens a page first, never does."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.core.lib import local_cache
from kaifang.core.models import Role, RoleCode
from kaifang.core.tests.factories import UserFactory
from kaifang.core.tests.queue import run_queued_tasks
from kaifang.trade import refill
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors.base import scope_signature

pytestmark = pytest.mark.django_db

FIRM = "乙纺织"  # e2, district B: exports 30 in 2025-01 (the report month is 2025-03)


def _colleague(city, username: str, *codes: str):
    roles = list(Role.objects.filter(code__in=[RoleCode.UNIT_STAFF, *codes]))
    return UserFactory(username=username, unit=city.district_a, roles=roles)


def _get(client, user, url: str) -> Any:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context


def _what_the_pages_show(client, user) -> dict[str, Any]:
    """Per page, what it shows of the figures a district user's key caches."""
    overview = _get(client, user, reverse("trade:analysis_overview"))
    concentration = _get(client, user, reverse("trade:analysis_dynamic", args=["concentration"]))
    by_firm = _get(client, user, reverse("trade:analysis_breakdown", args=["enterprise"]))
    dashboard = _get(client, user, reverse("indicators:dashboard"))
    dependence = _get(client, user, reverse("risk:dependence"))
    return {
        "overview export": overview["cards"][1][1].ytd,
        "concentration": {i.name for i in concentration["items"]},
        "by enterprise": {r.name for r in by_firm["page"].object_list},  # the rows shown
        "dashboard export": dashboard["d"].cards[1].ytd,
        "dependence": {i.name for i in dependence["d"].concentrated},
    }


def test_colleagues_of_a_unit_share_one_entry_and_one_refill(
    trade_data, city, client, django_capture_on_commit_callbacks
):
    colleague = _colleague(city, "dist_a2")
    assert scope_signature(colleague) == scope_signature(city.district_a_user)
    assert ":p" not in scope_signature(colleague)
    refilled = {u.username for u in refill.refill_viewers(owners=False)}
    assert len(refilled & {"dist_a", "dist_a2"}) == 1  # one user per signature
    with django_capture_on_commit_callbacks(execute=True):
        rebuild_rollups(sorted(set(CustomsRecord.objects.values_list("period", flat=True))))
    assert "kaifang.trade.refill.refill" in run_queued_tasks()
    local_cache.clear()  # the worker is another process
    for user in (city.district_a_user, colleague):  # whichever of them was refilled
        for name in ("concentration", "new-exporters", "stopped"):
            client.force_login(user)
            with CaptureQueriesContext(connection) as ctx:
                client.get(reverse("trade:analysis_dynamic", args=[name]))
            assert not [q for q in ctx.captured_queries if "SUM(" in q["sql"].upper()], name


@pytest.mark.parametrize("first", ["liaison", "colleague"])
def test_a_user_who_is_liaison_of_a_firm_elsewhere_sees_it_and_his_colleague_does_not(
    trade_data, city, client, django_capture_on_commit_callbacks, first
):
    both = _colleague(city, "dist_a_liaison", RoleCode.LIAISON)
    colleague = city.district_a_user
    # Before he is the firm's liaison officer, he shares his colleague's entries.
    before = _what_the_pages_show(client, both)
    assert before == _what_the_pages_show(client, colleague)
    assert FIRM not in before["concentration"] | before["by enterprise"] | before["dependence"]
    with django_capture_on_commit_callbacks(execute=True):
        trade_data.e2.liaison = both
        trade_data.e2.save()
    assert scope_signature(both) != scope_signature(colleague)
    order = [both, colleague] if first == "liaison" else [colleague, both]
    seen = {user.username: _what_the_pages_show(client, user) for user in order}
    mine, theirs = seen["dist_a_liaison"], seen["dist_a"]
    for name in ("concentration", "by enterprise", "dependence"):
        assert FIRM in mine[name], name
        assert FIRM not in theirs[name], name
        assert mine[name] - {FIRM} == theirs[name], name
    assert mine["overview export"] == theirs["overview export"] + Decimal(30)
    assert mine["dashboard export"] > theirs["dashboard export"]
    assert theirs == before
