"""Core models, one module per concern; import from here."""

from kaifang.core.models.audit import AuditEntry
from kaifang.core.models.calendar import CalendarDay, CalendarDayKind, CalendarYear
from kaifang.core.models.jobs import JOB_STATUS_COLOURS, Job, JobStatus
from kaifang.core.models.notifications import (
    DELIVERY_STATUS_COLOURS,
    NOTIFICATION_LEVEL_COLOURS,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    NotificationLevel,
    NotificationPreference,
    WebhookChannel,
    WebhookKind,
)
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
    "DELIVERY_STATUS_COLOURS",
    "JOB_STATUS_COLOURS",
    "NOTIFICATION_LEVEL_COLOURS",
    "SCOPE_WIDTH",
    "AdminDivision",
    "AuditEntry",
    "CalendarDay",
    "CalendarDayKind",
    "CalendarYear",
    "Continent",
    "DataScope",
    "Delivery",
    "DeliveryChannel",
    "DeliveryStatus",
    "HSCode",
    "Industry",
    "Job",
    "JobStatus",
    "Notification",
    "NotificationLevel",
    "NotificationPreference",
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
    "WebhookChannel",
    "WebhookKind",
]
