"""Login, logout, password change and the profile page (with the effective data scope)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from kaifang.core import profile_sections
from kaifang.core.forms import LoginForm
from kaifang.core.lib.requests import current_user
from kaifang.core.scope import effective_scope

SPRAY_GROUP = "core.login.address"


def _address_usage(request: HttpRequest, *, increment: bool) -> bool:
    """Whether this address has failed more logins this hour than allowed, whatever the
    accounts (password spraying); axes limits each account at each address on its own."""
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    usage = get_usage(
        request, group=SPRAY_GROUP, key="ip", rate=f"{limit}/h", method=ALL, increment=increment
    )
    return bool(usage and usage["count"] >= limit)


class LoginView(auth_views.LoginView):
    """Django's login, with the address limit in front of axes' per-account lockout."""

    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _address_usage(request, increment=False):
            return render(request, "core/lockout_address.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if _address_usage(self.request, increment=True):
            return render(self.request, "core/lockout_address.html", status=429)
        return super().form_invalid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = reverse_lazy("core:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "core/password_change_done.html"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scope = effective_scope(user)
    return render(
        request,
        "core/profile.html",
        {
            "profile_user": user,
            "scope": scope,
            "roles": user.roles.all(),
            "sections": profile_sections.sections_for(request),
        },
    )
