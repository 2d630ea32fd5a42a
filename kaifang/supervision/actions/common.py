"""Writes of 督查督办. Each action validates, saves in one transaction under row locks, writes
the task's timeline event and an audit record, and notifies after commit.

Lock order: document, then candidates by id, then task, then its extension requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kaifang.core import audit, handover
from kaifang.core.models import Unit, UnitKind, User
from kaifang.core.scope import check_people
from kaifang.enterprises.models import Enterprise
from kaifang.supervision import tasks as wiring
from kaifang.supervision.decompose import UnitRef, clean_text, decompose
from kaifang.supervision.models import (
    Candidate,
    CandidateStatus,
    DocumentStatus,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    ProgressReport,
    ReportAttachment,
    SourceDocument,
    Task,
    TaskEvent,
    TaskStatus,
)
from kaifang.supervision.permissions import is_lead_member, is_supervisor

# --- helpers -----------------------------------------------------------------------------


def task_event(
    *, task: Task, kind: str, actor: User | None, message: str = "", **data: Any
) -> TaskEvent:
    """One line on the task's timeline."""
    return TaskEvent.objects.create(
        task=task, kind=kind, actor=actor, message=message, data=audit._plain(data)
    )


def _require_supervisor(actor: User) -> None:
    if not is_supervisor(actor):
        raise PermissionDenied("只有督查部门（办公室）可以进行此操作。")


def _require_lead(actor: User, task: Task) -> None:
    if not is_lead_member(actor, task):
        raise PermissionDenied("只有牵头单位的工作人员可以进行此操作。")


def _require_status(task: Task, allowed: Sequence[str], verb: str) -> None:
    if task.status not in allowed:
        current = TaskStatus(task.status).label
        raise ValidationError(f"当前状态为“{current}”，不能{verb}。")


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _task_url(task: Task) -> str:
    return reverse("supervision:task_detail", args=[task.pk])


def _unit_users(unit_id: int) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True))


def _notify_later(
    *, recipients: Sequence[User | None], title: str, body: str, task: Task, level: str = "info"
) -> None:
    people = [user for user in recipients if user is not None]
    url = _task_url(task)
    transaction.on_commit(
        lambda: wiring.notify_users(recipients=people, title=title, body=body, url=url, level=level)
    )


def unit_directory() -> list[UnitRef]:
    """The unit tree as the decomposer's directory: name, short name and aliases."""
    refs = []
    for unit in Unit.objects.filter(is_active=True):
        aliases = tuple(a for a in [unit.short_name, *unit.alias_list()] if a and a != unit.name)
        refs.append(UnitRef(unit.name, aliases))
    return refs


def _units_by_name(names: Sequence[str]) -> tuple[list[Unit], list[str]]:
    """Units found by exact name, and the names that matched none."""
    found = {u.name: u for u in Unit.objects.filter(name__in=names)}
    return [found[n] for n in names if n in found], [n for n in names if n not in found]


# --- source documents and candidates ------------------------------------------------------


def document_create(
    *,
    actor: User,
    title: str,
    kind: str,
    date: dt.date,
    text: str,
    issuer: str = "",
    original: UploadedFile | None = None,
) -> SourceDocument:
    """Save the document and propose its candidates in one transaction: if decomposition
    fails, neither the document nor its stored original is left behind (no half-created
    document, no duplicate when the office submits again)."""
    _require_supervisor(actor)
    cleaned = clean_text(text)
    if not cleaned.strip():
        raise ValidationError("正文为空，请粘贴文字或上传文件。")
    document = SourceDocument(
        title=title, kind=kind, date=date, issuer=issuer, text=cleaned, created_by=actor
    )
    if original is not None:
        document.original = original
        document.original_name = PurePath((original.name or "").replace("\\", "/")).name[:200]
    try:
        with transaction.atomic():
            document.save()
            audit.record(
                actor=actor,
                action="supervision.document.create",
                obj=document,
                changes={"title": title, "kind": kind, "date": date, "chars": len(cleaned)},
            )
            _propose(actor=actor, document=document)
    except Exception:
        # The file was written to storage by save(); the rollback does not remove it.
        if document.original:
            document.original.delete(save=False)
        raise
    return document


@transaction.atomic
def document_decompose(*, actor: User, document: SourceDocument) -> list[Candidate]:
    """Propose candidates again; confirmed ones stay, proposed and discarded ones are redone."""
    _require_supervisor(actor)
    document = SourceDocument.objects.select_for_update().get(pk=document.pk)
    document.candidates.exclude(status=CandidateStatus.CONFIRMED).delete()
    return _propose(actor=actor, document=document)


def _propose(*, actor: User, document: SourceDocument) -> list[Candidate]:
    """Decompose the text into candidates and put the document in review (caller's transaction)."""
    proposals = decompose(document.text, doc_date=document.date, units=unit_directory())
    created = []
    for order, proposal in enumerate(proposals):
        leads, _ = _units_by_name([proposal.lead_unit] if proposal.lead_unit else [])
        co_units, unmatched = _units_by_name(proposal.co_units)
        candidate = Candidate.objects.create(
            document=document,
            order=order,
            text=proposal.text,
            source_sentence=proposal.source_sentence,
            start=proposal.start,
            end=proposal.end,
            sentence_start=proposal.sentence_start,
            sentence_end=proposal.sentence_end,
            section=(proposal.section or "")[:200],
            kind=getattr(proposal, "kind", "") or "",
            lead_unit=leads[0] if leads else None,
            lead_unit_text=proposal.lead_unit or "",
            co_units_text="、".join(proposal.co_units)[:500],
            deadline=proposal.deadline,
            deadline_text=(proposal.deadline_text or "")[:100],
            recurring=proposal.recurring,
            recurrence=proposal.recurrence or "",
            milestones=[
                {
                    "text": m.text[:200],
                    "deadline": m.deadline.isoformat() if m.deadline else None,
                    "deadline_text": m.deadline_text[:100],
                }
                for m in proposal.milestones
            ],
        )
        candidate.co_units.set(co_units)
        if unmatched:
            candidate.co_units_text = "、".join(proposal.co_units)[:500]
        created.append(candidate)
    document.status = DocumentStatus.REVIEW
    document.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="supervision.document.decompose",
        obj=document,
        changes={"candidates": len(created)},
    )
    return created


def _split_phrases(value: str) -> list[str]:
    """Unit phrases of ``co_units_text`` ("、"-joined, a "、" inside brackets stays)."""
    phrases: list[str] = []
    depth = 0
    current = ""
    for ch in value:
        if ch in "（(〔【":
            depth += 1
        elif ch in "）)〕】":
            depth = max(0, depth - 1)
        if ch == "、" and depth == 0:
            phrases.append(current)
            current = ""
            continue
        current += ch
    phrases.append(current)
    return [p.strip() for p in phrases if p.strip()]


def _names_of(unit: Unit) -> set[str]:
    return {unit.name, unit.short_name, *unit.alias_list()} - {""}


def unmatched_phrases(candidate: Candidate, co_units: Sequence[Unit] | None = None) -> list[str]:
    """The unit phrases the text wrote that no unit of the tree stands for yet (as written).

    ``co_units`` saves a query when the caller prefetched ``candidate.co_units``."""
    phrases: list[str] = []
    if candidate.lead_unit_id is None and candidate.lead_unit_text:
        phrases.append(candidate.lead_unit_text)
    units = list(candidate.co_units.all()) if co_units is None else list(co_units)
    if candidate.lead_unit is not None:
        units.append(candidate.lead_unit)
    known = set().union(*(_names_of(u) for u in units)) if units else set()
    for phrase in _split_phrases(candidate.co_units_text):
        if phrase not in known and phrase not in phrases:
            phrases.append(phrase)
    return phrases


@transaction.atomic
def candidate_unit_map(
    *,
    actor: User,
    candidate: Candidate,
    phrase: str,
    unit: Unit | None = None,
    create: bool = False,
) -> Unit:
    """Map a unit phrase the text wrote to a unit of the tree: an existing unit keeps the phrase
    as an alias (so the next decomposition matches it), or a new unit is created under that
    name. Every proposed candidate of the document that wrote the phrase gets the unit."""
    _require_supervisor(actor)
    candidate = _lock_candidate(candidate)
    phrase = phrase.strip()
    if phrase not in unmatched_phrases(candidate):
        raise ValidationError("该单位名称不在此候选任务的未匹配单位中。")
    if create:
        unit, created = Unit.objects.get_or_create(
            name=phrase[:100], defaults={"kind": UnitKind.OTHER}
        )
        if created:
            audit.record(
                actor=actor,
                action="unit.create",
                obj=unit,
                changes={"name": unit.name, "from": "supervision.candidate"},
            )
    elif unit is None:
        raise ValidationError("请选择对应的单位，或选择新建单位。")
    else:
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if phrase not in _names_of(unit):
            aliases = "，".join([*unit.alias_list(), phrase])
            if len(aliases) > Unit._meta.get_field("aliases").max_length:  # type: ignore[operator]
                raise ValidationError(f"“{unit.name}”的别名已满，请在单位管理中整理后再试。")
            before = unit.aliases
            unit.aliases = aliases
            unit.save(update_fields=["aliases"])
            audit.record(
                actor=actor,
                action="unit.alias.add",
                obj=unit,
                changes={"aliases": [before, unit.aliases], "alias": phrase},
            )
    mapped = 0
    siblings = (
        Candidate.objects.select_for_update()
        .filter(document_id=candidate.document_id, status=CandidateStatus.PROPOSED)
        .order_by("pk")
    )
    for other in siblings:
        if phrase not in unmatched_phrases(other):
            continue
        if other.lead_unit_id is None and other.lead_unit_text == phrase:
            other.lead_unit = unit
            other.save(update_fields=["lead_unit"])
        elif phrase in _split_phrases(other.co_units_text):
            other.co_units.add(unit)
        mapped += 1
    audit.record(
        actor=actor,
        action="supervision.candidate.unit_map",
        obj=candidate,
        changes={"phrase": phrase, "unit": unit.name, "created": create, "candidates": mapped},
    )
    return unit


def _lock_candidate(candidate: Candidate) -> Candidate:
    locked = Candidate.objects.select_for_update().select_related("document").get(pk=candidate.pk)
    if locked.status != CandidateStatus.PROPOSED:
        raise ValidationError(f"该候选任务已{CandidateStatus(locked.status).label}，不能再修改。")
    return locked


@transaction.atomic
def candidate_update(
    *,
    actor: User,
    candidate: Candidate,
    text: str,
    lead_unit: Unit | None,
    co_units: Sequence[Unit],
    deadline: dt.date | None,
    deadline_text: str = "",
) -> Candidate:
    _require_supervisor(actor)
    candidate = _lock_candidate(candidate)
    before = {
        "text": candidate.text,
        "lead_unit": candidate.lead_unit_id,
        "deadline": candidate.deadline,
    }
    candidate.text = text.strip()
    candidate.lead_unit = lead_unit
    candidate.deadline = deadline
    candidate.deadline_text = deadline_text
    candidate.save()
    candidate.co_units.set(co_units)
    after = {"text": candidate.text, "lead_unit": candidate.lead_unit_id, "deadline": deadline}
    audit.record(
        actor=actor,
        action="supervision.candidate.update",
        obj=candidate,
        changes=audit.diff(before, after),
    )
    return candidate


@transaction.atomic
def candidate_merge(*, actor: User, candidate: Candidate, other: Candidate) -> Candidate:
    """Fold `other` into `candidate`: texts joined, spans and sentences widened, units united."""
    _require_supervisor(actor)
    if candidate.pk == other.pk or candidate.document_id != other.document_id:
        raise ValidationError("只能合并同一文件中的两条不同候选任务。")
    first, second = sorted([candidate, other], key=lambda c: c.pk)
    first, second = _lock_candidate(first), _lock_candidate(second)
    keep, gone = (first, second) if first.pk == candidate.pk else (second, first)
    head, tail = sorted([keep, gone], key=lambda c: (c.start, c.order))
    keep.text = f"{head.text.rstrip('；;。')}；{tail.text}"
    keep.start, keep.end = min(keep.start, gone.start), max(keep.end, gone.end)
    keep.sentence_start = min(keep.sentence_start, gone.sentence_start)
    keep.sentence_end = max(keep.sentence_end, gone.sentence_end)
    keep.source_sentence = keep.document.text[keep.sentence_start : keep.sentence_end]
    keep.lead_unit = keep.lead_unit or gone.lead_unit
    keep.lead_unit_text = keep.lead_unit_text or gone.lead_unit_text
    dates = [d for d in (keep.deadline, gone.deadline) if d]
    if dates:
        keep.deadline = max(dates)
        keep.deadline_text = (
            keep.deadline_text if keep.deadline == max(dates) else gone.deadline_text
        ) or gone.deadline_text
    keep.save()
    keep.co_units.add(*gone.co_units.all())
    gone.status = CandidateStatus.MERGED
    gone.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="supervision.candidate.merge",
        obj=keep,
        changes={"merged": gone.pk},
    )
    return keep


@transaction.atomic
def candidate_split(*, actor: User, candidate: Candidate, at: int) -> tuple[Candidate, Candidate]:
    """Cut the task wording at character `at`; each part keeps the span where its words are."""
    _require_supervisor(actor)
    candidate = _lock_candidate(candidate)
    text = candidate.text
    if not 0 < at < len(text):
        raise ValidationError("拆分位置须在任务内容中间。")
    left, right = text[:at].strip(" ，,；;"), text[at:].strip(" ，,；;")
    if not left or not right:
        raise ValidationError("拆分后的两部分都不能为空。")
    span = candidate.document.text[candidate.start : candidate.end]
    cut = span.find(right[: min(len(right), 8)])
    original_end = candidate.end
    candidate.text = left
    if cut > 0:
        candidate.end = candidate.start + cut
    candidate.save()
    twin = Candidate.objects.create(
        document=candidate.document,
        order=candidate.order,
        text=right,
        source_sentence=candidate.source_sentence,
        start=candidate.start + cut if cut > 0 else candidate.start,
        end=original_end,
        sentence_start=candidate.sentence_start,
        sentence_end=candidate.sentence_end,
        section=candidate.section,
        kind=candidate.kind,
        lead_unit=candidate.lead_unit,
        lead_unit_text=candidate.lead_unit_text,
        co_units_text=candidate.co_units_text,
        deadline=candidate.deadline,
        deadline_text=candidate.deadline_text,
        recurring=candidate.recurring,
        recurrence=candidate.recurrence,
    )
    twin.co_units.set(candidate.co_units.all())
    audit.record(
        actor=actor,
        action="supervision.candidate.split",
        obj=candidate,
        changes={"at": at, "new": twin.pk},
    )
    return candidate, twin


@transaction.atomic
def candidate_discard(*, actor: User, candidate: Candidate) -> Candidate:
    _require_supervisor(actor)
    candidate = _lock_candidate(candidate)
    candidate.status = CandidateStatus.DISCARDED
    candidate.save(update_fields=["status"])
    audit.record(actor=actor, action="supervision.candidate.discard", obj=candidate)
    _refresh_document_status(candidate.document)
    return candidate


def _refresh_document_status(document: SourceDocument) -> None:
    if not document.candidates.filter(status=CandidateStatus.PROPOSED).exists():
        SourceDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.CONFIRMED)


@transaction.atomic
def task_confirm(
    *,
    actor: User,
    candidate: Candidate,
    leader: User | None = None,
    officer: User | None = None,
    tags: str = "",
) -> Task:
    """交办: the candidate becomes a task assigned to its lead unit."""
    _require_supervisor(actor)
    check_people(actor, [leader, officer], field="leader", label="责任领导和督办专员")
    candidate = _lock_candidate(candidate)
    if candidate.lead_unit is None:
        raise ValidationError("请先为该候选任务指定牵头单位。")
    if candidate.deadline is None:
        raise ValidationError("请先为该候选任务指定完成时限。")
    recurrence = candidate.recurrence or ""
    cycle, day = "monthly", 25
    if recurrence.startswith("monthly:"):
        day = min(28, int(recurrence.split(":")[1]))
    elif recurrence.startswith("weekly:"):
        cycle, day = "weekly", min(5, int(recurrence.split(":")[1]))
    task = Task.objects.create(
        document=candidate.document,
        source_sentence=candidate.source_sentence,
        source_start=candidate.start,
        source_end=candidate.end,
        title=candidate.text,
        lead_unit=candidate.lead_unit,
        leader=leader,
        officer=officer or actor,
        created_by=actor,
        deadline=candidate.deadline,
        original_deadline=candidate.deadline,
        deadline_text=candidate.deadline_text,
        report_cycle=cycle,
        report_day=day,
        tags=tags,
        assigned_at=timezone.now(),
        is_synthetic=candidate.document.is_synthetic,
    )
    task.co_units.set([u for u in candidate.co_units.all() if u.pk != candidate.lead_unit_id])
    # The dated stages before the deadline become the task's milestones (the last stage is the
    # deadline itself); a stage without a date stays in the text only.
    for stage in candidate.milestones:
        due = dt.date.fromisoformat(stage["deadline"]) if stage.get("deadline") else None
        if due is not None and due < task.deadline:
            Milestone.objects.create(task=task, title=stage["text"][:200] or "阶段节点", due=due)
    candidate.status = CandidateStatus.CONFIRMED
    candidate.task = task
    candidate.save(update_fields=["status", "task"])
    task_event(task=task, kind=EventKind.ASSIGN, actor=actor, message=f"交办{task.lead_unit}")
    audit.record(
        actor=actor,
        action="supervision.task.assign",
        obj=task,
        changes={"candidate": candidate.pk, "lead_unit": task.lead_unit, "deadline": task.deadline},
    )
    _refresh_document_status(candidate.document)
    _notify_later(
        recipients=_unit_users(task.lead_unit_id),
        title="新的督办事项待签收",
        body=f"{task.title}（完成时限 {task.deadline:%Y-%m-%d}）",
        task=task,
    )
    return task


# --- the task flow -------------------------------------------------------------------------


@transaction.atomic
def task_update(
    *,
    actor: User,
    task: Task,
    title: str,
    lead_unit: Unit,
    co_units: Sequence[Unit],
    leader: User | None,
    officer: User | None,
    report_cycle: str,
    report_day: int,
    priority: str,
    tags: str,
    enterprises: Sequence[Enterprise],
    parks: Sequence[Unit] = (),
) -> Task:
    """Office edits of the task's settings; the deadline changes only through an extension.
    The office sees every enterprise, so `enterprises` replaces the links whole."""
    _require_supervisor(actor)
    check_people(actor, [leader, officer], field="leader", label="责任领导和督办专员")
    task = _lock(task)
    _require_status(task, [s for s in TaskStatus if s != TaskStatus.DONE], "修改")
    fields = ("title", "lead_unit_id", "leader_id", "officer_id", "report_cycle")
    before = {name: getattr(task, name) for name in (*fields, "report_day", "priority", "tags")}
    linked = list(task.enterprises.order_by("id"))
    before["enterprises"] = [e.name for e in linked]
    before["parks"] = [u.name for u in task.parks.order_by("id")]
    task.title, task.lead_unit, task.leader, task.officer = title, lead_unit, leader, officer
    task.report_cycle, task.report_day, task.priority, task.tags = (
        report_cycle,
        report_day,
        priority,
        tags,
    )
    task.save()
    task.co_units.set([u for u in co_units if u.pk != lead_unit.pk])
    task.enterprises.set(enterprises)
    task.parks.set([u for u in parks if u.kind == UnitKind.PARK])
    after: dict[str, Any] = {
        name: getattr(task, name) for name in before if name not in {"enterprises", "parks"}
    }
    after["enterprises"] = [e.name for e in task.enterprises.order_by("id")]
    after["parks"] = [u.name for u in task.parks.order_by("id")]
    changes = audit.diff(before, after)
    task_event(task=task, kind=EventKind.EDIT, actor=actor, message="修改督办事项", **changes)
    audit.record(actor=actor, action="supervision.task.update", obj=task, changes=changes)
    return task


@transaction.atomic
def milestone_add(*, actor: User, task: Task, title: str, due: dt.date) -> Milestone:
    _require_supervisor(actor)
    task = _lock(task)
    _require_status(task, [s for s in TaskStatus if s != TaskStatus.DONE], "添加节点")
    milestone = Milestone.objects.create(task=task, title=title, due=due)
    task_event(task=task, kind=EventKind.EDIT, actor=actor, message=f"新增节点：{title}（{due}）")
    audit.record(
        actor=actor,
        action="supervision.milestone.add",
        obj=task,
        changes={"title": title, "due": due},
    )
    return milestone


@transaction.atomic
def milestone_complete(*, actor: User, milestone: Milestone, done_on: dt.date) -> Milestone:
    task = _lock(milestone.task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.SIGNED, TaskStatus.IN_PROGRESS], "完成节点")
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_at is not None:
        raise ValidationError("该节点已完成。")
    milestone.done_at = done_on
    milestone.save(update_fields=["done_at"])
    task_event(task=task, kind=EventKind.MILESTONE, actor=actor, message=milestone.title)
    audit.record(
        actor=actor,
        action="supervision.milestone.complete",
        obj=task,
        changes={"milestone": milestone.title, "done_on": done_on},
    )
    return milestone


@transaction.atomic
def task_sign(*, actor: User, task: Task) -> Task:
    """签收: the lead unit acknowledges the task; the time to sign is kept."""
    task = _lock(task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.ASSIGNED], "签收")
    task.status = TaskStatus.SIGNED
    task.signed_at = timezone.now()
    task.signed_by = actor
    task.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    task_event(task=task, kind=EventKind.SIGN, actor=actor, message=f"{actor.unit}签收")
    audit.record(actor=actor, action="supervision.task.sign", obj=task)
    return task


@transaction.atomic
def task_report(
    *,
    actor: User,
    task: Task,
    text: str,
    percent: int,
    files: Sequence[UploadedFile] = (),
    reported_on: dt.date | None = None,
) -> ProgressReport:
    """报送进展: moves a signed task into 办理中."""
    task = _lock(task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.SIGNED, TaskStatus.IN_PROGRESS], "报送进展")
    if not 0 <= percent <= 100:
        raise ValidationError("完成进度应在 0 到 100 之间。")
    report = ProgressReport.objects.create(
        task=task,
        author=actor,
        text=text,
        percent=percent,
        reported_on=reported_on or timezone.localdate(),
    )
    for upload in files:
        ReportAttachment.objects.create(
            report=report,
            file=upload,
            name=(upload.name or "附件")[:200],
            size=upload.size or 0,
            content_type=(upload.content_type or "")[:100],
        )
    task.status = TaskStatus.IN_PROGRESS
    task.percent = percent
    task.save(update_fields=["status", "percent", "updated_at"])
    task_event(
        task=task, kind=EventKind.REPORT, actor=actor, message=f"进度 {percent}%：{text[:100]}"
    )
    audit.record(
        actor=actor,
        action="supervision.task.report",
        obj=task,
        changes={"percent": percent, "attachments": len(files)},
    )
    return report


@transaction.atomic
def task_request_completion(*, actor: User, task: Task, note: str = "") -> Task:
    task = _lock(task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.IN_PROGRESS], "申请办结（请先报送进展）")
    task.status = TaskStatus.COMPLETION_REQUESTED
    task.completion_requested_on = timezone.localdate()
    task.save(update_fields=["status", "completion_requested_on", "updated_at"])
    task_event(task=task, kind=EventKind.REQUEST_COMPLETION, actor=actor, message=note)
    audit.record(
        actor=actor, action="supervision.task.request_completion", obj=task, changes={"note": note}
    )
    _notify_later(recipients=[task.officer], title="办结申请待审核", body=task.title, task=task)
    return task


@transaction.atomic
def task_accept(*, actor: User, task: Task, note: str = "") -> Task:
    """办结销号. On time means the completion was asked for by the deadline in force."""
    _require_supervisor(actor)
    task = _lock(task)
    _require_status(task, [TaskStatus.COMPLETION_REQUESTED], "审核办结")
    task.status = TaskStatus.DONE
    task.done_at = timezone.now()
    requested = task.completion_requested_on or timezone.localdate()
    task.on_time = requested <= task.deadline
    task.percent = 100
    task.save(update_fields=["status", "done_at", "on_time", "percent", "updated_at"])
    task_event(
        task=task,
        kind=EventKind.ACCEPT,
        actor=actor,
        message=note or ("按期办结" if task.on_time else "逾期办结"),
        on_time=task.on_time,
    )
    audit.record(
        actor=actor,
        action="supervision.task.accept",
        obj=task,
        changes={"on_time": task.on_time, "note": note},
    )
    done_id = task.pk
    transaction.on_commit(
        lambda: handover.task_done.send(sender=Task, task_id=done_id, actor=actor)
    )
    _notify_later(
        recipients=_unit_users(task.lead_unit_id),
        title="督办事项已办结销号",
        body=task.title,
        task=task,
    )
    return task


@transaction.atomic
def task_return(*, actor: User, task: Task, reason: str) -> Task:
    """驳回重办: back to 办理中 with the reason on the timeline."""
    _require_supervisor(actor)
    if not reason.strip():
        raise ValidationError("请填写驳回理由。")
    task = _lock(task)
    _require_status(task, [TaskStatus.COMPLETION_REQUESTED], "驳回")
    task.status = TaskStatus.IN_PROGRESS
    task.completion_requested_on = None
    task.save(update_fields=["status", "completion_requested_on", "updated_at"])
    task_event(task=task, kind=EventKind.RETURN, actor=actor, message=reason)
    audit.record(
        actor=actor, action="supervision.task.return", obj=task, changes={"reason": reason}
    )
    _notify_later(
        recipients=_unit_users(task.lead_unit_id),
        title="办结申请被驳回，请重新办理",
        body=f"{task.title}\n驳回理由：{reason}",
        task=task,
        level="warning",
    )
    return task


@transaction.atomic
def extension_request(
    *, actor: User, task: Task, reason: str, requested_deadline: dt.date
) -> ExtensionRequest:
    task = _lock(task)
    _require_lead(actor, task)
    _require_status(task, [TaskStatus.SIGNED, TaskStatus.IN_PROGRESS], "申请延期（请先签收）")
    if requested_deadline <= task.deadline:
        raise ValidationError("申请延至的日期应晚于当前完成时限。")
    if task.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError("已有待审批的延期申请。")
    extension = ExtensionRequest.objects.create(
        task=task,
        requested_by=actor,
        reason=reason,
        requested_deadline=requested_deadline,
        previous_deadline=task.deadline,
    )
    task_event(
        task=task,
        kind=EventKind.EXTENSION_REQUEST,
        actor=actor,
        message=f"申请延至 {requested_deadline}：{reason}",
    )
    audit.record(
        actor=actor,
        action="supervision.extension.request",
        obj=task,
        changes={"requested_deadline": requested_deadline, "reason": reason},
    )
    _notify_later(recipients=[task.officer], title="延期申请待审批", body=task.title, task=task)
    return extension


def _lock_extension(extension: ExtensionRequest) -> tuple[Task, ExtensionRequest]:
    task = _lock(extension.task)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise ValidationError("该延期申请已审批。")
    return task, extension


@transaction.atomic
def extension_approve(*, actor: User, extension: ExtensionRequest, note: str = "") -> Task:
    """The deadline moves; `original_deadline` keeps the first one on record."""
    _require_supervisor(actor)
    task, extension = _lock_extension(extension)
    _require_status(task, [s for s in TaskStatus if s != TaskStatus.DONE], "延期")
    previous = task.deadline
    task.deadline = extension.requested_deadline
    task.save(update_fields=["deadline", "updated_at"])
    extension.status = ExtensionStatus.APPROVED
    extension.decided_by, extension.decided_at, extension.note = actor, timezone.now(), note
    extension.save()
    task_event(
        task=task,
        kind=EventKind.EXTENSION_APPROVE,
        actor=actor,
        message=f"完成时限由 {previous} 延至 {task.deadline}。{note}",
    )
    audit.record(
        actor=actor,
        action="supervision.extension.approve",
        obj=task,
        changes={"deadline": [previous, task.deadline], "note": note},
    )
    _notify_later(
        recipients=[extension.requested_by], title="延期申请已同意", body=task.title, task=task
    )
    return task


@transaction.atomic
def extension_refuse(*, actor: User, extension: ExtensionRequest, note: str) -> Task:
    _require_supervisor(actor)
    if not note.strip():
        raise ValidationError("请填写不同意的理由。")
    task, extension = _lock_extension(extension)
    extension.status = ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.note = actor, timezone.now(), note
    extension.save()
    task_event(task=task, kind=EventKind.EXTENSION_REFUSE, actor=actor, message=note)
    audit.record(
        actor=actor, action="supervision.extension.refuse", obj=task, changes={"note": note}
    )
    _notify_later(recipients=[extension.requested_by], title="延期申请未同意", body=note, task=task)
    return task


# --- tasks handed over by other modules ----------------------------------------------------


@transaction.atomic
def task_open(
    *,
    actor: User | None,
    title: str,
    lead_unit: Unit,
    deadline: dt.date,
    source_sentence: str,
    tags: str = "",
) -> Task:
    """A task opened by another module (an overdue or leader-marked appeal), not decomposed
    from a document. The calling module decides who may trigger it; `actor` is None when the
    system does (the daily SLA scan)."""
    task = Task.objects.create(
        source_sentence=source_sentence,
        title=title,
        lead_unit=lead_unit,
        officer=actor,
        created_by=actor,
        deadline=deadline,
        original_deadline=deadline,
        tags=tags,
        assigned_at=timezone.now(),
    )
    task_event(task=task, kind=EventKind.ASSIGN, actor=actor, message=f"交办{lead_unit}")
    audit.record(
        actor=actor,
        action="supervision.task.assign",
        obj=task,
        changes={"lead_unit": lead_unit, "deadline": deadline, "tags": tags},
    )
    _notify_later(
        recipients=_unit_users(lead_unit.pk),
        title="新的督办事项待签收",
        body=f"{task.title}（完成时限 {task.deadline:%Y-%m-%d}）",
        task=task,
    )
    return task
