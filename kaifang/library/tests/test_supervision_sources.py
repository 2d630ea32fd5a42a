"""Supervision's source documents are searchable and readable in the library without being
stored twice (the index only), within supervision's own scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from kaifang.library.actions import index_supervision
from kaifang.library.models import Document, SearchEntry
from kaifang.library.selectors import search_documents

pytestmark = pytest.mark.django_db


@pytest.fixture
def speech(city):
    model = apps.get_model("supervision", "SourceDocument")
    return model.objects.create(
        title="在全市对外开放工作会议上的讲话",
        kind="speech",
        date=dt.date(2026, 3, 1),
        issuer="王示范",
        text="一、关于中亚班列\n要加密中亚班列开行频次。\n二、关于综保区\n年内完成申建。",
        created_by=city.officer,
    )


def test_indexed_not_copied_and_scoped(city, speech, client: Client):
    assert index_supervision() == 1
    assert Document.objects.count() == 0  # no copy in the library's table
    entry = SearchEntry.objects.get(source="supervision")
    assert entry.object_id == speech.pk
    found = search_documents(user=city.officer, query="班列")
    assert [r.title for r in found.results] == ["在全市对外开放工作会议上的讲话"]
    assert found.results[0].url == reverse("library:source_read", args=[speech.pk])
    assert search_documents(user=city.district_b_user, query="班列").total == 0
    client.force_login(city.officer)
    page = client.get(reverse("library:source_read", args=[speech.pk])).content.decode()
    assert 'id="p1"' in page and "中亚班列" in page
    client.force_login(city.district_b_user)
    assert client.get(reverse("library:source_read", args=[speech.pk])).status_code == 404


def test_changes_and_deletions_follow(city, speech):
    index_supervision()
    speech.text = "要推动跨境电商发展。"
    speech.save()
    index_supervision()
    assert search_documents(user=city.officer, query="班列").total == 0
    assert search_documents(user=city.officer, query="跨境电商").total == 1
    speech.delete()
    index_supervision()
    assert SearchEntry.objects.filter(source="supervision").count() == 0
    assert search_documents(user=city.officer, query="跨境电商").total == 0


def test_a_saved_source_document_is_indexed_at_commit(city, django_capture_on_commit_callbacks):
    model = apps.get_model("supervision", "SourceDocument")
    with django_capture_on_commit_callbacks(execute=True):
        doc = model.objects.create(
            title="局长办公会纪要",
            kind="minutes",
            date=dt.date(2026, 4, 1),
            text="研究服务外包工作。",
        )
    assert search_documents(user=city.officer, query="服务外包").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        doc.delete()
    assert search_documents(user=city.officer, query="服务外包").total == 0
