"""Admin pages for saved header templates."""

from django.contrib import admin

from kaifang.trade.models import MappingTemplate


@admin.register(MappingTemplate)
class MappingTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "created_by", "created_at"]
    list_filter = ["kind"]
