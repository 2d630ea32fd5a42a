"""Query counts of the busy pages, with 30+ rows: the count must not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.supervision import actions
from kaifang.supervision.models import Candidate, SourceDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_session_touch")]


def fill(city, n, *, document=None):
    """n tasks of one document, spread over units, leaders, lights and states, with co-units,
    enterprises, milestones and reports, through the real actions."""
    document = document or SourceDocument.objects.create(
        title="测试讲话", kind="speech", date=dt.date(2026, 3, 15), text="要抓好测试工作。" * n
    )
    firm = EnterpriseFactory(district=city.district_a)
    leads = [city.district_a, city.district_b, city.division, city.customs]
    for i in range(n):
        lead = leads[i % len(leads)]
        candidate = Candidate.objects.create(
            document=document,
            text=f"测试工作{i}",
            start=i * 8,
            end=i * 8 + 7,
            lead_unit=lead,
            deadline=dt.date(2026, 1, 10) + dt.timedelta(days=30 * (i % 12)),
        )
        candidate.co_units.set([city.bureau, city.office])
        task = actions.task_confirm(
            actor=city.officer, candidate=candidate, leader=city.leader if i % 2 else None
        )
        task.enterprises.add(firm)
        actions.milestone_add(actor=city.officer, task=task, title="节点", due=dt.date(2026, 2, 1))
        if i % 3:
            task.signed_at = task.assigned_at
            task.status = "in_progress"
            task.save()
    return document


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Bounds measured on these pages (16–22 queries) with a little headroom; a per-row query
# would add 30+ and fail.
PAGES = {
    "/supervision/": 22,
    "/supervision/?light=red": 22,
    "/supervision/boards/": 20,
    "/supervision/export.xlsx": 18,
    "/supervision/export.docx": 18,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_task_pages_are_bounded(city, client: Client, django_assert_max_num_queries, url):
    fill(city, 35)
    client.force_login(city.officer)
    with django_assert_max_num_queries(PAGES[url]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", list(PAGES))
def test_task_pages_do_not_grow_with_rows(city, client: Client, url):
    client.force_login(city.officer)
    fill(city, 3)
    small = count(client, url)
    fill(city, 32)
    assert count(client, url) <= small


def test_scoped_list_is_bounded(city, client: Client, django_assert_max_num_queries):
    fill(city, 35)
    client.force_login(city.district_a_user)
    with django_assert_max_num_queries(22):
        page = client.get("/supervision/").content.decode()
    assert page.count('href="/supervision/tasks/') == 9  # district A leads 9 of the 35


def test_review_page_is_bounded(city, client: Client, django_assert_max_num_queries):
    document = fill(city, 12)
    for i in range(30):
        candidate = Candidate.objects.create(
            document=document,
            text=f"候选任务{i}",
            start=100 + i,
            end=101 + i,
            lead_unit=city.district_b,
        )
        candidate.co_units.set([city.customs])
    client.force_login(city.officer)
    with django_assert_max_num_queries(20):
        page = client.get(f"/supervision/documents/{document.pk}/").content.decode()
    assert page.count("候选任务") >= 30
    # The shared choices still mark each candidate's own units as selected.
    assert page.count(f'<option value="{city.district_b.pk}" selected>') == 30
    assert page.count(f'<option value="{city.customs.pk}" selected>') == 30


def test_review_page_does_not_grow_with_candidates(city, client: Client):
    document = fill(city, 0)
    client.force_login(city.officer)
    for i in range(3):
        Candidate.objects.create(document=document, text=f"候选{i}", start=i, end=i + 1)
    small = count(client, f"/supervision/documents/{document.pk}/")
    for i in range(32):
        Candidate.objects.create(document=document, text=f"候选{i}", start=i + 3, end=i + 4)
    assert count(client, f"/supervision/documents/{document.pk}/") <= small
