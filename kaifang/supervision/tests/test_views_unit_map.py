"""Units as written on the review page: a phrase the unit tree does not know is shown as such,
and the office maps it to a unit (kept as an alias, so the next decomposition matches it) or
creates the unit; audited; only the office may."""

from __future__ import annotations

import pytest
from django.test import Client

from kaifang.core.models import AuditEntry, Unit
from kaifang.supervision import actions
from kaifang.supervision.models import Candidate, SourceDocument

pytestmark = pytest.mark.django_db

TEXT = (
    "推进中欧班列集结中心建设，年底前开行300列。"
    "（牵头单位：市口岸和物流办公室；配合单位：州行政审批服务局、各县区商务局）\n"
    "完善口岸功能，9月底前完成指定监管场地验收。（牵头单位：市口岸和物流办公室）"
)


def paste(client: Client) -> SourceDocument:
    client.post(
        "/supervision/documents/new/",
        {"title": "口岸工作安排", "kind": "plan", "date": "2026-03-15", "text": TEXT},
    )
    return SourceDocument.objects.get(title="口岸工作安排")


def test_unmatched_phrases_are_shown_and_never_matched_wrongly(city, client: Client):
    assert Unit.objects.filter(name="办公室").exists()  # the bureau's own office is in the tree
    client.force_login(city.officer)
    document = paste(client)
    first, second = document.candidates.order_by("start")
    # 市口岸和物流办公室 is not the bureau's 办公室; 各县区商务局 is not 市商务局.
    assert first.lead_unit is None and first.lead_unit_text == "市口岸和物流办公室"
    assert list(first.co_units.all()) == []
    assert actions.unmatched_phrases(first) == [
        "市口岸和物流办公室",
        "州行政审批服务局",
        "各县区商务局",
    ]
    page = client.get(f"/supervision/documents/{document.pk}/").content.decode()
    assert page.count('class="tag tag-yellow sv-unmatched-phrase"') == 4
    assert 'name="phrase" value="州行政审批服务局"' in page
    assert second.pk and "map-unit" in page


def test_map_to_an_existing_unit_keeps_an_alias_the_next_decomposition_uses(city, client: Client):
    port = Unit.objects.create(name="示范市口岸办", kind="department", aliases="口岸办")
    client.force_login(city.officer)
    document = paste(client)
    first, second = document.candidates.order_by("start")
    response = client.post(
        f"/supervision/candidates/{first.pk}/map-unit/",
        {"phrase": "市口岸和物流办公室", "unit": port.pk},
    )
    assert response.status_code == 302
    port.refresh_from_db()
    assert port.alias_list() == ["口岸办", "市口岸和物流办公室"]
    # Both candidates of the document that wrote the phrase now have the unit.
    assert Candidate.objects.get(pk=first.pk).lead_unit == port
    assert Candidate.objects.get(pk=second.pk).lead_unit == port
    entry = AuditEntry.objects.get(action="unit.alias.add")
    assert entry.actor == city.officer and entry.changes["alias"] == "市口岸和物流办公室"
    assert AuditEntry.objects.filter(action="supervision.candidate.unit_map").count() == 1
    # The next decomposition matches the phrase through the alias.
    client.post(f"/supervision/documents/{document.pk}/decompose/")
    redone = document.candidates.order_by("start").first()
    assert redone is not None and redone.lead_unit == port


def test_create_the_unit_from_a_phrase(city, client: Client):
    client.force_login(city.officer)
    document = paste(client)
    first = document.candidates.order_by("start").first()
    assert first is not None
    client.post(
        f"/supervision/candidates/{first.pk}/map-unit/",
        {"phrase": "州行政审批服务局", "create": "1"},
    )
    unit = Unit.objects.get(name="州行政审批服务局")
    assert unit in first.co_units.all()
    assert "州行政审批服务局" not in actions.unmatched_phrases(first)
    assert AuditEntry.objects.filter(action="unit.create", object_repr=unit.name).exists()


def test_a_phrase_the_candidate_did_not_write_is_refused(city, client: Client):
    client.force_login(city.officer)
    document = paste(client)
    first = document.candidates.order_by("start").first()
    assert first is not None
    response = client.post(
        f"/supervision/candidates/{first.pk}/map-unit/",
        {"phrase": "示范市商务局", "unit": city.bureau.pk},
        follow=True,
    )
    assert "不在此候选任务的未匹配单位中" in response.content.decode()
    city.bureau.refresh_from_db()
    assert "示范市商务局" not in city.bureau.alias_list()


def test_only_the_office_may_map_and_anonymous_goes_to_login(city, client: Client):
    client.force_login(city.officer)
    document = paste(client)
    first = document.candidates.order_by("start").first()
    assert first is not None
    url = f"/supervision/candidates/{first.pk}/map-unit/"
    data = {"phrase": "州行政审批服务局", "create": "1"}
    for persona in (city.district_a_user, city.district_b_user, city.leader):
        client.force_login(persona)
        assert client.post(url, data).status_code == 403
    client.logout()
    response = client.post(url, data)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Unit.objects.filter(name="州行政审批服务局").exists()
    # A guessed id that does not exist is a 404 for the office.
    client.force_login(city.officer)
    assert client.post("/supervision/candidates/999999/map-unit/", data).status_code == 404
