"""Admin pages for the register's dictionaries (tags)."""

from django.contrib import admin

from kaifang.enterprises.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "order"]
    list_editable = ["order"]
