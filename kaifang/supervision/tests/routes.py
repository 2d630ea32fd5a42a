"""Route matrix rows of supervision (documents, candidates, tasks, boards, exports)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from kaifang.core.tests.route_matrix import Route
from kaifang.supervision import actions
from kaifang.supervision.models import (
    Candidate,
    ExtensionRequest,
    ProgressReport,
    ReportAttachment,
    SourceDocument,
)

# The supervision office's own steps: district A is refused (403), district B never sees it.
OFFICE = {"leader": 403, "district_a": 403, "district_b": 403, "liaison": 403, "park": 403}
# The office's steps on a document: refused before the record is even looked up, so the
# answer (403) is the same whether the record exists or not.
OFFICE_POST = {"district_b": 403, "liaison": 403, "park": 403}


def make(city: Any) -> dict[str, Any]:
    document = SourceDocument.objects.create(
        title="矩阵东城督办讲话",
        kind="speech",
        date=dt.date(2026, 3, 15),
        text="要抓好矩阵测试工作。要做好第二件事。",
        created_by=city.officer,
    )
    document.original.save("speech.txt", ContentFile("要抓好矩阵测试工作。".encode()), save=False)
    document.original_name = "讲话.txt"
    document.save()
    first = Candidate.objects.create(
        document=document,
        text="抓好矩阵测试工作",
        source_sentence="要抓好矩阵测试工作。",
        start=0,
        end=10,
        lead_unit=city.district_a,
        deadline=dt.date(2026, 12, 31),
    )
    spare = Candidate.objects.create(
        document=document,
        text="做好第二件事",
        source_sentence="要做好第二件事。",
        start=10,
        end=18,
        lead_unit=city.district_a,
        deadline=dt.date(2026, 12, 31),
    )
    task = actions.task_confirm(actor=city.officer, candidate=first, leader=city.leader)
    task.title = "矩阵东城督办事项"
    task.save(update_fields=["title"])
    milestone = actions.milestone_add(
        actor=city.officer, task=task, title="矩阵节点", due=dt.date(2026, 11, 30)
    )
    report = ProgressReport.objects.create(
        task=task,
        author=city.district_a_user,
        text="进展",
        percent=10,
        reported_on=dt.date(2026, 11, 1),
    )
    attachment = ReportAttachment(
        report=report, name="进展.pdf", size=4, content_type="application/pdf"
    )
    attachment.file.save("matrix.pdf", ContentFile(b"%PDF"), save=True)
    extension = ExtensionRequest.objects.create(
        task=task,
        requested_by=city.district_a_user,
        reason="矩阵延期",
        requested_deadline=dt.date(2027, 3, 31),
        previous_deadline=task.deadline,
    )
    return {
        "document_a": document,
        "candidate_a": spare,
        "task_a": task,
        "milestone_a": milestone,
        "report_attachment_a": attachment,
        "extension_a": extension,
    }


ROUTES = [
    Route("supervision:task_list", hides="task_a"),
    Route("core:search", query={"q": "矩阵东城督办"}, hides="task_a"),
    Route("supervision:task_export", kwargs={"fmt": "xlsx"}, hides="task_a"),
    Route("supervision:task_export", kwargs={"fmt": "docx"}, hides="task_a"),
    Route("supervision:boards", hides="document_a"),
    Route("supervision:summary", method="POST"),
    Route("supervision:enterprise_search", query={"enterprise_q": "矩阵"}),
    Route("supervision:document_list", hides="document_a", expect={"district_a": 200}),
    Route("supervision:document_create", expect=OFFICE),
    Route("supervision:document_review", kwargs={"pk": "document_a"}),
    Route("supervision:document_original", kwargs={"pk": "document_a"}),
    Route(
        "supervision:document_decompose",
        expect=OFFICE_POST,
        kwargs={"pk": "document_a"},
        method="POST",
    ),
    Route(
        "supervision:candidate_edit",
        expect=OFFICE_POST,
        kwargs={"pk": "candidate_a"},
        method="POST",
    ),
    Route(
        "supervision:candidate_merge",
        expect=OFFICE_POST,
        kwargs={"pk": "candidate_a"},
        method="POST",
    ),
    Route(
        "supervision:candidate_split",
        expect=OFFICE_POST,
        kwargs={"pk": "candidate_a"},
        method="POST",
    ),
    Route(
        "supervision:candidate_discard",
        expect=OFFICE_POST,
        kwargs={"pk": "candidate_a"},
        method="POST",
    ),
    Route(
        "supervision:candidate_confirm",
        expect=OFFICE_POST,
        kwargs={"pk": "candidate_a"},
        method="POST",
    ),
    Route(
        "supervision:candidate_unit_map",
        expect=OFFICE_POST,
        kwargs={"pk": "candidate_a"},
        method="POST",
    ),
    Route("supervision:task_detail", kwargs={"pk": "task_a"}),
    Route(
        "supervision:task_edit",
        kwargs={"pk": "task_a"},
        expect={**OFFICE, "district_b": 404, "liaison": 404, "park": 404},
    ),
    Route("supervision:task_sign", kwargs={"pk": "task_a"}, method="POST"),
    Route("supervision:task_report", kwargs={"pk": "task_a"}, method="POST"),
    Route("supervision:task_request_completion", kwargs={"pk": "task_a"}, method="POST"),
    Route("supervision:task_accept", kwargs={"pk": "task_a"}, method="POST"),
    Route("supervision:task_return", kwargs={"pk": "task_a"}, method="POST"),
    Route("supervision:milestone_create", kwargs={"pk": "task_a"}, method="POST"),
    Route(
        "supervision:milestone_done",
        kwargs={"pk": "task_a", "milestone_pk": "milestone_a"},
        method="POST",
    ),
    Route("supervision:extension_create", kwargs={"pk": "task_a"}, method="POST"),
    Route(
        "supervision:extension_decide",
        kwargs={"pk": "extension_a", "decision": "approve"},
        method="POST",
    ),
    Route("supervision:attachment_download", kwargs={"pk": "report_attachment_a"}),
]
