"""Every route × every persona (see route_matrix.py for how rows are declared).

One test builds the world once (the `city` personas plus each app's `make()`), then requests
every row and collects every mismatch, so a failure lists all the routes that are wrong."""

from __future__ import annotations

import difflib
import importlib
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kaifang.core.models import DataScope
from kaifang.core.tests.factories import RoleFactory, UserFactory
from kaifang.core.tests.route_matrix import FILTER_KEYS, NARROW_PERSONAS, Route

# Namespaces not in the matrix, with the reason: the Django admin checks is_staff and its own
# model permissions on every view, and is tested by Django.
EXEMPT_NAMESPACES = {"admin": "Django 管理后台（is_staff 与模型权限）"}


def resolver_names(patterns: Any = None, namespace: str | None = None) -> Iterator[str]:
    """Every named route the resolver knows, as `namespace:name`."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            full = ":".join(n for n in (namespace, inner) if n) if inner else namespace
            yield from resolver_names(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name
        elif isinstance(pattern, URLPattern):
            yield f"{namespace or ''}:<unnamed {pattern.pattern}>"


def app_route_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("kaifang."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.tests.routes"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.tests.routes":
                raise
    return modules


def declared_rows() -> list[Route]:
    return [row for module in app_route_modules() for row in module.ROUTES]


def missing_rows(names: set[str], rows: list[Route]) -> list[str]:
    """Routes of the resolver without a row (exempt namespaces aside)."""
    declared = {row.name for row in rows}
    return sorted(
        name
        for name in names
        if name not in declared and name.split(":")[0] not in EXEMPT_NAMESPACES
    )


def test_every_route_has_a_row() -> None:
    missing = missing_rows(set(resolver_names()), declared_rows())
    assert not missing, "这些路由没有写入权限矩阵（kaifang/<app>/tests/routes.py）：" + ", ".join(
        missing
    )


def test_a_route_without_a_row_fails_the_matrix(settings: Any) -> None:
    """The test of the test: a route added without its row is reported."""
    settings.ROOT_URLCONF = "kaifang.core.tests.urls_with_extra_route"
    names = set(
        resolver_names(get_resolver("kaifang.core.tests.urls_with_extra_route").url_patterns)
    )
    assert "forgotten_route" in missing_rows(names, declared_rows())


def test_rows_name_real_routes() -> None:
    names = set(resolver_names())
    stale = sorted({row.name for row in declared_rows()} - names)
    assert not stale, f"矩阵中有不存在的路由：{stale}"


# --- Requesting every row as every persona ----------------------------------------------------


def response_text(response: HttpResponse) -> str:
    """What a person would read: the page, the JSON, or the cells of an Excel or Word file."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        body = response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or (body[:2] == b"PK" and b"xl/" in body[:2000]):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "wordprocessingml" in kind:
        import docx

        document = docx.Document(io.BytesIO(body))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if "json" in kind:
        return json.dumps(json.loads(body or b"null"), ensure_ascii=False)
    return body.decode("utf-8", errors="replace")


class World:
    def __init__(self, city: Any) -> None:
        self.city = city
        park_role = RoleFactory(
            code="park_staff_matrix", name="园区工作人员", data_scope=DataScope.UNIT_AND_BELOW
        )
        self.park_user = UserFactory(
            username="park_matrix", unit=city.district_a_park, roles=[park_role]
        )
        self.users = {
            "leader": city.leader,
            "officer": city.officer,
            "district_a": city.district_a_user,
            "district_b": city.district_b_user,
            "park": self.park_user,
            "liaison": city.liaison,
            "admin": city.admin,
        }
        # Each app's rows name the objects of its own make(): a name in one app never turns
        # another app's literal value (trade's by="enterprise") into a pk.
        self.by_app: dict[str, dict[str, Any]] = {}
        self.objects: dict[str, Any] = {}
        for module in app_route_modules():
            made = module.make(city) if hasattr(module, "make") else {}
            self.by_app[module.__name__] = made
            self.objects.update(made)
        self.row_app: dict[int, str] = {}
        for module in app_route_modules():
            for row in module.ROUTES:
                self.row_app[id(row)] = module.__name__
        self.clients: dict[str, Client] = {}

    def objects_of(self, row: Route) -> dict[str, Any]:
        return self.by_app.get(self.row_app.get(id(row), ""), {})

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            client = Client(raise_request_exception=False)
            if persona != "anonymous":
                client.force_login(self.users[persona])
            self.clients[persona] = client
        return self.clients[persona]

    def value(self, row: Route, value: Any) -> Any:
        objects = self.objects_of(row)
        if isinstance(value, str) and value in objects:
            return objects[value].pk
        return value

    def url(self, row: Route) -> str:
        kwargs = {k: self.value(row, v) for k, v in row.kwargs.items()}
        url = reverse(row.name, kwargs=kwargs)
        if row.query:
            query = {k: self.value(row, v) for k, v in row.query.items()}
            url += "?" + urlencode(query, doseq=True)
        return url

    def outside_filters(self) -> dict[str, Any]:
        """Every list filter pointed at district A, for district B's user."""
        enterprise = next(
            (o for o in self.objects.values() if o._meta.model_name == "enterprise"), None
        )
        values = {
            "district": self.city.district_a.pk,
            "park": self.city.district_a_park.pk,
            "unit": self.city.district_a.pk,
            "enterprise": enterprise.pk if enterprise is not None else 1,
        }
        return {k: values[k] for k in FILTER_KEYS}

    def request(self, persona: str, row: Route, url: str) -> HttpResponse:
        client = self.client(persona)
        data = {k: self.value(row, v) for k, v in row.data.items()}
        if row.method == "GET":
            return client.get(url)  # type: ignore[return-value]
        return client.generic(  # type: ignore[return-value]
            row.method,
            url,
            urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )


def _check(world: World, row: Route, persona: str, problems: list[str]) -> None:
    objects = world.objects_of(row)
    expected = row.expected(persona, objects)
    if expected is None:
        return
    url = world.url(row)
    response = world.request(persona, row, url)
    where = f"{row.method} {row.name} ({url}) as {persona}"
    if response.status_code != expected:
        problems.append(f"{where}: {response.status_code}, expected {expected}")
        return
    if expected == 302 and persona == "anonymous" and "anonymous" not in row.expect:
        location = response.get("Location", "")
        if str(settings.LOGIN_URL) not in location and "/login/" not in location:
            problems.append(f"{where}: redirected to {location}, not to the login page")
        return
    if expected != 200 or row.method != "GET" or not row.hidden():
        return
    markers = [str(objects[key]) for key in row.hidden()]
    text = response_text(response)
    if persona == "district_a" or persona in row.seen_by:
        for marker in markers:
            if marker not in text:
                problems.append(f"{where}: does not show “{marker}”, so the row proves nothing")
        return
    if persona in NARROW_PERSONAS:
        for marker in markers:
            if marker in text:
                problems.append(f"{where}: shows “{marker}”, outside the persona's part")
        return
    if persona == "district_b":
        for marker in markers:
            if marker in text:
                problems.append(f"{where}: shows “{marker}” of district A")
        filtered = url + ("&" if "?" in url else "?") + urlencode(world.outside_filters())
        response = world.client(persona).get(filtered)
        if response.status_code >= 500:
            problems.append(f"{where} with outside filters: {response.status_code}")
            return
        if response.status_code == 200:
            text = response_text(response)  # type: ignore[arg-type]
            for marker in markers:
                if marker in text:
                    problems.append(f"{where} with ?district= etc.: shows “{marker}”")


@pytest.mark.django_db(transaction=False)
def test_every_row_as_every_persona(city: Any) -> None:
    world = World(city)
    rows = [row for row in declared_rows() if not row.skip]
    problems: list[str] = []
    personas = ("anonymous", "leader", "officer", "district_a", "district_b", "park", "liaison")
    # Reads first, then writes: a refused write changes nothing, an allowed one comes last.
    for row in sorted(rows, key=lambda r: r.method != "GET"):
        for persona in (*personas, "admin"):
            _check(world, row, persona, problems)
    assert not problems, f"{len(problems)} 处不符：\n" + "\n".join(problems)


# What changes from one request to the next whatever the data: tokens, clocks, the public
# form's arithmetic question, a job's id.
NOISE = re.compile(
    r'X-CSRFToken": "[^"]*"|csrfmiddlewaretoken" value="[^"]*"|data-csrf-token="[^"]*"'
    r"|验证问题：[^<]*"
    r"|\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?(\.\d+)?|\d\d:\d\d(:\d\d)?"
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def moved_pages(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Each page whose text differs, with the first lines that moved."""
    moved = []
    for url, text in before.items():
        if after[url] != text:
            lines = [
                line[:160]
                for line in difflib.unified_diff(
                    text.splitlines(), after[url].splitlines(), lineterm="", n=0
                )
                if line[:1] in "+-" and line[:3] not in ("+++", "---")
            ]
            moved.append(f"{url}:\n  " + "\n  ".join(lines[:6]))
    return moved


def _district_b_reads(client: Client, rows: list[Route]) -> dict[str, str]:
    cache.clear()  # a page kept from the first read would hide what the second shows
    reads = {}
    for row in rows:
        url = reverse(row.name)
        if row.query:
            url += "?" + urlencode(row.query, doseq=True)
        response = client.get(url)
        text = response_text(response) if response.status_code == 200 else ""
        reads[url] = f"{response.status_code}\n" + NOISE.sub("#", text)
    return reads


@pytest.mark.django_db(transaction=False)
def test_district_a_objects_change_nothing_district_b_reads(city: Any) -> None:
    """Names are not the only leak: a count, a sum, a picker's option or an empty state that
    moves when district A's records appear tells district B about them (the notification
    leaks of session 37 were counts). Every page district B opens without naming an object
    must read the same before and after every app's make() has run."""
    rows = [
        row
        for row in declared_rows()
        if row.method == "GET" and not row.skip and not row.kwargs and not row.city_wide
    ]
    client = Client(raise_request_exception=False)
    client.force_login(city.district_b_user)
    before = _district_b_reads(client, rows)
    world = World(city)
    assert world.objects, "make() put nothing in place, so the check proves nothing"
    after = _district_b_reads(client, rows)
    changed = moved_pages(before, after)
    assert not changed, f"{len(changed)} 个页面随东城区的记录而变：\n" + "\n".join(changed)
