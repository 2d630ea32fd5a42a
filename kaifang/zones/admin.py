from django.contrib import admin

from kaifang.zones.models import (
    Chain,
    ChainSegment,
    KpiDefinition,
    Park,
    ParkKpiDefinition,
    Platform,
    PlatformKind,
    Project,
    ZoneSettings,
)


@admin.register(ZoneSettings)
class ZoneSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "stuck_months", "milestone_warn_days")


class KpiInline(admin.TabularInline):  # type: ignore[type-arg]
    model = KpiDefinition
    extra = 1


@admin.register(PlatformKind)
class PlatformKindAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "order")
    inlines = [KpiInline]


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read here; status and milestones change on the platform page (with history)."""

    list_display = ("name", "kind", "status", "district", "park", "unit")
    list_filter = ("kind", "status")
    search_fields = ("name",)
    readonly_fields = ("status", "status_on")
    filter_horizontal = ("enterprises",)


@admin.register(ParkKpiDefinition)
class ParkKpiDefinitionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The monthly KPIs every park reports (园区指标)."""

    list_display = ("name", "unit", "order")


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "district", "tier")
    search_fields = ("name",)


class SegmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ChainSegment
    extra = 1


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Kept for administrators; staff edit segments on the chain's 维护环节 page, which
    writes the timeline and the audit log."""

    list_display = ("name", "order")
    inlines = [SegmentInline]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "direction", "stage", "stage_on", "district", "park", "officer")
    list_filter = ("direction", "stage")
    search_fields = ("name", "investor")
    readonly_fields = ("stage", "stage_on", "reached", "task_ref")
