"""Creating a source document proposes its candidates in the same transaction: a failure part
way through decomposition leaves no document, no candidate, no audit entry and no stored file,
so submitting again makes one document, not a duplicate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaifang.core.models import AuditEntry
from kaifang.supervision import actions
from kaifang.supervision.models import Candidate, DocumentStatus, SourceDocument

pytestmark = pytest.mark.django_db

TEXT = (
    "一、要加快推进综保区申建，确保年底前获批（牵头单位：示范市商务局）。\n"
    "二、要抓好外贸企业培育工作，6月底前完成（牵头单位：东城区商务局）。\n"
)


def _submit(client: Client):
    upload = SimpleUploadedFile("局长办公会纪要.txt", TEXT.encode("gb18030"))
    data = {"title": "纪要", "kind": "minutes", "date": "2026-03-15", "original": upload}
    return client.post("/supervision/documents/new/", data)


def _fail_on_second_candidate(monkeypatch):
    real_create = Candidate.objects.create
    calls = []

    def create(**fields):
        calls.append(fields)
        if len(calls) == 2:
            raise RuntimeError("decomposition broke half way")
        return real_create(**fields)

    monkeypatch.setattr(Candidate.objects, "create", create)
    return calls


def test_failed_decomposition_leaves_nothing_behind(
    city, client: Client, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(city.officer)
    calls = _fail_on_second_candidate(monkeypatch)
    with pytest.raises(RuntimeError):
        _submit(client)
    monkeypatch.undo()
    assert len(calls) == 2  # one candidate had been written before the failure
    assert not SourceDocument.objects.exists()
    assert not Candidate.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="supervision.document").exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    # Submitting again gives one document, in review, with both candidates.
    response = _submit(client)
    document = SourceDocument.objects.get()
    assert response["Location"] == f"/supervision/documents/{document.pk}/"
    assert document.status == DocumentStatus.REVIEW
    assert document.candidates.count() == 2
    assert document.original_name == "局长办公会纪要.txt"
    assert (tmp_path / document.original.name).read_bytes() == TEXT.encode("gb18030")


def test_created_document_is_in_review_with_its_candidates(city):
    document = actions.document_create(
        actor=city.officer, title="讲话", kind="speech", date=dt.date(2026, 3, 15), text=TEXT
    )
    assert document.status == DocumentStatus.REVIEW
    assert [c.lead_unit for c in document.candidates.order_by("order")] == [
        city.bureau,
        city.district_a,
    ]
    assert sorted(
        AuditEntry.objects.filter(object_id=str(document.pk)).values_list("action", flat=True)
    ) == ["supervision.document.create", "supervision.document.decompose"]
