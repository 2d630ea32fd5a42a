"""Demo data: the sample speech as a source document of this year, decomposed and confirmed
into tasks, with milestones and a few months of progress — some on time, some late, one
extended, one returned, one not yet signed. Idempotent: skipped once the document exists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from kaifang.core.models import Role, RoleCode, Unit, User
from kaifang.enterprises.models import Enterprise
from kaifang.supervision import actions
from kaifang.supervision.models import (
    Candidate,
    CandidateStatus,
    ProgressReport,
    SourceDocument,
    Task,
)

SPEECH = Path(__file__).parent / "tests" / "fixtures" / "speech-opening-up-commerce-bureau.txt"
TITLE = "在全市对外开放工作会议上的讲话"


@dataclass(frozen=True)
class Plan:
    keyword: str
    lead: str
    co: tuple[str, ...]
    story: str  # on_time | late | extended | returned | progress | unsigned | overdue


PLANS = [
    Plan("消费升级", "消费促进科", ("示范市财政局",), "on_time"),
    Plan("专人专班", "中欧科创国际合作产业园管委会", ("中德产业园管委会",), "progress"),
    Plan("自贸大厦", "开放平台科", ("示范综合保税区管委会",), "extended"),
    Plan("培育外向型企业", "外贸科", ("外资科", "对外经济合作科"), "returned"),
    Plan("市场外迁", "东城区商务局", ("示范市自然资源和规划局",), "late"),
    Plan("新业态新模式", "电子商务科", (), "unsigned"),
    Plan("综保区申建", "示范综合保税区管委会", ("示范海关",), "progress"),
    Plan("口岸建设", "开放平台科", ("示范市口岸和物流办公室", "示范海关"), "overdue"),
    Plan("跨境电商", "电子商务科", ("西城区商务局",), "on_time"),
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _unit_member(unit: Unit) -> User:
    """A user of the unit to sign and report; a synthetic liaison (no password) if none."""
    member = User.objects.filter(unit=unit, is_active=True).first()
    if member is None:
        member = User(
            username=f"duban{unit.pk}", full_name=f"{unit}督办联络员", unit=unit, is_synthetic=True
        )
        member.set_unusable_password()
        member.save()
        role = Role.objects.filter(code=RoleCode.UNIT_STAFF).first()
        if role is not None:
            member.roles.add(role)
    return member


def _backdate(task: Task, **fields: Any) -> None:
    Task.objects.filter(pk=task.pk).update(**fields)


def load_supervision(context: Any) -> None:
    office = _user("ducha") or User.objects.filter(is_superuser=True).first()
    if office is None or SourceDocument.objects.filter(title=TITLE, is_synthetic=True).exists():
        return
    today = timezone.localdate()
    year_end = dt.date(today.year, 12, 31)
    doc_date = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=120))
    document = actions.document_create(
        actor=office,
        title=TITLE,
        kind="speech",
        date=doc_date,
        issuer="王示范",
        text=SPEECH.read_text(encoding="utf-8"),
    )
    SourceDocument.objects.filter(pk=document.pk).update(is_synthetic=True)
    document.is_synthetic = True
    candidates = list(document.candidates.order_by("order"))
    leader = _user("leader") or _user("juzhang")
    used: set[int] = set()
    for plan in PLANS:
        candidate = next(
            (c for c in candidates if plan.keyword in c.text and c.pk not in used), None
        )
        lead = Unit.objects.filter(name=plan.lead).first()
        if candidate is None or lead is None:
            continue
        used.add(candidate.pk)
        deadline = candidate.deadline or year_end
        if plan.story in {"late", "overdue"}:
            deadline = today - dt.timedelta(days=20)
        actions.candidate_update(
            actor=office,
            candidate=candidate,
            text=candidate.text,
            lead_unit=lead,
            co_units=list(Unit.objects.filter(name__in=plan.co)),
            deadline=deadline,
            deadline_text=candidate.deadline_text,
        )
        task = actions.task_confirm(actor=office, candidate=candidate, leader=leader, tags="开放")
        _play(task, plan, office=office, doc_date=doc_date, today=today)
    _link_enterprises(document)
    for candidate in Candidate.objects.filter(document=document, status=CandidateStatus.PROPOSED):
        if candidate.pk not in used and candidate.order % 3 == 0:
            actions.candidate_discard(actor=office, candidate=candidate)
    context.log(f"supervision: {Task.objects.filter(document=document).count()} tasks")


def _link_enterprises(document: SourceDocument) -> None:
    """培育外向型企业 and 专人专班 concern named enterprises, so their profiles (一企一档) show the
    tasks; the register's demo loader runs first (order 200 < 300) when it is loaded at all."""
    firms = list(Enterprise.objects.filter(is_synthetic=True).order_by("id")[:3])
    for task in Task.objects.filter(document=document):
        if "外向型企业" in task.title or "专人专班" in task.title:
            task.enterprises.add(*firms)


def _play(task: Task, plan: Plan, *, office: User, doc_date: dt.date, today: dt.date) -> None:
    """Walk the task through its story, then move the dates back to make months of history."""
    assigned = timezone.make_aware(dt.datetime.combine(doc_date + dt.timedelta(days=3), dt.time(9)))
    _backdate(task, assigned_at=assigned)
    actions.milestone_add(
        actor=office,
        task=task,
        title="制定工作方案",
        due=min(task.deadline, doc_date + dt.timedelta(days=30)),
    )
    if plan.story == "unsigned":
        return
    member = _unit_member(task.lead_unit)
    actions.task_sign(actor=member, task=task)
    _backdate(task, signed_at=assigned + dt.timedelta(days=1 if plan.story != "late" else 6))
    months = max(1, (today - doc_date).days // 30)
    for month in range(1, months + 1):
        percent = min(90, 20 * month)
        report = actions.task_report(
            actor=member,
            task=task,
            text=f"第{month}个月：按计划推进，已完成阶段工作的{percent}%。",
            percent=percent,
        )
        ProgressReport.objects.filter(pk=report.pk).update(
            reported_on=min(today, doc_date + dt.timedelta(days=30 * month))
        )
    task.refresh_from_db()
    if plan.story in {"on_time", "late", "returned"}:
        actions.task_request_completion(actor=member, task=task, note="已完成，申请销号")
        task.refresh_from_db()
        if plan.story == "returned":
            actions.task_return(actor=office, task=task, reason="佐证材料不全，请补充后重新申请。")
        else:
            actions.task_accept(actor=office, task=task)
    elif plan.story == "extended":
        extension = actions.extension_request(
            actor=member,
            task=task,
            reason="自贸大厦装修工程受雨季影响，需顺延。",
            requested_deadline=task.deadline + dt.timedelta(days=60),
        )
        actions.extension_approve(actor=office, extension=extension, note="同意顺延两个月。")
