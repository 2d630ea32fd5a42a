"""Reads of 督查督办, all through the scope gate.

The status light (`light` annotation), one rule for every page, list filter and export:
  green   done (办结销号);
  red     not done and the deadline has passed — unless completion was asked for by the deadline;
  yellow  due within SUPERVISION_WARN_WORKDAYS working days (Chinese calendar), or a milestone
          is past due and not done (behind the schedule);
  blue    everything else: on track, not yet due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from kaifang.core.calendar import add_workdays, workdays_between
from kaifang.core.models import Unit, User
from kaifang.core.scope import get_for_user, visible_to
from kaifang.enterprises.models import Enterprise
from kaifang.enterprises.selectors import EnterpriseFilters, enterprise_list
from kaifang.supervision.models import (
    Candidate,
    CandidateStatus,
    Light,
    Milestone,
    ProgressReport,
    SourceDocument,
    Task,
    TaskStatus,
)


def warn_workdays() -> int:
    return int(getattr(settings, "SUPERVISION_WARN_WORKDAYS", 3))


def with_light(queryset: QuerySet[Task], *, today: dt.date | None = None) -> QuerySet[Task]:
    """Annotate `light` (see the module docstring) and `behind` (a milestone is late)."""
    today = today or timezone.localdate()
    warn_until = add_workdays(today, warn_workdays())
    late_milestone = Milestone.objects.filter(
        task=OuterRef("pk"), done_at__isnull=True, due__lt=today
    )
    asked_in_time = Q(status=TaskStatus.COMPLETION_REQUESTED) & Q(
        completion_requested_on__lte=F("deadline")
    )
    return queryset.annotate(
        behind=Exists(late_milestone),
        light=Case(
            When(status=TaskStatus.DONE, then=Value(Light.GREEN)),
            When(asked_in_time, then=Value(Light.BLUE)),
            When(deadline__lt=today, then=Value(Light.RED)),
            When(deadline__lte=warn_until, then=Value(Light.YELLOW)),
            When(behind=True, then=Value(Light.YELLOW)),
            default=Value(Light.BLUE),
        ),
    )


def task_queryset() -> QuerySet[Task]:
    return Task.objects.select_related("lead_unit", "document", "leader", "officer")


def tasks_visible(*, user: User | AnonymousUser, today: dt.date | None = None) -> QuerySet[Task]:
    return with_light(visible_to(task_queryset(), user), today=today)


def task_for_user(*, user: User | AnonymousUser, pk: int) -> Task:
    """The task with its light, or 404 outside the user's scope."""
    return get_for_user(with_light(task_queryset()), user, pk)


# The light filter's extra choice: a yellow light that a late milestone lit (节点滞后).
BEHIND = "behind"
LIGHT_FILTER_CHOICES = [
    (Light.BLUE.value, Light.BLUE.label),
    (Light.YELLOW.value, Light.YELLOW.label),
    (BEHIND, "节点滞后"),
    (Light.RED.value, Light.RED.label),
    (Light.GREEN.value, Light.GREEN.label),
]


@dataclass(frozen=True)
class TaskFilter:
    status: str = ""
    light: str = ""
    unit: Unit | None = None
    document: SourceDocument | None = None
    tag: str = ""
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    q: str = ""


def task_list(
    *, user: User | AnonymousUser, filters: TaskFilter, today: dt.date | None = None
) -> QuerySet[Task]:
    qs = tasks_visible(user=user, today=today).prefetch_related("co_units")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.light == BEHIND:
        # yellow for a late milestone: the row's tag reads 节点滞后, not 临期预警
        qs = qs.filter(**{"light": Light.YELLOW, "behind": True})
    elif filters.light == Light.YELLOW:
        qs = qs.filter(**{"light": Light.YELLOW, "behind": False})
    elif filters.light:
        qs = qs.filter(**{"light": filters.light})
    if filters.unit is not None:
        qs = qs.filter(Q(lead_unit=filters.unit) | Q(co_units=filters.unit)).distinct()
    if filters.document is not None:
        qs = qs.filter(document=filters.document)
    if filters.tag:
        qs = qs.filter(tags__icontains=filters.tag)
    if filters.deadline_from:
        qs = qs.filter(deadline__gte=filters.deadline_from)
    if filters.deadline_to:
        qs = qs.filter(deadline__lte=filters.deadline_to)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    return qs.order_by("deadline", "id")


def task_detail_context(task: Task, *, user: User | AnonymousUser) -> dict[str, object]:
    return {
        "milestones": list(task.milestones.all()),
        "reports": list(
            task.reports.select_related("author").prefetch_related(Prefetch("attachments"))
        ),
        "extensions": list(task.extensions.select_related("requested_by", "decided_by")),
        "events": list(task.events.select_related("actor")),
        "co_units": list(task.co_units.all()),
        # Only the linked enterprises the viewer may open: the others' names stay hidden.
        "enterprises": list(visible_to(task.enterprises.order_by("name"), user)),
    }


def latest_reports(task_ids: list[int]) -> dict[int, ProgressReport]:
    """The newest progress report of each task (one query)."""
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(task_id__in=task_ids).order_by(
        "task_id", "-reported_on", "-id"
    ):
        latest.setdefault(report.task_id, report)
    return latest


# --- enterprises -------------------------------------------------------------------------

ENTERPRISE_OPTIONS = 20


def enterprise_options(*, user: User | AnonymousUser, term: str) -> list[Enterprise]:
    """Enterprises in the user's scope whose name, former name or code contains `term`."""
    return list(enterprise_list(user=user, filters=EnterpriseFilters(q=term))[:ENTERPRISE_OPTIONS])


def enterprise_tasks(
    *, user: User | AnonymousUser, enterprise: Enterprise, today: dt.date | None = None
) -> list[Task]:
    """The tasks concerning one enterprise that the viewer may see, with their light."""
    tasks = tasks_visible(user=user, today=today).filter(enterprises=enterprise)
    return list(tasks.order_by("deadline", "id"))


# --- documents --------------------------------------------------------------------------


def documents_visible(*, user: User | AnonymousUser) -> QuerySet[SourceDocument]:
    return visible_to(SourceDocument.objects.select_related("created_by"), user)


def document_for_user(*, user: User | AnonymousUser, pk: int) -> SourceDocument:
    return get_for_user(SourceDocument.objects.all(), user, pk)


@dataclass(frozen=True)
class Segment:
    """A run of document text; `candidate` is set when the run is a candidate's span."""

    text: str
    candidate: Candidate | None = None


def highlighted_segments(
    document: SourceDocument, *, only: Collection[int] | None = None
) -> list[Segment]:
    """The document cut into plain runs and candidate spans, in order (overlaps: first wins).
    `only`: the candidates the reader may see (a unit sees those that became its tasks); the
    other spans stay plain text."""
    candidates = [
        c
        for c in document.candidates.exclude(
            status__in=[CandidateStatus.DISCARDED, CandidateStatus.MERGED]
        ).order_by("start", "order", "id")
        if c.end > c.start and (only is None or c.pk in only)
    ]
    segments: list[Segment] = []
    cursor = 0
    for candidate in candidates:
        if candidate.start < cursor:
            continue
        if candidate.start > cursor:
            segments.append(Segment(document.text[cursor : candidate.start]))
        segments.append(Segment(document.text[candidate.start : candidate.end], candidate))
        cursor = candidate.end
    if cursor < len(document.text):
        segments.append(Segment(document.text[cursor:]))
    return segments


def review_candidates(document: SourceDocument) -> list[Candidate]:
    return list(
        document.candidates.exclude(status=CandidateStatus.MERGED)
        .select_related("lead_unit", "task")
        .prefetch_related("co_units")
        .order_by("start", "order", "id")
    )


# --- boards -------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts for one row of a board."""

    key: object
    label: str
    total: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0
    yellow: int = 0
    signed: int = 0
    sign_days: int = 0
    signed_quickly: int = 0
    due: int = 0
    unsigned_late: int = 0
    lights: dict[str, int] = field(default_factory=dict)

    @property
    def avg_sign_days(self) -> float | None:
        return self.sign_days / self.signed if self.signed else None

    @property
    def score(self) -> float | None:
        """得分 = 70 × 办结得分率 + 30 × 及时签收率 − 5 × 当前逾期数，最低 0 分；没有应办结
        事项的单位暂不评分 (None), and the board lists it after the units it can rank.

        办结得分率 = (按期办结数 + 0.5 × 逾期办结数) ÷ 应办结数 (办结的 + 已过时限未办结的):
        finishing late earns half, not finishing earns nothing, so a unit that finished
        nothing never outranks one that finished late;
        及时签收率 = 交办后 1 个工作日内签收数 ÷ 应签收数 (已签收的 + 交办超过 1 个工作日仍未
        签收的), none to sign → 1.
        """
        if not self.due:
            return None
        late = self.done - self.on_time
        done_rate = (self.on_time + 0.5 * late) / self.due
        to_sign = self.signed + self.unsigned_late
        sign_rate = self.signed_quickly / to_sign if to_sign else 1.0
        return max(0.0, round(70 * done_rate + 30 * sign_rate - 5 * self.overdue, 1))


SCORE_FORMULA = (
    "得分 = 70 × 办结得分率 + 30 × 及时签收率 − 5 × 当前逾期数（最低 0 分）。"
    "办结得分率 = （按期办结数 + 0.5 × 逾期办结数）÷ 应办结数（已办结的与已过时限未办结的）："
    "按期办结得全分，逾期办结得一半，未办结不得分；"
    "及时签收率 = 交办后 1 个工作日内签收数 ÷ 应签收数（已签收的与交办超过 1 个工作日仍未签收的）。"
    "尚无应办结事项的单位暂不评分，排在已评分单位之后。"
)


def _rank(tally: Tally) -> tuple[bool, float, str]:
    """Scored units first, best first; then the units not yet scored, by name."""
    score = tally.score
    return (score is None, -(score or 0.0), tally.label)


def _count(tally: Tally, task: Task, today: dt.date) -> None:
    light = str(getattr(task, "light", ""))
    tally.total += 1
    tally.lights[light] = tally.lights.get(light, 0) + 1
    if task.status == TaskStatus.DONE:
        tally.done += 1
        tally.due += 1
        tally.on_time += bool(task.on_time)
    elif light == Light.RED:
        tally.overdue += 1
        tally.due += 1
    elif light == Light.YELLOW:
        tally.yellow += 1
    if task.signed_at is not None:
        assigned = timezone.localdate(task.assigned_at)
        signed = timezone.localdate(task.signed_at)
        days = max(0, workdays_between(assigned, signed))
        tally.signed += 1
        tally.sign_days += days
        tally.signed_quickly += days <= 1
    elif task.status == TaskStatus.ASSIGNED:
        waited = workdays_between(timezone.localdate(task.assigned_at), today)
        tally.unsigned_late += waited > 1


def board_by_unit(*, user: User | AnonymousUser, today: dt.date | None = None) -> list[Tally]:
    today = today or timezone.localdate()
    rows: dict[int, Tally] = {}
    for task in tasks_visible(user=user, today=today):
        tally = rows.setdefault(
            task.lead_unit_id, Tally(key=task.lead_unit, label=task.lead_unit.name)
        )
        _count(tally, task, today)
    return sorted(rows.values(), key=_rank)


def board_by_document(*, user: User | AnonymousUser, today: dt.date | None = None) -> list[Tally]:
    today = today or timezone.localdate()
    rows: dict[int | None, Tally] = {}
    for task in tasks_visible(user=user, today=today):
        label = task.document.title if task.document else "（无来源文件）"
        tally = rows.setdefault(task.document_id, Tally(key=task.document, label=label))
        _count(tally, task, today)
    return sorted(rows.values(), key=lambda t: t.label)


def board_by_leader(*, user: User | AnonymousUser, today: dt.date | None = None) -> list[Tally]:
    today = today or timezone.localdate()
    rows: dict[int | None, Tally] = {}
    for task in tasks_visible(user=user, today=today):
        label = task.leader.display_name if task.leader else "（未指定责任领导）"
        tally = rows.setdefault(task.leader_id, Tally(key=task.leader, label=label))
        _count(tally, task, today)
    return sorted(rows.values(), key=lambda t: t.label)


# --- workbench ---------------------------------------------------------------------------


def workbench_tasks(*, user: User, today: dt.date | None = None) -> dict[str, list[Task]]:
    """My unsigned tasks (my unit leads them), tasks due soon and red tasks within my scope.

    The light is not computed in SQL here: each list holds one colour by its filter, which is
    the light's rule written as plain conditions (`with_light` compiles the whole CASE into the
    SELECT and again into the WHERE of every list, the larger part of the workbench's CPU). The
    panel shows title, deadline, lead unit and light: only those columns are read."""
    today = today or timezone.localdate()
    warn_until = add_workdays(today, warn_workdays())
    tasks = Task.objects.select_related("lead_unit").only(
        "id", "title", "deadline", "lead_unit", "lead_unit__name"
    )
    # Not done, and completion not asked for by the deadline (the green and blue rules).
    open_ = (
        visible_to(tasks, user)
        .exclude(status=TaskStatus.DONE)
        .exclude(status=TaskStatus.COMPLETION_REQUESTED, completion_requested_on__lte=F("deadline"))
    )
    unsigned = (
        list(
            visible_to(tasks, user).filter(status=TaskStatus.ASSIGNED, lead_unit_id=user.unit_id)[
                :10
            ]
        )
        if user.unit_id
        else []
    )
    late_milestone = Milestone.objects.filter(
        task=OuterRef("pk"), done_at__isnull=True, due__lt=today
    )
    due_soon: list[Task] = list(
        open_.annotate(behind=Exists(late_milestone)).filter(
            Q(deadline__gte=today) & (Q(deadline__lte=warn_until) | Q(behind=True))
        )[:10]
    )
    red = list(open_.filter(deadline__lt=today)[:10])
    for task in due_soon:
        setattr(task, "light", Light.YELLOW.value)  # noqa: B010 (as with_light annotates)
    for task in red:
        setattr(task, "light", Light.RED.value)  # noqa: B010
        setattr(task, "behind", False)  # noqa: B010 (the light's title reads it for yellow)
    return {"unsigned": unsigned, "due_soon": due_soon, "red": red}
