"""Source documents and the review of their candidates (the office's work)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaifang.core import audit
from kaifang.core.lib.downloads import file_download
from kaifang.core.lib.requests import current_user
from kaifang.core.scope import get_for_user, visible_to
from kaifang.supervision import actions, selectors
from kaifang.supervision.decompose.deadlines import deadline_warnings
from kaifang.supervision.forms import (
    CandidateForm,
    ConfirmForm,
    DocumentForm,
    MergeForm,
    SplitForm,
    UnitMapForm,
    unit_choices,
)
from kaifang.supervision.models import Candidate, CandidateStatus, Task
from kaifang.supervision.permissions import is_supervisor
from kaifang.supervision.views.common import attempt, form_errors, refusal


def _office(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise PermissionDenied("只有督查部门（办公室）可以分解来源文件。")


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    documents = selectors.documents_visible(user=request.user)
    page = Paginator(documents, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/document_list.html",
        {"page": page, "can_create": is_supervisor(request.user)},
    )


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    _office(request)
    user = current_user(request)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = actions.document_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, refusal(error))
        else:
            count = document.candidates.count()
            messages.success(request, f"已分解出 {count} 条候选任务，请逐条审核。")
            return redirect("supervision:document_review", pk=document.pk)
    return render(request, "supervision/document_form.html", {"form": form})


def _stages(candidate: Candidate) -> list[tuple[dt.date | None, str]]:
    """The stored stages before the final deadline (the last stage is the deadline itself),
    as the decomposer warned of them, so the review page asks about the same dates."""
    return [
        (dt.date.fromisoformat(m["deadline"]) if m.get("deadline") else None, m["deadline_text"])
        for m in candidate.milestones[:-1]
    ]


@login_required
def document_review(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_for_user(user=request.user, pk=pk)
    office = is_supervisor(request.user)
    candidates = selectors.review_candidates(document)
    if not office:
        # A unit sees the candidates that became its own tasks, not the office's working list
        # of other units' proposed, discarded or assigned items.
        own = set(
            visible_to(Task.objects.filter(document=document), request.user).values_list(
                "pk", flat=True
            )
        )
        candidates = [c for c in candidates if c.task_id in own]
    units = unit_choices() if office else []
    forms = {
        c.pk: CandidateForm(
            initial={
                "text": c.text,
                "lead_unit": c.lead_unit,
                "co_units": list(c.co_units.all()),
                "deadline": c.deadline,
                "deadline_text": c.deadline_text,
            },
            prefix=f"c{c.pk}",
            unit_choices=units,
            warnings=deadline_warnings(
                c.deadline, document.date, recurring=c.recurring, stages=_stages(c)
            ),
        )
        for c in candidates
        if c.status == CandidateStatus.PROPOSED and office
    }
    open_ids = [c.pk for c in candidates if c.status == CandidateStatus.PROPOSED]
    unmatched = {
        c.pk: actions.unmatched_phrases(c, list(c.co_units.all()))
        for c in candidates
        if c.status == CandidateStatus.PROPOSED
    }
    return render(
        request,
        "supervision/document_review.html",
        {
            "document": document,
            "segments": selectors.highlighted_segments(
                document, only=None if office else {c.pk for c in candidates}
            ),
            "rows": [(c, forms.get(c.pk), unmatched.get(c.pk, [])) for c in candidates],
            "unit_options": units,
            "open_ids": open_ids,
            "office": office,
            "confirm_form": ConfirmForm(user=current_user(request)),
        },
    )


@login_required
def document_original(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded .txt/.docx the document's text came from, for whoever may see the document."""
    user = current_user(request)
    document = selectors.document_for_user(user=user, pk=pk)
    response = file_download(document.original, filename=document.original_name)
    audit.record(
        actor=user,
        action="export.document_original",
        obj=document,
        changes={"file": document.original_name or document.original.name},
    )
    return response


@login_required
@require_POST
def document_decompose(request: HttpRequest, pk: int) -> HttpResponse:
    _office(request)
    document = selectors.document_for_user(user=request.user, pk=pk)
    user = current_user(request)
    return attempt(
        request,
        lambda: actions.document_decompose(actor=user, document=document),
        success="已重新分解，已确认的任务保持不变。",
        back=reverse("supervision:document_review", args=[pk]),
    )


def _candidate(request: HttpRequest, pk: int) -> Candidate:
    _office(request)
    return get_for_user(Candidate.objects.select_related("document"), request.user, pk)


def _back(candidate: Candidate) -> str:
    url = reverse("supervision:document_review", args=[candidate.document_id])
    return f"{url}#candidate-{candidate.pk}"


@login_required
@require_POST
def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    form = CandidateForm(request.POST, prefix=f"c{candidate.pk}")
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(candidate))
    user = current_user(request)
    return attempt(
        request,
        lambda: actions.candidate_update(actor=user, candidate=candidate, **form.cleaned_data),
        success="已保存候选任务。",
        back=_back(candidate),
    )


@login_required
@require_POST
def candidate_unit_map(request: HttpRequest, pk: int) -> HttpResponse:
    """Map an unmatched unit phrase to a unit (kept as an alias) or create the unit."""
    candidate = _candidate(request, pk)
    form = UnitMapForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(candidate))
    user = current_user(request)
    data = form.cleaned_data
    phrase = data["phrase"]
    return attempt(
        request,
        lambda: actions.candidate_unit_map(
            actor=user,
            candidate=candidate,
            phrase=phrase,
            unit=data.get("unit"),
            create=bool(data.get("create")),
        ),
        success=f"已将“{phrase}”对应到单位目录，之后的分解会自动识别。",
        back=_back(candidate),
    )


@login_required
@require_POST
def candidate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(candidate))
    other = _candidate(request, form.cleaned_data["other"])
    user = current_user(request)
    return attempt(
        request,
        lambda: actions.candidate_merge(actor=user, candidate=candidate, other=other),
        success="已合并两条候选任务。",
        back=_back(candidate),
    )


@login_required
@require_POST
def candidate_split(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    form = SplitForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(candidate))
    user = current_user(request)
    return attempt(
        request,
        lambda: actions.candidate_split(
            actor=user, candidate=candidate, at=form.cleaned_data["at"]
        ),
        success="已拆分为两条候选任务。",
        back=_back(candidate),
    )


@login_required
@require_POST
def candidate_discard(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    user = current_user(request)
    return attempt(
        request,
        lambda: actions.candidate_discard(actor=user, candidate=candidate),
        success="已舍弃该候选任务。",
        back=_back(candidate),
    )


@login_required
@require_POST
def candidate_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    form = ConfirmForm(request.POST, user=current_user(request))
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(candidate))
    user = current_user(request)
    return attempt(
        request,
        lambda: actions.task_confirm(actor=user, candidate=candidate, **form.cleaned_data),
        success="已确认并交办。",
        back=_back(candidate),
    )
