"""The 免申即享 notice tells each person of the paying unit how many of the new firms they see,
as the ledger they open does (found by the scope audit, session 37)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from kaifang.core.models import Notification
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.library.actions import document_create, support_item_save
from kaifang.library.tests.routes import POLICY

pytestmark = pytest.mark.django_db


def test_the_payer_is_told_of_the_firms_it_sees_only(
    city: Any, django_capture_on_commit_callbacks: Any
) -> None:
    EnterpriseFactory(name="东城应享企业", district=city.district_a, ownership="private")
    for i in range(3):
        EnterpriseFactory(name=f"西城应享企业{i}", district=city.district_b, ownership="private")
    document = document_create(
        actor=city.officer,
        title="示范措施",
        text=POLICY,
        original=POLICY.encode(),
        original_name="p.txt",
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = support_item_save(
            actor=city.officer,
            document=document,
            title="东城兑现条款",
            amount=Decimal("5"),
            no_application=True,
            responsible_unit=city.district_a,
            conditions=[{"type": "district", "units": [city.district_a.pk, city.district_b.pk]}],
        )
    client = Client()
    client.force_login(city.district_a_user)
    assert "西城应享企业0" not in client.get(f"/library/items/{item.pk}/").content.decode()
    note = Notification.objects.get(recipient=city.district_a_user, title__contains="免申即享")
    assert "新增 1 家" in note.body
    # the unit's liaison officer sees none of the four: not told
    assert not Notification.objects.filter(recipient=city.liaison, title__contains="免申即享")
