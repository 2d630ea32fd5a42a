"""The api app's section on the profile page (个人访问令牌), registered with core."""

from __future__ import annotations

from django.http import HttpRequest

from kaifang.api.forms import TokenForm
from kaifang.api.selectors import tokens_for


def tokens_section(request: HttpRequest) -> dict[str, object] | None:
    if not request.user.is_authenticated:
        return None
    return {"tokens": list(tokens_for(request.user)), "form": TokenForm()}
