"""The API's register filters offer what the page's do: a person outside the caller's scope
is no valid `liaison`, whether or not he is anyone's liaison officer (found by the scope audit,
session 37: 200 against 422 told the two apart)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kaifang.core.tests.factories import UserFactory
from kaifang.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_another_districts_liaison_officer_is_no_valid_filter(city: Any) -> None:
    officer_a = UserFactory(username="liaison_a2", unit=city.district_a)
    EnterpriseFactory(name="东城另一家", district=city.district_a, liaison=officer_a)
    nobody = UserFactory(username="nobody_a", unit=city.district_a)
    client = Client()
    client.force_login(city.district_b_user)
    hit = client.get(f"/api/v1/enterprises?liaison={officer_a.pk}")
    miss = client.get(f"/api/v1/enterprises?liaison={nobody.pk}")
    assert hit.status_code == miss.status_code == 422
