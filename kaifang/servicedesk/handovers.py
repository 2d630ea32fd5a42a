"""What the service desk offers its peers through kaifang.core.handover."""

from __future__ import annotations

from kaifang.core import handover
from kaifang.servicedesk.actions import appeal_create


def register() -> None:
    handover.provide("servicedesk.appeal_create", appeal_create)
