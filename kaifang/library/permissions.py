"""Who may change the library, beyond reading it (every signed-in user reads documents).

Editors: users who see the whole city and hold a role other than 领导 (the bureau's divisions,
administrators) — they upload documents and versions and define support items. The 免申即享
ledger is advanced by editors and by the item's responsible unit, on the entries their scope
shows them.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from kaifang.core.models import RoleCode, User
from kaifang.core.scope import effective_scope
from kaifang.library.models import SupportItem


def _works(user: User) -> bool:
    return user.is_superuser or any(role.code != RoleCode.LEADER for role in user.roles.all())


def is_editor(user: User | AnonymousUser) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    return effective_scope(user).sees_all and _works(user)


def may_pay(user: User | AnonymousUser, item: SupportItem) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    if is_editor(user):
        return True
    return (
        item.responsible_unit_id is not None
        and user.unit_id == item.responsible_unit_id
        and _works(user)
    )
