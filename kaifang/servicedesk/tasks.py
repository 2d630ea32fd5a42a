"""Periodic work of the service desk."""

from __future__ import annotations

from kaifang.core.schedules import periodic
from kaifang.servicedesk import escalation
from kaifang.servicedesk import exports as exports  # registers the writer the worker runs


@periodic("servicedesk.sla_scan", cron="30 8 * * *")
def sla_scan() -> None:
    """Every morning: reminders before deadlines, escalation after them (idempotent)."""
    escalation.scan()
