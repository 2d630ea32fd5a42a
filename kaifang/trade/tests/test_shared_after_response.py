"""Decision 0055: in the web process a page's figures computed on its view reach the shared
cache once the response is out, and the other processes then read them."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.signals import request_finished
from django.urls import reverse

from kaifang.core.lib import local_cache
from kaifang.trade import figures


def test_the_overview_computed_on_view_is_shared_after_its_response(trade_data, city, client):
    q = figures.default_query(city.leader, "overview")
    assert q is not None
    shared = f"boxed:{figures.cache_key('overview', city.leader, q)}"
    seen: list[bool] = []

    def at_the_end(**_kwargs: Any) -> None:  # connected first: runs before the writes
        seen.append(cache.get(shared) is not None)

    request_finished.connect(at_the_end, dispatch_uid="test.at_the_end")
    local_cache.install()
    try:
        client.force_login(city.leader)
        local_cache.clear()
        response = client.get(reverse("trade:analysis_overview"))
    finally:
        local_cache.uninstall()
        request_finished.disconnect(dispatch_uid="test.at_the_end")
    assert response.status_code == 200
    assert seen == [False]  # not while the response was written
    assert cache.get(shared) is not None  # after it
    local_cache.clear()  # another process's first view reads the shared copy
    again = client.get(reverse("trade:analysis_overview"))
    assert again.context["cards"] == response.context["cards"]
