"""Login, logout, password change and the profile page (with the effective data scope)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from kaifang.core import profile_sections
from kaifang.core.forms import LoginForm
from kaifang.core.lib.requests import current_user
from kaifang.core.scope import effective_scope


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
