"""Who may change platforms, parks and projects, beyond seeing them (the scope gate's job):
whoever holds core.permissions' WRITE (any role but 领导 only); opening a new park's or
platform's file needs REGISTER too (not a liaison officer, whose scope is his firms).
Turning a project into a supervised task is a leader's act (LEAD). Chains, city-wide maps,
are edited by those who see the whole city and may write (SEE_CITY and WRITE)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from kaifang.core.models import User
from kaifang.core.permissions import Cap, has, require


def is_editor(user: User | AnonymousUser) -> bool:
    return has(user, Cap.WRITE)


def require_editor(user: User | AnonymousUser) -> None:
    require(user, Cap.WRITE, "您没有维护平台、园区和招商项目的权限。")


def is_registrar(user: User | AnonymousUser) -> bool:
    return has(user, Cap.WRITE) and has(user, Cap.REGISTER)


def require_registrar(user: User | AnonymousUser) -> None:
    require_editor(user)
    require(user, Cap.REGISTER, "您没有新建园区和平台档案的权限（包联干部请联系所在单位）。")


def is_leader(user: User | AnonymousUser) -> bool:
    return has(user, Cap.LEAD)


CHAIN_EDITORS = "市局（全部数据范围）可修改数据的工作人员"


def can_edit_chains(user: User | AnonymousUser) -> bool:
    """A chain is a city-wide map: only those who see the whole city and may write (the
    bureau's staff, the holders of SEE_CITY and WRITE) change its segments."""
    return has(user, Cap.SEE_CITY) and has(user, Cap.WRITE)


def require_chain_editor(user: User | AnonymousUser) -> None:
    if not can_edit_chains(user):
        raise PermissionDenied(f"只有{CHAIN_EDITORS}可以维护产业链环节。")
