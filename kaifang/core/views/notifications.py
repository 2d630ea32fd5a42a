"""The notification bell, list and preferences. Everything is the user's own: another user's
notification id answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kaifang.core import notifications
from kaifang.core.forms import NotificationPreferenceForm
from kaifang.core.lib.requests import current_user


@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The top-bar badge, re-fetched by htmx every 30 seconds."""
    count = notifications.unread_count(current_user(request))
    return render(request, "partials/bell.html", {"unread_notifications": count})


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    unread_only = request.GET.get("filter") == "unread"
    rows = notifications.notifications_for(user, unread_only=unread_only)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notification_list.html",
        {"page": page, "unread_only": unread_only, "categories": notifications.categories()},
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    user = current_user(request)
    row = notifications.notification_for_user(user, pk)
    notifications.notification_mark_read(user=user, notification=row)
    if row.url and url_has_allowed_host_and_scheme(row.url, allowed_hosts=None):
        return redirect(row.url)
    return redirect("core:notification_list")


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("core:notification_list")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    row = notifications.notification_for_user(user, pk)
    notifications.notification_mark_read(user=user, notification=row)
    return _back(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.notification_mark_all_read(user=current_user(request))
    messages.success(request, f"已将 {count} 条通知标记为已读。")
    return _back(request)


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    pref = notifications.preference_for(user)
    choices = notifications.categories()
    if request.method == "POST":
        form = NotificationPreferenceForm(request.POST, categories=choices)
        if form.is_valid():
            notifications.preference_update(user=user, **form.cleaned_data)
            messages.success(request, "通知设置已保存。")
            return redirect("core:notification_preferences")
    else:
        form = NotificationPreferenceForm(
            initial={
                "email_enabled": pref.email_enabled,
                "webhook_enabled": pref.webhook_enabled,
                "muted_categories": pref.muted_categories,
            },
            categories=choices,
        )
    return render(
        request,
        "core/notification_preferences.html",
        {"form": form, "has_email": bool(user.email)},
    )
