"""The one permission vocabulary (权限): what a user may *do*, beyond what they may *see*.

Seeing is the scope gate's job (`core/scope.py`). Doing is decided here, from the user's roles
and the width of their data scope, and nowhere else: every app asks `has(user, Cap.X)` instead
of comparing role codes, unit names or scope widths itself.

| capability | who holds it | what it allows |
|---|---|---|
| `WRITE`      | any role other than 领导 only; superusers | change records in scope |
| `LEAD`       | 领导; superusers | approve as a leader, escalations reach them |
| `SEE_CITY`   | a data scope of 全部数据 | city-wide pages (the leaders' views) |
| `OFFICE`     | 科室工作人员, 系统管理员; superusers | register, route and merge appeals |
| `APPROVE`    | `OFFICE` or `LEAD` | approve commitment dates and extensions |
| `ASSIGN`     | `OFFICE` or 单位工作人员 | assign liaison officers, set visit targets |
| `REGISTER`   | `OFFICE` or 单位工作人员 | open park and platform files, merge firms' files |
| `SUPERVISE`  | `SEE_CITY` and `WRITE` (督查) | decompose, confirm, review tasks |
| `IMPORT`     | `SEE_CITY` and `WRITE` | imports (they write city-wide facts) |
| `ADMINISTER` | 系统管理员; superusers | the calendar, dictionaries, audit log, users |
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from kaifang.core.models import DataScope, RoleCode, User
from kaifang.core.scope import effective_scope, forget_scope

_CACHE_ATTR = "_kaifang_capabilities"


class Cap(StrEnum):
    WRITE = "write"
    LEAD = "lead"
    SEE_CITY = "see_city"
    OFFICE = "office"
    APPROVE = "approve"
    ASSIGN = "assign"
    REGISTER = "register"
    SUPERVISE = "supervise"
    IMPORT = "import"
    ADMINISTER = "administer"


CAP_LABELS: dict[Cap, str] = {
    Cap.WRITE: "修改数据范围内的记录",
    Cap.LEAD: "领导审批",
    Cap.SEE_CITY: "查看全市数据",
    Cap.OFFICE: "诉求登记、派单与合并",
    Cap.APPROVE: "批准承诺办结与延期",
    Cap.ASSIGN: "分配包联干部、设置走访计划",
    Cap.REGISTER: "新建园区和平台档案、合并企业档案",
    Cap.SUPERVISE: "督查督办（分解、确认、审核）",
    Cap.IMPORT: "数据导入",
    Cap.ADMINISTER: "系统管理",
}


def capabilities(user: User | AnonymousUser | object) -> frozenset[Cap]:
    """Every capability the user holds (cached on the user object for the request)."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Cap] | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = effective_scope(user)  # reads the roles once for both (cached on the user)
    codes = set(scope.role_codes)
    caps: set[Cap] = set()
    if user.is_superuser:
        caps |= set(Cap)
    if codes - {RoleCode.LEADER}:
        caps.add(Cap.WRITE)
    if RoleCode.LEADER in codes:
        caps.add(Cap.LEAD)
    if scope.sees_all:
        caps.add(Cap.SEE_CITY)
    if codes & {RoleCode.DIVISION_STAFF, RoleCode.ADMIN}:
        caps.add(Cap.OFFICE)
    if Cap.OFFICE in caps or Cap.LEAD in caps:
        caps.add(Cap.APPROVE)
    if Cap.OFFICE in caps or RoleCode.UNIT_STAFF in codes:
        caps |= {Cap.ASSIGN, Cap.REGISTER}
    if Cap.SEE_CITY in caps and Cap.WRITE in caps:
        caps |= {Cap.SUPERVISE, Cap.IMPORT}
    if RoleCode.ADMIN in codes:
        caps.add(Cap.ADMINISTER)
    result = frozenset(caps)
    setattr(user, _CACHE_ATTR, result)
    return result


def has(user: User | AnonymousUser | object, cap: Cap) -> bool:
    return cap in capabilities(user)


def require(user: User | AnonymousUser | object, cap: Cap, message: str | None = None) -> None:
    """403 with a Chinese reason when the user lacks `cap`."""
    if not has(user, cap):
        raise PermissionDenied(message or f"您没有“{CAP_LABELS[cap]}”的权限。")


_HOLDERS: dict[Cap, Q] = {
    Cap.LEAD: Q(roles__code=RoleCode.LEADER),
    Cap.OFFICE: Q(roles__code__in=[RoleCode.DIVISION_STAFF, RoleCode.ADMIN]),
    Cap.SUPERVISE: Q(roles__data_scope=DataScope.ALL) & ~Q(roles__code=RoleCode.LEADER),
    Cap.ADMINISTER: Q(roles__code=RoleCode.ADMIN),
}


def holders(cap: Cap) -> QuerySet[User]:
    """Active users who hold `cap` (recipients of a notification meant for that function).
    A user whose several roles combine into `cap` in another way is found by `has()` only."""
    condition = _HOLDERS.get(cap)
    if condition is None:
        raise ValueError(f"holders() does not list {cap}")
    return User.objects.filter(is_active=True).filter(condition | Q(is_superuser=True)).distinct()


def forget(user: User) -> None:
    """Drop the cached capabilities (and the scope they read the roles from) after roles
    change."""
    forget_scope(user)
