"""The 数据字典 overview: each reference dictionary, its size, and a link into the admin."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaifang.core.reference import dictionary_counts


@staff_member_required
def dictionaries(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dictionaries.html", {"rows": dictionary_counts()})
