"""Filter bars offer 「全部」 for “no filter”, never Django's “---------”."""

from __future__ import annotations

import pytest
from django.test import Client

LIST_PAGES = ["/enterprises/", "/servicedesk/", "/supervision/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", LIST_PAGES)
def test_filter_bars_say_all_not_dashes(city, client: Client, path):
    client.force_login(city.leader)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<select" in html
    assert "---------" not in html
    assert '<option value="" selected>全部' in html
