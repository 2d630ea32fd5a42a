"""Core models, one module per concern; import from here."""

from kaifang.core.models.audit import AuditEntry
from kaifang.core.models.calendar import CalendarDay, CalendarDayKind, CalendarYear
from kaifang.core.models.units import Unit, UnitKind
from kaifang.core.models.users import SCOPE_WIDTH, DataScope, Role, RoleCode, User

__all__ = [
    "SCOPE_WIDTH",
    "AuditEntry",
    "CalendarDay",
    "CalendarDayKind",
    "CalendarYear",
    "DataScope",
    "Role",
    "RoleCode",
    "Unit",
    "UnitKind",
    "User",
]
