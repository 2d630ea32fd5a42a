"""Every page's <title> carries its own name, the separator and the site name; error pages
name their favicon so a browser does not ask for /favicon.ico and get a second 404."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found is not None
    return found.group(1).strip()


def test_tag_joins_the_page_title_and_the_site():
    page = Template(
        '{% load page_title %}{% page_title "开放通" %}'
        "{% if t %}{{ t }}{% endif %}{% endpage_title %}"
    )
    assert page.render(Context({"t": "企业名录"})) == "企业名录 · 开放通"
    assert page.render(Context({"t": ""})) == "开放通"
    assert page.render(Context({"t": "<b>"})) == "&lt;b&gt; · 开放通"


@pytest.mark.django_db
def test_pages_carry_the_separator(city, client: Client):
    assert title_of(client.get("/login/").content.decode()) == "登录 · 开放通"
    client.force_login(city.leader)
    assert title_of(client.get("/enterprises/").content.decode()) == "企业名录 · 开放通"
    assert title_of(client.get("/").content.decode()).endswith(" · 开放通")


@pytest.mark.django_db
def test_public_service_pages_carry_the_separator(client: Client):
    html = client.get("/service/").content.decode()
    assert re.fullmatch(r".+ · 企业诉求服务", title_of(html))


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "status"), [("/no-such-page/", 404)])
def test_error_pages_name_their_favicon(city, client: Client, path, status):
    client.force_login(city.leader)
    response = client.get(path)
    assert response.status_code == status
    html = response.content.decode()
    assert '<link rel="icon" href="/static/img/logo.svg">' in html
    assert title_of(html) == "页面不存在 · 开放通"


def test_every_error_template_names_its_favicon():
    from django.template.loader import get_template

    for name in ("errors/403.html", "errors/404.html", "errors/500.html"):
        html = get_template(name).render({})
        assert 'rel="icon"' in html, name
