"""A platform's appeals (诉求): raise one for an enterprise operating on the platform, link an
existing one by its tracking code, or remove a link. The appeal itself lives in the service
desk; these pages only keep the link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaifang.core.lib.requests import current_user
from kaifang.zones import selectors
from kaifang.zones.actions import appeals as actions_appeals
from kaifang.zones.forms import AppealLinkForm, PlatformAppealForm
from kaifang.zones.models import Platform
from kaifang.zones.permissions import require_editor
from kaifang.zones.views.common import attempt, form_errors


def _platform(request: HttpRequest, pk: int) -> Platform:
    user = current_user(request)
    platform = selectors.platform_for_user(user=user, pk=pk, write=True)
    require_editor(user)
    return platform


def _back(platform: Platform) -> str:
    return reverse("zones:platform_detail", args=[platform.pk]) + "#appeals"


@login_required
@require_POST
def platform_appeal_raise(request: HttpRequest, pk: int) -> HttpResponse:
    platform, user = _platform(request, pk), current_user(request)
    form = PlatformAppealForm(
        request.POST, enterprises=selectors.visible_to_enterprises(user, platform)
    )
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(platform))
    return attempt(
        request,
        lambda: actions_appeals.platform_raise_appeal(
            actor=user, platform=platform, **form.cleaned_data
        ),
        success="问题已转为企业诉求，由企业服务模块派单办理。",
        back=_back(platform),
    )


@login_required
@require_POST
def platform_appeal_link(request: HttpRequest, pk: int) -> HttpResponse:
    platform, user = _platform(request, pk), current_user(request)
    form = AppealLinkForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(platform))
    return attempt(
        request,
        lambda: actions_appeals.platform_link_appeal(
            actor=user, platform=platform, code=form.cleaned_data["code"]
        ),
        success="已关联诉求。",
        back=_back(platform),
    )


@login_required
@require_POST
def platform_appeal_unlink(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    platform, user = _platform(request, pk), current_user(request)
    link = platform.appeals.filter(pk=link_pk).first()
    if link is None:
        raise Http404("关联不存在")
    return attempt(
        request,
        lambda: actions_appeals.platform_unlink_appeal(actor=user, link=link),
        success="已取消关联（诉求本身仍在企业服务中办理）。",
        back=_back(platform),
    )
