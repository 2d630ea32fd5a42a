"""List pages do not grow a query per row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library.actions import support_item_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_session_touch")]

TEXT = "示范市外贸补贴办法\n第一条 补贴。\n"


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_item_page_and_list_queries_do_not_grow_with_rows(city, client: Client, make_document):
    document = make_document(TEXT)
    EnterpriseFactory.create_batch(2, district=city.district_a, ownership="private")
    item = support_item_save(
        actor=city.officer,
        document=document,
        title="补贴",
        amount=Decimal("1"),
        no_application=True,
        conditions=[{"type": "ownership", "values": ["private"]}],
    )
    client.force_login(city.officer)
    url = reverse("library:item_detail", args=[item.pk])
    client.get(url)  # the first request after logging in touches the session
    few = _count(client, url)
    list_few = _count(client, reverse("library:document_list"))
    EnterpriseFactory.create_batch(12, district=city.district_b, ownership="private")
    for n in range(8):
        make_document(f"文件{n}\n第一条 内容。")
    support_item_save(
        actor=city.officer,
        document=document,
        item=item,
        title="补贴",
        amount=Decimal("1"),
        no_application=True,
        conditions=[{"type": "ownership", "values": ["private"]}],
    )
    assert _count(client, url) == few
    assert _count(client, reverse("library:document_list")) == list_few


def test_ledger_page_and_fair_page_do_not_grow_with_rows(city, client: Client, make_document):
    from kaifang.library.models import Fair, FairExhibitor

    document = make_document(TEXT)
    firms = EnterpriseFactory.create_batch(2, district=city.district_a, ownership="private")
    fair = Fair.objects.create(name="交易会", session="2026")
    for firm in firms:
        FairExhibitor.objects.create(fair=fair, enterprise=firm)
    support_item_save(
        actor=city.officer,
        document=document,
        title="补贴",
        amount=Decimal("1"),
        no_application=True,
        conditions=[{"type": "ownership", "values": ["private"]}],
    )
    client.force_login(city.officer)
    urls = [reverse("library:ledger_list"), reverse("library:fair_detail", args=[fair.pk])]
    client.get(urls[0])  # the first request after logging in touches the session
    before = [_count(client, url) for url in urls]
    more = EnterpriseFactory.create_batch(6, district=city.district_a, ownership="private")
    for firm in more:
        FairExhibitor.objects.create(fair=fair, enterprise=firm)
    support_item_save(
        actor=city.officer,
        document=document,
        item=document.support_items.get(),
        title="补贴",
        amount=Decimal("1"),
        no_application=True,
        conditions=[{"type": "ownership", "values": ["private"]}],
    )
    assert [_count(client, url) for url in urls] == before
