"""What every supervision view shares: run an action and turn its refusal into a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect


def refusal(error: ValidationError) -> str:
    return "；".join(error.messages)


def attempt(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success: str,
    back: str,
) -> HttpResponse:
    """Run the action; on refusal show its Chinese message. Either way go back."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, success)
    return HttpResponseRedirect(back)


def form_errors(request: HttpRequest, form: Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))
