"""The briefing archive lists without a query per row."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.reports.models import Briefing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_session_touch")]


def _briefing(city, month: int) -> None:
    b = Briefing(year=2025, month=month, title=f"2025年{month}月", created_by=city.officer)
    b.document.save("b.docx", ContentFile(b"x"), save=False)
    b.save()


def _count(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("reports:briefing_list")).status_code == 200
    return len(captured)


def test_briefing_list_query_count_does_not_grow_with_rows(city, client: Client):
    client.force_login(city.leader)
    _briefing(city, 1)
    _count(client)  # warm the per-scope caches (latest month with data)
    one = _count(client)
    for month in range(2, 8):
        _briefing(city, month)
    assert _count(client) == one
