from django.contrib import admin

from kaifang.library.models import Document, Fair, LedgerEntry, ReplyTemplate, SupportItem


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "doc_number", "level", "issued", "status")
    list_filter = ("level", "status")
    search_fields = ("title", "doc_number")


@admin.register(SupportItem)
class SupportItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "document", "benefit", "no_application")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("item", "enterprise", "status", "amount")
    list_filter = ("status",)


@admin.register(Fair)
class FairAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "session", "city", "starts", "list_imported_at")
    search_fields = ("name",)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "category", "document", "anchor", "updated_at")
    list_filter = ("category",)
