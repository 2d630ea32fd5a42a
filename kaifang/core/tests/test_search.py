"""The header search: one box finds firms, appeals, visits, tasks, platforms, parks, projects
and library documents the user may see, each with a link to its page and to the module's own
list filtered the same way; a query of one character asks for more; nothing found says so."""

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


def _visit(firm, *, text: str, author, day=None):
    import datetime as dt

    from kaifang.servicedesk.models import Visit

    visit = Visit.objects.create(
        enterprise=firm,
        visited_on=day or dt.date(2026, 11, 2),
        unit=author.unit,
        enterprise_said=text,
        created_by=author,
    )
    visit.officers.set([author])
    return visit


def test_search_finds_visits_through_their_firms_scope(city, client: Client):
    from kaifang.enterprises.tests.factories import EnterpriseFactory

    firm_a = EnterpriseFactory(name="东城走访对象有限公司", district=city.district_a)
    visit = _visit(firm_a, text="企业反映海运订单下滑三成", author=city.district_a_user)
    client.force_login(city.district_a_user)
    page = client.get(reverse("core:search"), {"q": "订单下滑"}).content.decode()
    assert "<h2>走访记录 " in page
    url = reverse("servicedesk:visit_detail", args=[visit.pk])
    assert f'href="{url}">2026-11-02 东城走访对象有限公司</a>' in page
    assert "海运订单下滑三成" in page  # what the firm said, as the hit's detail
    # district B, searching the words of district A's visit: nothing, and the empty state
    client.force_login(city.district_b_user)
    page = client.get(reverse("core:search"), {"q": "订单下滑"}).content.decode()
    assert "东城走访对象" not in page and "<h2>走访记录 " not in page
    assert "在您的数据范围内没有找到与“订单下滑”有关的记录" in page


def test_a_visit_of_a_firm_outside_the_scope_never_appears_even_to_its_author(city, client: Client):
    """The visit list lets an author read his visit after its firm left his scope; the search
    goes through the firm: a visit of a firm the user may not see is not found."""
    from kaifang.enterprises.tests.factories import EnterpriseFactory

    firm_a = EnterpriseFactory(name="东城迁出企业有限公司", district=city.district_a)
    _visit(firm_a, text="迁出前最后一次走访记录", author=city.district_b_user)
    client.force_login(city.district_b_user)
    page = client.get(reverse("core:search"), {"q": "最后一次走访"}).content.decode()
    assert "东城迁出企业" not in page and "<h2>走访记录 " not in page
    # the liaison officer of a firm finds its visits; of another firm, none
    mine = EnterpriseFactory(
        name="包联对象有限公司", district=city.district_a, liaison=city.liaison
    )
    _visit(mine, text="包联走访：用工缺口", author=city.district_a_user)
    client.force_login(city.liaison)
    page = client.get(reverse("core:search"), {"q": "走访"}).content.decode()
    assert "包联对象有限公司" in page and "东城迁出企业" not in page


def test_search_finds_library_policies_as_the_library_does(city, client: Client):
    import datetime as dt

    from django.apps import apps

    from kaifang.library.actions import document_create, index_supervision

    document = document_create(
        actor=city.officer,
        title="示范市支持中欧班列发展的若干措施",
        text="第一条 对通过中欧班列出口的企业，每标准箱补助500元。",
    )
    apps.get_model("supervision", "SourceDocument").objects.create(
        title="办公室班列工作会议讲话",
        kind="speech",
        date=dt.date(2026, 3, 1),
        text="要加密中欧班列开行频次。",
        created_by=city.officer,
    )
    index_supervision()
    url = reverse("library:document_detail", args=[document.pk])
    # policies are public to staff: district B finds them (a word inside a longer word)
    client.force_login(city.district_b_user)
    page = client.get(reverse("core:search"), {"q": "班列"}).content.decode()
    assert "<h2>政策库 " in page
    assert f'href="{url}">示范市支持中欧班列发展的若干措施</a>' in page
    # a supervision source document keeps supervision's scope, as on the library's page
    assert "办公室班列工作会议讲话" not in page
    client.force_login(city.officer)
    page = client.get(reverse("core:search"), {"q": "班列"}).content.decode()
    assert "办公室班列工作会议讲话" in page and "共 2 条" in page
