"""Reads of the briefing archive, through the scope gate."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kaifang.core.models import User
from kaifang.core.scope import get_for_user, visible_to
from kaifang.reports.models import Briefing


def briefings_for(user: User) -> QuerySet[Briefing]:
    return visible_to(Briefing.objects.select_related("created_by"), user)


def briefing_get(*, user: User, pk: Any) -> Briefing:
    return get_for_user(Briefing.objects.all(), user, pk)
