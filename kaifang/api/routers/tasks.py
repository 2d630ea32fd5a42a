"""Supervised tasks (督办事项) within the caller's scope, with the list page's filters; one
task with its milestones, progress reports and timeline; and the progress report (进展报送),
through the same form and action as the task page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kaifang.api.body import BodyError, form_or_json
from kaifang.api.common import (
    ErrorOut,
    Page,
    PageQuery,
    Ref,
    cleaned,
    error_docs,
    paginate,
    ref,
    responses,
)
from kaifang.core.lib.requests import current_user
from kaifang.supervision import actions, selectors
from kaifang.supervision.forms import ATTACHMENT_TYPES, ReportForm, TaskFilterForm
from kaifang.supervision.models import Light, Task, TaskStatus

router = Router(tags=["督查督办"])


class TaskQuery(PageQuery):
    q: str = Field("", description="任务内容关键词")
    status: str = Field(
        "", description="状态：" + "、".join(f"{v} {lb}" for v, lb in TaskStatus.choices)
    )
    light: str = Field("", description="亮灯：" + "、".join(f"{v} {lb}" for v, lb in Light.choices))
    unit: int | None = Field(None, description="牵头或责任单位 id")
    document: int | None = Field(None, description="来源文件 id")
    tag: str = Field("", description="标签")
    deadline_from: dt.date | None = Field(None, description="完成时限自")
    deadline_to: dt.date | None = Field(None, description="完成时限至")


class TaskOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    light: str = Field(
        description="亮灯：blue 正常推进 / yellow 临期预警 / red 逾期 / green 已办结"
    )
    light_label: str
    lead_unit: Ref
    co_units: list[Ref]
    deadline: dt.date
    original_deadline: dt.date
    percent: int
    document: Ref | None
    tags: str


class MilestoneOut(Schema):
    title: str
    due: dt.date
    done_at: dt.date | None


class ReportOut(Schema):
    id: int
    text: str
    percent: int
    reported_on: dt.date
    author: str | None


class EventOut(Schema):
    at: dt.datetime
    kind: str
    kind_label: str
    actor: str | None
    message: str


class TaskDetailOut(TaskOut):
    source_sentence: str = Field(description="原文句子")
    leader: str | None = Field(description="责任领导")
    milestones: list[MilestoneOut]
    reports: list[ReportOut]
    events: list[EventOut]


class ReportCreatedOut(ReportOut):
    task_status: str
    task_percent: int


def _out(task: Task) -> dict[str, Any]:
    light = str(getattr(task, "light", ""))
    return {
        "id": task.pk,
        "title": task.title,
        "status": task.status,
        "status_label": task.get_status_display(),
        "light": light,
        "light_label": Light(light).label if light else "",
        "lead_unit": ref(task.lead_unit),
        "co_units": [ref(u) for u in task.co_units.all()],
        "deadline": task.deadline,
        "original_deadline": task.original_deadline,
        "percent": task.percent,
        "document": ref(task.document),
        "tags": task.tags,
    }


def _report(report: Any) -> dict[str, Any]:
    return {
        "id": report.pk,
        "text": report.text,
        "percent": report.percent,
        "reported_on": report.reported_on,
        "author": report.author.display_name if report.author else None,
    }


@router.get(
    "",
    response=responses(Page[TaskOut], 422),
    summary="督办事项（分页）",
    description="当前用户数据范围内的督办事项，筛选条件与督办事项列表页面相同，按完成时限排序。",
    openapi_extra=error_docs(422),
)
def task_list_api(request: HttpRequest, params: Query[TaskQuery]) -> dict[str, Any]:
    user = current_user(request)
    data = cleaned(TaskFilterForm(request.GET, documents=selectors.documents_visible(user=user)))
    tasks = selectors.task_list(user=user, filters=selectors.TaskFilter(**data))
    return paginate(tasks, params, _out)


@router.get(
    "/{task_id}",
    response=responses(TaskDetailOut, 404, 422),
    summary="督办事项详情（含节点、进展和办理记录）",
    openapi_extra=error_docs(404, 422),
)
def task_detail_api(request: HttpRequest, task_id: int) -> dict[str, Any]:
    user = current_user(request)
    task = selectors.task_for_user(user=user, pk=task_id)
    context = selectors.task_detail_context(task, user=user)
    return {
        **_out(task),
        "source_sentence": task.source_sentence,
        "leader": task.leader.display_name if task.leader else None,
        "milestones": [
            {"title": m.title, "due": m.due, "done_at": m.done_at}
            for m in context["milestones"]  # type: ignore[attr-defined]
        ],
        "reports": [_report(r) for r in context["reports"]],  # type: ignore[attr-defined]
        "events": [
            {
                "at": e.created_at,
                "kind": e.kind,
                "kind_label": e.get_kind_display(),
                "actor": e.actor.display_name if e.actor else None,
                "message": e.message,
            }
            for e in context["events"]  # type: ignore[attr-defined]
        ],
    }


REPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["text", "percent"],
                    "properties": {
                        "text": {"type": "string", "description": "进展情况"},
                        "percent": {"type": "integer", "description": "完成进度（0–100）"},
                    },
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["text", "percent"],
                    "properties": {
                        "text": {"type": "string", "description": "进展情况"},
                        "percent": {"type": "integer", "description": "完成进度（0–100）"},
                        "attachment": {
                            "type": "string",
                            "format": "binary",
                            "description": "附件（可选，与页面相同）："
                            + "、".join(sorted(ATTACHMENT_TYPES))
                            + "；不超过 SUPERVISION_ATTACHMENT_MAX_MB（默认 20 MB），"
                            "内容须与扩展名相符，压缩包与 Office 文件另经安全检查",
                        },
                    },
                }
            },
        },
    }
}


@router.post(
    "/{task_id}/reports",
    response=responses(ReportCreatedOut, 400, 403, 404, 415, 422, status=201),
    summary="报送进展",
    description="牵头单位报送进展（与任务页面的“报送进展”相同的表单校验、办理记录、审计）；"
    "已签收的任务随之进入办理中。不带附件时可用 JSON 提交；带附件时以 multipart/form-data "
    "提交 text、percent 和 attachment，附件的类型、大小和内容检查与页面相同。",
    openapi_extra={
        **error_docs(400, 403, 404, 415, 422, ok=201, ok_text="已报送，返回该条进展"),
        **REPORT_BODY,
    },
)
def task_report_api(request: HttpRequest, task_id: int) -> Status[dict[str, Any] | ErrorOut]:
    user = current_user(request)
    task = selectors.task_for_user(user=user, pk=task_id)
    try:
        fields, files = form_or_json(request)
    except BodyError as error:
        return Status(error.status, ErrorOut(detail=error.detail))
    if any(isinstance(value, dict | list) for value in fields.values()):
        return Status(400, ErrorOut(detail="字段必须是字符串或数字。"))
    data = cleaned(ReportForm(data=fields, files=files))
    attachment = data.get("attachment")
    report = actions.task_report(
        actor=user,
        task=task,
        text=data["text"],
        percent=data["percent"],
        files=[attachment] if attachment else [],
    )
    task.refresh_from_db(fields=["status", "percent"])
    return Status(
        201, {**_report(report), "task_status": task.status, "task_percent": task.percent}
    )
