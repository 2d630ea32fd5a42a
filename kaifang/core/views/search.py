"""The results page of the header's search box."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaifang.core import search as finders


@login_required
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    found = finders.search(request.user, q)
    return render(
        request,
        "core/search.html",
        {
            "q": q,
            "found": found,
            "too_short": 0 < len(q) < finders.MIN_LENGTH,
            "min_length": finders.MIN_LENGTH,
        },
    )
