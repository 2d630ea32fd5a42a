"""Admin pages of the core app, one module per subject; importing them registers them:
jobs, notifications, deliveries and group robots (``jobs.py``), accounts and units
(``accounts.py``), the working-day calendar (``calendar.py``), reference data
(``reference.py``)."""

from kaifang.core.admin import accounts, calendar, jobs, reference

__all__ = ["accounts", "calendar", "jobs", "reference"]
