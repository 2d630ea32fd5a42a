"""Writes of 督查督办: source documents, their candidates, and confirming candidates as tasks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kaifang.core import audit
from kaifang.core.models import Unit, UnitKind, User
from kaifang.core.scope import check_people
from kaifang.supervision.actions.common import (
    _notify_later,
    _require_supervisor,
    _unit_users,
    _units_by_name,
    task_event,
    unit_directory,
)
from kaifang.supervision.decompose import clean_text, decompose
from kaifang.supervision.models import (
    Candidate,
    CandidateStatus,
    DocumentStatus,
    EventKind,
    Milestone,
    SourceDocument,
    Task,
)

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
        value = recurrence.split(":")[1]  # "monthly:10", or "monthly:last" for 每月底前
        day = min(28, int(value)) if value.isdigit() else 28
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
