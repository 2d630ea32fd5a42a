"""The profile page's 个人访问令牌 section: create (the token shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaifang.api import actions, selectors
from kaifang.api.forms import TokenForm
from kaifang.core.lib.requests import current_user


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写令牌名称（不超过 50 字）。")
        return redirect("core:profile")
    token, raw = actions.token_create(user=user, name=form.cleaned_data["name"], actor=user)
    # Rendered in the POST's response, never stored: the token is shown this once.
    response = render(request, "api/token_created.html", {"token": token, "raw": raw})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    token = selectors.token_get(user=user, pk=pk)
    try:
        actions.token_revoke(token=token, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已吊销令牌“{token.name}”。")
    return redirect("core:profile")
