"""The header search: one box finds firms, platforms, parks and projects the user may see, each
with a link to its page and to the module's own list filtered the same way; a query of one
character asks for more; nothing found says so."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_search_finds_each_kind_in_scope_and_links_to_it(city, client: Client):
    from kaifang.zones.tests.conftest import make_zone

    zone = make_zone(city)
    client.force_login(city.district_a_user)
    workbench = client.get(reverse("core:workbench")).content.decode()
    assert 'action="/search/"' in workbench  # the box is in every page's header
    page = client.get(reverse("core:search"), {"q": "东城"}).content.decode()
    for heading, obj, url in (
        ("企业", zone.enterprise, reverse("enterprises:detail", args=[zone.enterprise.pk])),
        ("开放平台", zone.platform, reverse("zones:platform_detail", args=[zone.platform.pk])),
        ("园区", zone.park, reverse("zones:park_detail", args=[zone.park.pk])),
        ("招商项目", zone.project, reverse("zones:project_detail", args=[zone.project.pk])),
    ):
        assert f"<h2>{heading} " in page, heading
        assert f'href="{url}">{obj.name}</a>' in page
    assert reverse("enterprises:list") + "?q=%E4%B8%9C%E5%9F%8E" not in page  # all on the page
    # the same words as district B: nothing of A's, and the empty state says why
    client.force_login(city.district_b_user)
    page = client.get(reverse("core:search"), {"q": "东城"}).content.decode()
    assert zone.enterprise.name not in page and zone.platform.name not in page
    assert "在您的数据范围内没有找到与“东城”有关的记录" in page


def test_a_one_character_query_asks_for_more(city, client: Client):
    client.force_login(city.officer)
    page = client.get(reverse("core:search"), {"q": "东"}).content.decode()
    assert "请至少输入 2 个字" in page


def test_more_than_a_section_holds_links_to_the_modules_list(city, client: Client):
    from kaifang.enterprises.tests.factories import EnterpriseFactory

    for n in range(10):
        EnterpriseFactory(name=f"东城批量{n}号有限公司", district=city.district_a)
    client.force_login(city.officer)
    page = client.get(reverse("core:search"), {"q": "东城批量"}).content.decode()
    assert "共 10 条" in page and page.count("东城批量") >= 8
    assert 'href="/enterprises/?q=%E4%B8%9C%E5%9F%8E%E6%89%B9%E9%87%8F">查看全部 10 条' in page
