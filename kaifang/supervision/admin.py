from django.contrib import admin

from kaifang.supervision.models import ReminderLog, SourceDocument, Task


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "kind", "date", "status")
    search_fields = ("title",)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "lead_unit", "deadline", "status")
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = ("original_deadline", "assigned_at", "signed_at", "done_at", "on_time")


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("task", "kind", "due", "sent_on", "recipients")
