"""Source documents: paste, upload (.txt in UTF-8/GB18030, .docx), review, edit, merge, split,
discard, confirm; and the decompose command's JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from kaifang.core.models import AuditEntry
from kaifang.supervision.models import Candidate, CandidateStatus, SourceDocument, Task

pytestmark = pytest.mark.django_db
SPEECH = Path(__file__).parent / "fixtures" / "speech-opening-up-commerce-bureau.txt"


def paste(client, text, **extra):
    data = {"title": "讲话", "kind": "speech", "date": "2026-03-15", "issuer": "王市长"}
    data.update(extra)
    if text is not None:
        data["text"] = text
    return client.post("/supervision/documents/new/", data)


def test_paste_the_speech_and_review_it_highlighted(city, client: Client):
    client.force_login(city.officer)
    response = paste(client, SPEECH.read_text(encoding="utf-8"))
    document = SourceDocument.objects.get()
    assert response["Location"] == f"/supervision/documents/{document.pk}/"
    assert "完善口岸功能" in document.text and "5、" not in document.text
    candidates = list(document.candidates.all())
    texts = [c.text for c in candidates]
    assert any("综保区获批和自贸大厦投用" in t for t in texts)
    zone = next(c for c in candidates if "综保区申建" in c.text)
    assert str(zone.deadline) == "2026-12-31"
    assert next(c for c in candidates if "商务局在优化" in c.text).lead_unit == city.bureau
    page = client.get(response["Location"]).content.decode()
    assert f'id="span-{zone.pk}" class="sv-span sv-span-proposed"' in page
    assert document.text[zone.start : zone.end] in page
    assert "style=" not in page


def test_upload_txt_in_gb18030_and_docx(city, client: Client):
    client.force_login(city.officer)
    text = "一、要加快推进综保区申建，确保年底前获批（牵头单位：示范市商务局）。"
    upload = SimpleUploadedFile("讲话.txt", text.encode("gb18030"), content_type="text/plain")
    paste(client, None, original=upload)
    document = SourceDocument.objects.get()
    assert "综保区申建" in document.text
    assert document.candidates.get().lead_unit == city.bureau
    word = docx.Document()
    word.add_paragraph("会议议定：要抓好外贸企业培育工作，6月底前完成。")
    buffer = io.BytesIO()
    word.save(buffer)
    upload = SimpleUploadedFile("纪要.docx", buffer.getvalue())
    paste(client, None, original=upload, title="纪要", kind="minutes")
    minutes = SourceDocument.objects.get(title="纪要")
    assert str(minutes.candidates.get().deadline) == "2026-06-30"
    response = paste(client, None, original=SimpleUploadedFile("x.pdf", b"%PDF"))
    assert "只支持 .txt 和 .docx" in response.content.decode()


def test_edit_merge_split_discard_confirm(city, client: Client):
    client.force_login(city.officer)
    paste(
        client,
        "一是要抓好消费升级工作。二是要培育外向型企业。三是要推进市场外迁，年内完成。"
        "四是要加快发展跨境电商和服务外包。",
    )
    first, second, third, fourth = Candidate.objects.order_by("start")
    base = "/supervision/candidates/"
    # Confirming without a lead unit is refused in Chinese.
    response = client.post(f"{base}{third.pk}/confirm/", follow=True)
    assert "请先为该候选任务指定牵头单位" in response.content.decode()
    client.post(
        f"{base}{third.pk}/edit/",
        {
            f"c{third.pk}-text": "推进中心城区市场外迁",
            f"c{third.pk}-lead_unit": city.district_a.pk,
            f"c{third.pk}-co_units": [city.customs.pk],
            f"c{third.pk}-deadline": "2026-12-31",
            f"c{third.pk}-deadline_text": "年内",
        },
    )
    client.post(f"{base}{third.pk}/confirm/", {"leader": city.leader.pk})
    task = Task.objects.get()
    assert task.title == "推进中心城区市场外迁" and task.lead_unit == city.district_a
    assert list(task.co_units.all()) == [city.customs] and task.leader == city.leader
    assert task.source_sentence and task.document_id == third.document_id
    client.post(f"{base}{first.pk}/merge/", {"other": second.pk})
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == CandidateStatus.MERGED
    assert "消费升级" in first.text and "外向型企业" in first.text
    assert first.end == second.end
    cut = fourth.text.index("和服务外包")
    client.post(f"{base}{fourth.pk}/split/", {"at": cut})
    fourth.refresh_from_db()
    twin = Candidate.objects.exclude(pk=fourth.pk).get(text__startswith="和服务外包")
    assert fourth.text.endswith("跨境电商")
    document_text = fourth.document.text
    assert document_text[twin.start : twin.end].startswith("和服务外包")
    client.post(f"{base}{twin.pk}/discard/")
    twin.refresh_from_db()
    assert twin.status == CandidateStatus.DISCARDED
    # A confirmed candidate cannot be edited again.
    response = client.post(f"{base}{third.pk}/discard/", follow=True)
    assert "已确认，不能再修改" in response.content.decode()


def test_units_cannot_decompose_or_review_candidates(city, client: Client):
    client.force_login(city.district_a_user)
    assert client.get("/supervision/documents/new/").status_code == 403
    client.force_login(city.officer)
    paste(client, "一是要抓好消费升级工作。")
    candidate = Candidate.objects.get()
    client.force_login(city.district_a_user)
    assert client.post(f"/supervision/candidates/{candidate.pk}/discard/").status_code == 403
    client.force_login(city.leader)  # leaders read everything but do not assign
    assert client.post(f"/supervision/candidates/{candidate.pk}/confirm/").status_code == 403


def test_decompose_command_prints_json(city, capsys):
    call_command("decompose", str(SPEECH), "--date", "2026-03-15", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert set(rows[0]) == {
        "text",
        "source_sentence",
        "lead_unit",
        "co_units",
        "deadline",
        "deadline_text",
        "recurring",
        "units_in_tree",
        "milestones",
        "warnings",
    }  # the original fields, the two added by issue 12, and the reviewer's warnings
    zone = next(r for r in rows if "综保区获批和自贸大厦投用" in r["text"])
    assert zone["deadline"] == "2026-12-31" and zone["deadline_text"] == "年内"
    bureau = next(r for r in rows if r["text"].startswith("商务局在优化"))
    assert bureau["lead_unit"] == "示范市商务局"  # matched from the database's unit tree
    assert all(r["deadline"] is None or len(r["deadline"]) == 10 for r in rows)


def test_a_unit_sees_only_its_own_candidates_on_the_review_page(city, client):
    from kaifang.supervision import actions
    from kaifang.supervision.models import Candidate
    from kaifang.supervision.tests.conftest import make_task

    task = make_task(city, title="东城的任务")
    Candidate.objects.create(
        document=task.document,
        text="西城的候选任务",
        source_sentence="要抓好测试工作。",
        start=0,
        end=8,
        lead_unit=city.district_b,
    )
    other = make_task(city, title="西城已交办任务", lead=city.district_b)
    Candidate.objects.filter(task=other).update(document=task.document)
    assert actions  # the tasks above went through the real actions
    client.force_login(city.district_a_user)
    page = client.get(f"/supervision/documents/{task.document_id}/").content.decode()
    assert "东城的任务" in page
    assert "西城的候选任务" not in page and "西城已交办任务" not in page
    client.force_login(city.officer)
    page = client.get(f"/supervision/documents/{task.document_id}/").content.decode()
    assert "西城的候选任务" in page


def test_a_unit_sees_no_highlight_of_another_units_candidate(city, client):
    """The highlighted text carries a candidate's id and text: only the reader's own."""
    from kaifang.supervision.models import Candidate
    from kaifang.supervision.tests.conftest import make_task

    task = make_task(city, title="东城的任务")
    task.candidates.update(order=1)
    west = Candidate.objects.create(
        document=task.document,
        text="西城的候选任务",
        source_sentence="要抓好测试工作。",
        start=0,
        end=8,
        order=0,  # first over the same span
        lead_unit=city.district_b,
    )
    client.force_login(city.district_a_user)
    page = client.get(f"/supervision/documents/{task.document_id}/").content.decode()
    assert f'id="span-{west.pk}"' not in page and "西城的候选任务" not in page
    assert f'id="span-{task.candidates.get().pk}"' in page
    client.force_login(city.officer)
    page = client.get(f"/supervision/documents/{task.document_id}/").content.decode()
    assert f'id="span-{west.pk}"' in page


def test_uploaded_original_is_downloaded_only_through_the_document_scope(
    city, client: Client, settings, tmp_path
):
    from urllib.parse import quote

    from kaifang.supervision import actions

    settings.MEDIA_ROOT = tmp_path
    raw = "一、要加快推进综保区申建，确保年底前获批（牵头单位：东城区商务局）。".encode("gb18030")
    client.force_login(city.officer)
    paste(client, None, original=SimpleUploadedFile("市长讲话 定稿.txt", raw))
    document = SourceDocument.objects.get()
    actions.task_confirm(
        actor=city.officer, candidate=document.candidates.get(), leader=city.leader
    )
    url = f"/supervision/documents/{document.pk}/original/"
    assert f'href="{url}"' in client.get(f"/supervision/documents/{document.pk}/").content.decode()
    client.force_login(city.district_a_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == raw
    assert f"filename*=utf-8''{quote('市长讲话 定稿.txt')}" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(
        action="export.document_original", actor=city.district_a_user
    ).exists()
    client.force_login(city.district_b_user)
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login")
    assert client.get(f"/media/{document.original.name}").status_code == 404


def test_pasted_document_has_no_original_to_download(city, client: Client):
    client.force_login(city.officer)
    paste(client, "一、要加快推进综保区申建，确保年底前获批。")
    document = SourceDocument.objects.get()
    assert client.get(f"/supervision/documents/{document.pk}/original/").status_code == 404


def test_a_docx_with_foreign_parts_is_refused(city, client: Client):
    from kaifang.core.tests.uploads import docx_bytes, with_member

    client.force_login(city.officer)
    raw = with_member(docx_bytes("要抓好外贸企业培育工作。"), "payload/run.bin", b"x")
    response = paste(client, None, original=SimpleUploadedFile("纪要.docx", raw))
    assert "不属于 DOCX 格式" in response.content.decode()
    assert not SourceDocument.objects.exists()


def test_review_page_asks_to_check_a_deadline_earlier_than_the_document(city, client: Client):
    client.force_login(city.officer)
    response = paste(
        client,
        "市商务局要在6月底前完成外资企业走访。各县区要在10月底前报送跨境电商企业名单。",
        date="2026-08-15",
    )
    page = client.get(response["Location"]).content.decode()
    assert page.count("截止日期早于文件日期，请核实") == 1
    assert 'value="2026-06-30"' in page  # the date as the text gives it, for the reviewer


def test_review_page_asks_to_check_a_stage_earlier_than_the_document(city, client: Client):
    """A stage (时间节点) before the document's date is flagged on the review page as the
    decomposer flags it, not only the final deadline."""
    client.force_login(city.officer)
    response = paste(
        client,
        "市商务局要抓好外贸企业培育工作，5月底前完成调研，12月底前出台扶持措施。",
        date="2026-08-15",
    )
    page = client.get(response["Location"]).content.decode()
    assert "时间节点“5月底前”早于文件日期，请核实" in page
    assert "截止日期早于文件日期" not in page
