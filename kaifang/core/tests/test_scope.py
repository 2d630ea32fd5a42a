"""The scope gate: what each persona sees of the unit tree, by list and by guessed URL."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client

from kaifang.core.models import DataScope, Unit
from kaifang.core.scope import effective_scope, get_for_user, visible_to
from kaifang.core.tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def test_district_user_sees_own_unit_and_below_only(city):
    visible = set(visible_to(Unit.objects.all(), city.district_a_user))
    assert visible == {city.district_a, city.district_a_park}


def test_district_user_gets_404_for_other_district_by_guessed_url(city, client: Client):
    client.force_login(city.district_a_user)
    assert client.get(f"/units/{city.district_b.pk}/").status_code == 404
    assert client.get(f"/units/{city.district_a_park.pk}/").status_code == 200


def test_get_for_user_raises_404_outside_scope(city):
    with pytest.raises(Http404):
        get_for_user(Unit.objects.all(), city.district_a_user, city.district_b.pk)
    with pytest.raises(Http404):
        get_for_user(Unit.objects.all(), city.district_a_user, "not-a-number")


def test_leader_sees_all(city):
    assert visible_to(Unit.objects.all(), city.leader).count() == Unit.objects.count()


def test_anonymous_sees_nothing(city):
    from django.contrib.auth.models import AnonymousUser

    assert visible_to(Unit.objects.all(), AnonymousUser()).count() == 0


def test_several_roles_union_and_widest_is_stated(city):
    chosen = RoleFactory(code="watch_b", name="关注西城", data_scope=DataScope.CHOSEN)
    chosen.chosen_units.set([city.district_b])
    city.district_a_user.roles.add(chosen)
    user = type(city.district_a_user).objects.get(pk=city.district_a_user.pk)
    scope = effective_scope(user)
    assert scope.widest == DataScope.UNIT_AND_BELOW
    assert scope.unit_ids == {city.district_a.pk, city.district_a_park.pk, city.district_b.pk}
    assert any("指定单位 西城区商务局" in reason for reason in scope.reasons)


def test_self_scope_sees_no_units(city):
    assert visible_to(Unit.objects.all(), city.liaison).count() == 0


def test_profile_page_states_effective_scope(city, client: Client):
    client.force_login(city.district_a_user)
    page = client.get("/profile/").content.decode()
    assert "有效数据范围" in page
    assert "本单位及以下" in page
    assert "东城区商务局" in page
