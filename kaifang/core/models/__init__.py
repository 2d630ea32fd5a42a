"""Core models, one module per concern; import from here."""

from kaifang.core.models.audit import AuditEntry
from kaifang.core.models.calendar import CalendarDay, CalendarDayKind, CalendarYear
from kaifang.core.models.reference import (
    AdminDivision,
    Continent,
    HSCode,
    Industry,
    Partner,
    PartnerGroup,
    RegistrationProvince,
    SupervisionMode,
    TradeMode,
)
from kaifang.core.models.units import Unit, UnitKind
from kaifang.core.models.users import SCOPE_WIDTH, DataScope, Role, RoleCode, User

__all__ = [
    "SCOPE_WIDTH",
    "AdminDivision",
    "AuditEntry",
    "CalendarDay",
    "CalendarDayKind",
    "CalendarYear",
    "Continent",
    "DataScope",
    "HSCode",
    "Industry",
    "Partner",
    "PartnerGroup",
    "RegistrationProvince",
    "Role",
    "RoleCode",
    "SupervisionMode",
    "TradeMode",
    "Unit",
    "UnitKind",
    "User",
]
