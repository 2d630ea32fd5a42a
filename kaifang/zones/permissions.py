"""Who may change platforms, parks and projects, beyond seeing them (the scope gate's job):
the bureau's divisions, districts and parks; not leaders (they read, and may supervise a
project) and not liaison officers (their scope is their own enterprises)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from kaifang.core.models import RoleCode, User

READ_ONLY_ROLES = {RoleCode.LEADER, RoleCode.LIAISON}


def is_editor(user: User | AnonymousUser) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(role.code not in READ_ONLY_ROLES for role in user.roles.all())


def require_editor(user: User | AnonymousUser) -> None:
    if not is_editor(user):
        raise PermissionDenied("您没有维护平台、园区和招商项目的权限。")
