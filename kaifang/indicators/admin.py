"""Indicator and region definitions: edited here by administrators, each save and delete
audited (kaifang.core.admin.audited)."""

from django.contrib import admin

from kaifang.core.admin.audited import AuditedAdmin
from kaifang.indicators.models import Indicator, Region


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("code", "name", "unit", "frequency", "cumulative", "source_kind", "is_active")
    list_filter = ("source_kind", "frequency", "is_active")
    search_fields = ("code", "name", "aliases")


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    """Peer cities are chosen here (对标城市: add a row of kind 对标城市, or deactivate one)."""

    list_display = ("code", "name", "kind", "unit", "order", "is_active")
    list_filter = ("kind", "is_active")
