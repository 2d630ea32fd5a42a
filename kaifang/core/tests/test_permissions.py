"""The one permission vocabulary (core/permissions.py) and the menu built from it."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from kaifang.core import permissions
from kaifang.core.navigation import menu_for
from kaifang.core.permissions import Cap
from kaifang.core.scope import people_visible_to

pytestmark = pytest.mark.django_db


def test_capabilities_of_each_persona(city):
    caps = permissions.capabilities
    assert caps(city.leader) >= {Cap.LEAD, Cap.SEE_CITY, Cap.APPROVE}
    assert Cap.WRITE not in caps(city.leader) and Cap.IMPORT not in caps(city.leader)
    assert caps(city.officer) >= {Cap.WRITE, Cap.SEE_CITY, Cap.OFFICE, Cap.SUPERVISE, Cap.IMPORT}
    assert Cap.ADMINISTER not in caps(city.officer)
    assert caps(city.district_a_user) == {Cap.WRITE, Cap.ASSIGN, Cap.REGISTER}
    assert caps(city.liaison) == {Cap.WRITE}
    assert Cap.ADMINISTER in caps(city.admin)


def test_holders_find_the_people_a_function_notifies(city):
    assert set(permissions.holders(Cap.LEAD)) >= {city.leader}
    supervisors = set(permissions.holders(Cap.SUPERVISE))
    assert city.officer in supervisors and city.leader not in supervisors
    assert city.district_a_user not in supervisors


def test_require_refuses_in_chinese(city):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="数据导入"):
        permissions.require(city.district_a_user, Cap.IMPORT)


def test_people_are_scoped_to_the_users_units(city):
    seen = set(people_visible_to(city.district_a_user))
    assert city.liaison in seen and city.district_a_user in seen
    assert city.district_b_user not in seen and city.officer not in seen
    assert city.district_b_user in set(people_visible_to(city.officer))
    # A liaison officer (own records only) still sees the colleagues of their unit.
    assert city.district_a_user in set(people_visible_to(city.liaison))


@pytest.mark.parametrize(
    "persona", ["leader", "officer", "district_a_user", "district_b_user", "liaison", "admin"]
)
def test_every_menu_entry_opens_for_its_user(city, persona):
    user = getattr(city, persona)
    request = RequestFactory().get("/")
    request.user = user
    client = Client()
    client.force_login(user)
    for item in menu_for(request):
        response = client.get(str(item["url"]))
        assert response.status_code == 200, (persona, item["label"], response.status_code)


def test_import_is_in_the_menu_only_for_those_who_may_import(city):
    def labels(user):
        request = RequestFactory().get("/")
        request.user = user
        return [item["label"] for item in menu_for(request)]

    assert "数据导入" in labels(city.officer)
    assert "数据导入" not in labels(city.district_a_user)
    assert "数据导入" not in labels(city.leader)
