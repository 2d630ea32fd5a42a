"""Who may change platforms, parks and projects, beyond seeing them (the scope gate's job):
whoever holds core.permissions' WRITE (any role but 领导 only). Turning a project into a
supervised task is a leader's act (LEAD)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from kaifang.core.models import User
from kaifang.core.permissions import Cap, has, require


def is_editor(user: User | AnonymousUser) -> bool:
    return has(user, Cap.WRITE)


def require_editor(user: User | AnonymousUser) -> None:
    require(user, Cap.WRITE, "您没有维护平台、园区和招商项目的权限。")


def is_leader(user: User | AnonymousUser) -> bool:
    return has(user, Cap.LEAD)
