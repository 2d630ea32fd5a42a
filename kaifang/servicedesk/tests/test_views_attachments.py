"""Appeal attachments: downloaded only through the appeal's scope gate, under their Chinese
name, stored under a random name, never served by a /media/ URL, and never reachable from the
public pages an enterprise uses."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core.cache import cache

from kaifang.core.models import AuditEntry
from kaifang.servicedesk.uploads import Upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME = "通关查验说明.pdf"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def appeal(firm, make_appeal):
    upload = Upload(name=NAME, content=PDF, content_type="application/pdf")
    return make_appeal(firm, attachments=[upload])


def _url(appeal):
    attachment = appeal.attachments.get()
    return f"/servicedesk/appeals/{appeal.pk}/attachments/{attachment.pk}/"


def test_in_scope_user_downloads_the_bytes_under_the_chinese_name(client, city, appeal):
    client.force_login(city.district_a_user)
    page = client.get(f"/servicedesk/appeals/{appeal.pk}/").content.decode()
    assert f'href="{_url(appeal)}"' in page
    response = client.get(_url(appeal))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(NAME)}" in disposition
    assert response["Content-Type"] == "application/pdf"
    entry = AuditEntry.objects.get(action="export.appeal_attachment")
    assert entry.actor == city.district_a_user and entry.object_id == str(appeal.pk)


def test_out_of_scope_user_gets_404_and_anonymous_goes_to_login(client, city, appeal):
    url = _url(appeal)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login")
    client.force_login(city.district_b_user)
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="export.appeal_attachment").exists()


def test_attachment_of_another_appeal_is_not_reachable_through_a_visible_one(
    client, city, firm, firm_b, make_appeal, appeal
):
    other = make_appeal(
        firm_b, attachments=[Upload(name="西城.pdf", content=PDF, content_type="application/pdf")]
    )
    foreign = other.attachments.get()
    client.force_login(city.district_a_user)
    response = client.get(f"/servicedesk/appeals/{appeal.pk}/attachments/{foreign.pk}/")
    assert response.status_code == 404


def test_stored_under_a_random_name_and_not_served_by_url(client, city, appeal, settings):
    attachment = appeal.attachments.get()
    stored = attachment.file.name
    assert re.fullmatch(r"servicedesk/appeals/[0-9a-f]{32}\.pdf", stored)
    assert (settings.MEDIA_ROOT / stored).read_bytes() == PDF
    client.force_login(city.admin)
    assert client.get(f"/media/{stored}").status_code == 404
    assert client.get(f"{settings.MEDIA_URL}{stored}").status_code == 404


def test_public_pages_show_no_file_of_any_appeal(client, city, appeal, db):
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    cache.clear()
    stored = appeal.attachments.get().file.name
    page = client.get(f"/service/track/{appeal.tracking_code}/").content.decode()
    assert page.count(appeal.tracking_code) >= 1
    assert NAME not in page and stored not in page and "/attachments/" not in page
    # The staff download is behind the login, whatever the visitor knows.
    assert client.get(_url(appeal)).status_code == 302
    assert client.get(f"/media/{stored}").status_code == 404
