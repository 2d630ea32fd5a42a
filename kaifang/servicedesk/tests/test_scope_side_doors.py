"""Issue 9: the scope gate held on direct URLs; these are the side doors where a form or a
related record showed what the gate hides. Each test failed on the code before the fix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kaifang.core.models import RoleCode
from kaifang.core.tests.factories import UserFactory
from kaifang.servicedesk import actions, selectors
from kaifang.servicedesk.models import Appeal, Category, Source, Visit, VisitTarget

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _appeal_post(firm, **extra):
    return {
        "enterprise_name": "随便写的名称",
        "uscc": firm.uscc,
        "category": Category.CUSTOMS,
        "description": "出口货物通关查验时间过长，影响交货期，希望协调海关加快查验。",
        "contact_name": "王经理",
        "contact_phone": "13800000000",
        "source": Source.PHONE,
        "priority": "normal",
        **extra,
    }


# --- The staff appeal form is not a lookup of the register --------------------------------


def test_district_cannot_register_an_appeal_for_another_districts_enterprise(city, firm_b):
    response = _client(city.district_a_user).post(
        reverse("servicedesk:appeal_new"), _appeal_post(firm_b)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "不在您的数据范围内" in body
    assert firm_b.name not in body
    assert not Appeal.objects.exists()


def test_duplicate_hint_compares_only_within_the_users_scope(city, firm, make_appeal):
    earlier = make_appeal(firm, actor=city.officer)
    later = make_appeal(firm, actor=city.officer)
    # The office sees both; district B's user sees neither, so for them there is no hint.
    assert selectors.find_duplicate(later, viewer=city.officer)[0] == earlier
    assert selectors.find_duplicate(later, viewer=city.district_b_user) == (None, 0.0)


def test_appeal_page_names_the_duplicate_only_to_whom_may_open_it(city, firm, make_appeal):
    earlier = make_appeal(firm, actor=city.officer)
    later = make_appeal(firm, actor=city.officer)
    assert later.duplicate_of_id == earlier.pk
    # The later appeal is routed to district B (it handles it); the earlier one is not theirs.
    Appeal.objects.filter(pk=later.pk).update(unit=city.district_b)
    Appeal.objects.filter(pk=earlier.pk).update(unit=city.district_a)
    firm.district = city.district_a
    firm.save()
    page = _client(city.district_b_user).get(reverse("servicedesk:appeal_detail", args=[later.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert earlier.tracking_code not in body
    assert "与该企业另一件在办诉求相似" in body
    office = _client(city.officer).get(reverse("servicedesk:appeal_detail", args=[later.pk]))
    assert earlier.tracking_code in office.content.decode()


def test_duplicate_event_never_names_the_other_tracking_code(city, firm, make_appeal):
    first = make_appeal(firm, actor=city.officer)
    second = make_appeal(firm, actor=city.officer)
    assert second.duplicate_of_id == first.pk
    texts = " ".join(second.events.values_list("text", flat=True))
    assert first.tracking_code not in texts
    assert "相似度" in texts


def test_new_enterprise_from_a_district_appeal_stays_in_that_district(city):
    from kaifang.core.lib.uscc import synthetic_uscc

    appeal = actions.appeal_create(
        actor=city.district_a_user,
        enterprise_name="新登记的东城企业有限公司",
        uscc=synthetic_uscc(99123),
        category=Category.CUSTOMS,
        description="出口货物通关查验时间过长，影响交货期，希望协调海关加快查验。",
        source=Source.PHONE,
    )
    assert appeal.enterprise.district_id == city.district_a.pk
    page = _client(city.district_a_user).get(
        reverse("enterprises:detail", args=[appeal.enterprise_id])
    )
    assert page.status_code == 200


# --- Visits are scoped like their enterprise -------------------------------------------------


@pytest.fixture
def visit_b(city, firm_b):
    """District A's user once visited district B's firm (e.g. before it moved): district A's
    other staff must not read it; the author still may."""
    author = UserFactory(username="a_author", unit=city.district_a)
    return Visit.objects.create(
        enterprise=firm_b,
        visited_on=TODAY,
        unit=city.district_a,
        enterprise_said="企业反映订单下滑三成",
        problems="资金周转困难",
        created_by=author,
    )


def test_visit_to_another_districts_enterprise_is_hidden_from_the_visiting_unit(city, visit_b):
    client = _client(city.district_a_user)
    assert client.get(reverse("servicedesk:visit_detail", args=[visit_b.pk])).status_code == 404
    listing = client.get(reverse("servicedesk:visit_list")).content.decode()
    assert "企业反映订单下滑三成" not in listing and visit_b.enterprise.name not in listing
    forged = client.post(
        reverse("servicedesk:visit_to_appeal", args=[visit_b.pk]),
        {"category": Category.FINANCE, "description": "资金周转困难，希望协调银行贷款。"},
    )
    assert forged.status_code == 404
    assert not Appeal.objects.exists()


def test_visit_stays_visible_to_its_author_and_the_enterprises_district(city, visit_b):
    assert (
        _client(visit_b.created_by)
        .get(reverse("servicedesk:visit_detail", args=[visit_b.pk]))
        .status_code
        == 200
    )
    assert (
        _client(city.district_b_user)
        .get(reverse("servicedesk:visit_detail", args=[visit_b.pk]))
        .status_code
        == 200
    )


# --- Pickers of people and the liaison roster ------------------------------------------------


def test_visit_form_offers_only_colleagues_and_the_server_refuses_others(city, firm):
    client = _client(city.district_a_user)
    page = client.get(reverse("servicedesk:visit_new", args=[firm.pk])).content.decode()
    assert city.district_b_user.display_name not in page
    assert "按住 Ctrl" not in page
    # The colleagues are offered as boxes to tick (the widget once rendered no box at all).
    assert f'type="checkbox" name="officers" value="{city.liaison.pk}"' in page
    assert f'value="{city.district_a_user.pk}"' in page
    saved = client.post(
        reverse("servicedesk:visit_new", args=[firm.pk]),
        {"visited_on": "2026-11-20", "officers": [city.liaison.pk], "enterprise_said": "正常"},
    )
    assert saved.status_code == 302
    assert list(Visit.objects.get().officers.all()) == [city.liaison]
    Visit.objects.all().delete()
    response = client.post(
        reverse("servicedesk:visit_new", args=[firm.pk]),
        {
            "visited_on": "2026-11-20",
            "officers": [city.district_a_user.pk, city.district_b_user.pk],
            "enterprise_said": "一切正常",
        },
    )
    assert response.status_code == 200 and not Visit.objects.exists()
    with pytest.raises(ValidationError):
        actions.visit_create(
            actor=city.district_a_user,
            enterprise=firm,
            visited_on=TODAY,
            officers=[city.district_b_user],
        )


def test_roster_shows_and_plans_only_the_users_own_officers(city, firm):
    outsider = UserFactory(username="b_liaison", unit=city.district_b, full_name="西城包联干部甲")
    outsider.roles.add(*city.liaison.roles.filter(code=RoleCode.LIAISON))
    # The office made district B's officer the liaison of district A's firm.
    firm.liaison = outsider
    firm.save()
    client = _client(city.district_a_user)
    page = client.get(reverse("servicedesk:roster")).content.decode()
    progress = page[page.index('id="visit-progress"') : page.index('id="roster-by-officer"')]
    coverage = page[page.index('id="idle-officers"') : page.index('id="visit-progress"')]
    assert "西城包联干部甲" not in progress
    assert "西城包联干部甲" not in coverage
    response = client.post(
        reverse("servicedesk:set_target"),
        {"officer": outsider.pk, "year": 2026, "quarter": 4, "target": 9},
    )
    assert response.status_code == 302
    assert not VisitTarget.objects.filter(officer=outsider).exists()
    with pytest.raises(ValidationError):
        actions.visit_target_set(
            actor=city.district_a_user, officer=outsider, year=2026, quarter=4, target=9
        )
    # The office, which sees the city, still plans any officer.
    actions.visit_target_set(actor=city.officer, officer=outsider, year=2026, quarter=4, target=9)
    assert VisitTarget.objects.filter(officer=outsider, target=9).exists()


def test_bulk_assign_refuses_an_officer_of_another_unit(city, firm):
    with pytest.raises(ValidationError):
        actions.liaison_assign(
            actor=city.district_a_user, enterprises=[firm], officer=city.district_b_user
        )
    firm.refresh_from_db()
    assert firm.liaison_id is None


def test_the_author_reads_his_visit_without_a_dead_link_to_a_firm_outside_his_scope(city, visit_b):
    """The author still reads the visit, but the firm's profile would answer 404 to him: its
    name is shown without a link, on the visit and in the list; its district gets the link."""
    firm_url = reverse("enterprises:detail", args=[visit_b.enterprise_id])
    author = _client(visit_b.created_by)
    assert author.get(firm_url).status_code == 404
    detail = author.get(reverse("servicedesk:visit_detail", args=[visit_b.pk])).content.decode()
    listing = author.get(reverse("servicedesk:visit_list")).content.decode()
    for page in (detail, listing):
        assert visit_b.enterprise.name in page and f'href="{firm_url}"' not in page
    district_b = _client(city.district_b_user)
    detail = district_b.get(reverse("servicedesk:visit_detail", args=[visit_b.pk]))
    assert f'href="{firm_url}"' in detail.content.decode()
