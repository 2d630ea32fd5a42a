"""Appeals (诉求) that concern a project or a platform. The service desk is a peer: it is
reached through kaifang.core.handover, never imported, and it owns the appeal; zones keeps
the appeal's id and tracking code. Lock order: platform or project first."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kaifang.core import audit, handover
from kaifang.core.models import User
from kaifang.enterprises.models import Enterprise
from kaifang.zones.actions import zone_event
from kaifang.zones.models import Platform, PlatformAppeal, Project, ProjectProblem


def appeal_categories() -> list[tuple[str, str]]:
    """The service desk's appeal categories (诉求类别), or none when it is not installed."""
    return list(handover.call("servicedesk.categories") or [])


def _check(text: str, category: str) -> None:
    if len(text.strip()) < 10:
        raise ValidationError("请具体描述问题（至少10个字）。")
    if not handover.available("servicedesk.appeal_create"):
        raise ValidationError("企业服务模块未启用。")
    if category not in dict(appeal_categories()):
        raise ValidationError("请选择诉求类别。")


def _create_appeal(
    *, actor: User, enterprise: Enterprise, category: str, description: str, title: str
) -> Any:
    if not enterprise.uscc:
        raise ValidationError(f"“{enterprise.name}”没有统一社会信用代码，不能转为企业诉求。")
    return handover.call(
        "servicedesk.appeal_create",
        actor=actor,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        category=category,
        description=description,
        source="meeting",
        title=title,
    )


@transaction.atomic
def project_raise_problem(
    *, actor: User, project: Project, text: str, category: str
) -> ProjectProblem:
    """A problem on a project becomes a service-desk appeal (诉求) of the chosen category in
    one step."""
    _check(text, category)
    project = Project.objects.select_for_update().get(pk=project.pk)
    enterprise = project.enterprise
    if enterprise is None or not enterprise.uscc:
        raise ValidationError("项目尚未关联有统一社会信用代码的企业，不能转为企业诉求。")
    appeal = _create_appeal(
        actor=actor,
        enterprise=enterprise,
        category=category,
        description=f"【招商项目：{project.name}】{text.strip()}",
        title=f"{project.name}：{text.strip()[:60]}",
    )
    problem = ProjectProblem.objects.create(
        project=project,
        text=text.strip(),
        appeal_ref=appeal.pk,
        appeal_code=appeal.tracking_code,
        raised_by=actor,
    )
    label = dict(appeal_categories())[category]
    zone_event(
        project=project,
        kind="problem",
        text=f"问题转为企业诉求 {appeal.tracking_code}（{label}）：{text.strip()[:80]}",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.project.problem",
        obj=project,
        changes={"text": text, "category": category, "appeal": appeal.tracking_code},
    )
    return problem


@transaction.atomic
def platform_raise_appeal(
    *, actor: User, platform: Platform, enterprise: Enterprise, category: str, text: str
) -> PlatformAppeal:
    """An enterprise operating on the platform raises a problem there: it becomes a
    service-desk appeal, listed on the platform's page."""
    _check(text, category)
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if not platform.enterprises.filter(pk=enterprise.pk).exists():
        raise ValidationError("请选择在本平台运营的企业。")
    appeal = _create_appeal(
        actor=actor,
        enterprise=enterprise,
        category=category,
        description=f"【开放平台：{platform.name}】{text.strip()}",
        title=f"{platform.name}：{text.strip()[:60]}",
    )
    link = PlatformAppeal.objects.create(
        platform=platform,
        appeal_ref=appeal.pk,
        appeal_code=appeal.tracking_code,
        raised=True,
        linked_by=actor,
    )
    label = dict(appeal_categories())[category]
    zone_event(
        platform=platform,
        kind="appeal",
        text=f"{enterprise.name}的问题转为企业诉求 {appeal.tracking_code}（{label}）",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.platform.appeal_raise",
        obj=platform,
        changes={
            "enterprise": enterprise.pk,
            "category": category,
            "text": text,
            "appeal": appeal.tracking_code,
        },
    )
    return link


@transaction.atomic
def platform_link_appeal(*, actor: User, platform: Platform, code: str) -> PlatformAppeal:
    """Link an appeal the actor can see (by its tracking code) to the platform."""
    found = handover.call("servicedesk.appeal_by_code", user=actor, code=code)
    if not found:
        raise ValidationError("没有找到该查询码的诉求，或它不在您的数据范围内。")
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    if platform.appeals.filter(appeal_ref=found["id"]).exists():
        raise ValidationError(f"诉求 {found['code']} 已关联本平台。")
    link = PlatformAppeal.objects.create(
        platform=platform, appeal_ref=found["id"], appeal_code=found["code"], linked_by=actor
    )
    zone_event(
        platform=platform,
        kind="appeal",
        text=f"关联企业诉求 {found['code']}：{found['title']}",
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="zones.platform.appeal_link",
        obj=platform,
        changes={"appeal": found["code"]},
    )
    return link


@transaction.atomic
def platform_unlink_appeal(*, actor: User, link: PlatformAppeal) -> None:
    """Remove the link (the appeal itself stays in the service desk)."""
    platform = Platform.objects.select_for_update().get(pk=link.platform_id)
    code = link.appeal_code
    link.delete()
    zone_event(platform=platform, kind="appeal", text=f"取消关联企业诉求 {code}", actor=actor)
    audit.record(
        actor=actor,
        action="zones.platform.appeal_unlink",
        obj=platform,
        changes={"appeal": code},
    )
