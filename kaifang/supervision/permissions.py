"""Who may do what to a task, beyond seeing it (seeing is the scope gate's job).

The office (督查): users whose scope is ALL and who hold a role other than 领导 — they
decompose documents, confirm tasks, review completion and decide extensions. The lead unit:
users of the task's lead unit (or with the lead unit inside their scope) who are not only
leaders — they sign, report and ask for completion or extension.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from kaifang.core import permissions
from kaifang.core.models import User
from kaifang.core.permissions import Cap
from kaifang.core.scope import effective_scope
from kaifang.supervision.models import Task


def _works(user: User) -> bool:
    return permissions.has(user, Cap.WRITE)


def is_supervisor(user: User | AnonymousUser) -> bool:
    return permissions.has(user, Cap.SUPERVISE)


def is_lead_member(user: User | AnonymousUser, task: Task) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    if user.unit_id is not None and user.unit_id == task.lead_unit_id:
        return True
    scope = effective_scope(user)
    return not scope.sees_all and task.lead_unit_id in scope.unit_ids and _works(user)
