"""What the service desk offers its peers through kaifang.core.handover."""

from __future__ import annotations

from kaifang.core import handover
from kaifang.servicedesk import codes
from kaifang.servicedesk.actions import appeal_create
from kaifang.servicedesk.models import Appeal
from kaifang.servicedesk.selectors import public_appeal


def appeal_by_code(*, code: str) -> Appeal | None:
    """The one appeal a tracking code opens (as typed: normalised here), or None."""
    return public_appeal(codes.normalise(code))


def register() -> None:
    handover.provide("servicedesk.appeal_create", appeal_create)
    handover.provide("servicedesk.appeal_by_code", appeal_by_code)
