"""Writes of 督查督办 (see common.py for what every action does, and the lock order)."""

from __future__ import annotations

from kaifang.supervision.actions.common import (
    task_event,
    unit_directory,
)
from kaifang.supervision.actions.documents import (
    candidate_discard,
    candidate_merge,
    candidate_split,
    candidate_unit_map,
    candidate_update,
    document_create,
    document_decompose,
    task_confirm,
    unmatched_phrases,
)
from kaifang.supervision.actions.tasks import (
    extension_approve,
    extension_refuse,
    extension_request,
    milestone_add,
    milestone_complete,
    task_accept,
    task_open,
    task_report,
    task_request_completion,
    task_return,
    task_sign,
    task_update,
)

__all__ = [
    "candidate_discard",
    "candidate_merge",
    "candidate_split",
    "candidate_unit_map",
    "candidate_update",
    "document_create",
    "document_decompose",
    "extension_approve",
    "extension_refuse",
    "extension_request",
    "milestone_add",
    "milestone_complete",
    "task_accept",
    "task_confirm",
    "task_event",
    "task_open",
    "task_report",
    "task_request_completion",
    "task_return",
    "task_sign",
    "task_update",
    "unit_directory",
    "unmatched_phrases",
]
