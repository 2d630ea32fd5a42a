"""Issue 9: the register's forms were side doors — the liaison picker offered the whole city
(and choosing someone handed them the enterprise), and district and park took any unit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kaifang.enterprises import actions
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_edit_form_offers_only_people_and_units_of_the_users_scope(city):
    firm = EnterpriseFactory(name="东城精密机械有限公司", district=city.district_a)
    page = _client(city.district_a_user).get(reverse("enterprises:edit", args=[firm.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert city.district_b_user.display_name not in body
    assert city.district_b.name not in body
    assert city.district_a.name in body


def test_a_forged_liaison_from_another_district_is_refused(city):
    firm = EnterpriseFactory(name="东城精密机械有限公司", district=city.district_a)
    response = _client(city.district_a_user).post(
        reverse("enterprises:edit", args=[firm.pk]),
        {
            "name": firm.name,
            "district": city.district_a.pk,
            "liaison": city.district_b_user.pk,
            "status": firm.status,
        },
    )
    assert response.status_code == 200
    firm.refresh_from_db()
    assert firm.liaison_id is None
    with pytest.raises(ValidationError) as error:
        actions.enterprise_update(
            actor=city.district_a_user, enterprise=firm, liaison=city.district_b_user
        )
    assert "liaison" in error.value.message_dict
    firm.refresh_from_db()
    assert firm.liaison_id is None


def test_a_forged_district_on_create_is_refused(city):
    response = _client(city.district_a_user).post(
        reverse("enterprises:create"),
        {"name": "跨区登记的企业有限公司", "district": city.district_b.pk, "status": "active"},
    )
    assert response.status_code == 200
    assert not Enterprise.objects.filter(name="跨区登记的企业有限公司").exists()


def test_moving_an_enterprise_out_of_scope_is_refused_but_keeping_it_is_not(city):
    firm = EnterpriseFactory(name="东城精密机械有限公司", district=city.district_a)
    with pytest.raises(ValidationError):
        actions.enterprise_update(
            actor=city.district_a_user, enterprise=firm, district=city.district_b
        )
    # An edit that leaves the district as it is passes, whatever the actor's scope.
    actions.enterprise_update(
        actor=city.district_a_user, enterprise=firm, district=city.district_a, name="东城精密"
    )
    firm.refresh_from_db()
    assert firm.name == "东城精密" and firm.district_id == city.district_a.pk


def test_the_office_may_assign_anyone_and_place_anywhere(city):
    firm = actions.enterprise_create(
        actor=city.officer, name="市局登记的企业有限公司", district=city.district_b
    )
    actions.enterprise_update(actor=city.officer, enterprise=firm, liaison=city.district_b_user)
    firm.refresh_from_db()
    assert firm.liaison_id == city.district_b_user.pk


def test_filter_options_do_not_list_other_districts(city):
    body = _client(city.district_a_user).get(reverse("enterprises:list")).content.decode()
    assert city.district_b.name not in body
