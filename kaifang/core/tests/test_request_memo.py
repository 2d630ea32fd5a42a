"""Per-request memo (core/lib/request_memo), the memoised row links ({% pk_url %}) and the
authentication backend that reads the user's unit with the user."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.core.lib import request_memo

pytestmark = pytest.mark.django_db


def test_outside_a_request_every_call_computes():
    calls = []
    for _ in range(2):
        request_memo.memo("k", lambda: calls.append(1) or len(calls))
    assert len(calls) == 2


def test_within_a_request_once_until_forgotten_and_never_across_requests():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    seen: list[int] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.extend([request_memo.memo("k", compute), request_memo.memo("k", compute)])
        request_memo.forget("k")
        seen.append(request_memo.memo("k", compute))
        return HttpResponse("ok")

    middleware = request_memo.RequestMemoMiddleware(view)
    middleware(HttpRequest())
    assert seen == [1, 1, 2]
    middleware(HttpRequest())
    assert seen[3:] == [3, 3, 4]  # a new request computes again
    assert request_memo.memo("k", compute) == 5  # and after it, no memo is left


def test_pk_url_is_the_url_tag():
    template = engines["django"].from_string(
        "{% load pk_urls %}{% pk_url 'enterprises:detail' pk %}|{% url 'enterprises:detail' pk %}"
        "|{% pk_url 'enterprises:edit' pk %}"
    )
    for pk in (1, 42, 42, 987654):
        first, second, edit = template.render({"pk": pk}).split("|")
        assert first == second == reverse("enterprises:detail", args=[pk])
        assert edit == reverse("enterprises:edit", args=[pk])


def test_the_shell_reads_the_users_unit_with_the_user(city, client: Client):
    client.force_login(city.district_a_user)
    client.get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:profile"))
    assert city.district_a.name in response.content.decode()
    unit_reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "core_unit"."id", ')]
    assert not [sql for sql in unit_reads if 'WHERE "core_unit"."id" =' in sql]
