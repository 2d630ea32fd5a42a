"""Maintaining an industry chain (产业链) and its segments (环节) in the UI: the chain's name and
description, segments added, edited, moved up or down within 上游/中游/下游, and removed after
a confirmation. Only the bureau's city-wide editors (permissions.can_edit_chains) may."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kaifang.core.lib.requests import current_user
from kaifang.zones import selectors
from kaifang.zones.actions import chains as actions_chains
from kaifang.zones.forms import ChainForm, SegmentForm
from kaifang.zones.models import Chain, ChainSegment
from kaifang.zones.permissions import require_chain_editor
from kaifang.zones.views.common import add_action_errors, attempt, form_errors


def _chain(request: HttpRequest, pk: int) -> Chain:
    require_chain_editor(request.user)
    return selectors.chain_get(pk)


def _segment(chain: Chain, segment_pk: int) -> ChainSegment:
    found = chain.segments.filter(pk=segment_pk).first()
    if found is None:
        raise Http404("环节不存在")
    return found


def _back(chain: Chain) -> str:
    return reverse("zones:chain_edit", args=[chain.pk])


@login_required
def chain_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_chain_editor(user)
    form = ChainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chain = actions_chains.chain_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"已建立产业链“{chain.name}”，请添加它的环节。")
            return redirect(_back(chain))
    return render(request, "zones/chain_form.html", {"form": form})


@login_required
def chain_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The chain's maintenance page: its name, its segments in order, a form to add one."""
    chain, user = _chain(request, pk), current_user(request)
    form = ChainForm(
        request.POST or None,
        initial={"name": chain.name, "description": chain.description},
        auto_id="chain_%s",  # the segment form on the same page has its own "name"
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions_chains.chain_update(actor=user, chain=chain, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect(_back(chain))
    return render(
        request,
        "zones/chain_edit.html",
        {
            "chain": chain,
            "form": form,
            "segments": chain.segments.all(),
            "segment_form": SegmentForm(),
            "events": chain.events.select_related("actor")[:30],
        },
    )


@login_required
@require_POST
def segment_new(request: HttpRequest, pk: int) -> HttpResponse:
    chain, user = _chain(request, pk), current_user(request)
    form = SegmentForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(_back(chain))
    return attempt(
        request,
        lambda: actions_chains.segment_add(actor=user, chain=chain, **form.cleaned_data),
        success="已新增环节。",
        back=_back(chain),
    )


@login_required
def segment_edit(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    chain, user = _chain(request, pk), current_user(request)
    segment = _segment(chain, segment_pk)
    initial = {name: getattr(segment, name) for name in actions_chains.SEGMENT_FIELDS}
    form = SegmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions_chains.segment_update(actor=user, segment=segment, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "环节已保存。")
            return redirect(_back(chain))
    return render(
        request, "zones/segment_form.html", {"chain": chain, "segment": segment, "form": form}
    )


@login_required
@require_POST
def segment_move(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    chain, user = _chain(request, pk), current_user(request)
    segment = _segment(chain, segment_pk)
    up = request.POST.get("direction") != "down"
    return attempt(
        request,
        lambda: actions_chains.segment_move(actor=user, segment=segment, up=up),
        success="已调整顺序。",
        back=_back(chain),
    )


@login_required
@require_POST
def segment_remove(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    chain, user = _chain(request, pk), current_user(request)
    segment = _segment(chain, segment_pk)
    return attempt(
        request,
        lambda: actions_chains.segment_remove(actor=user, segment=segment),
        success=f"已删除环节“{segment.name}”。",
        back=_back(chain),
    )
