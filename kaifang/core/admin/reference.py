"""Admin pages of the reference dictionaries (数据字典): browse, search, edit. Rows are never
deleted here (other data points at them); an administrator switches 启用 off instead."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from kaifang.core import audit
from kaifang.core.lib.requests import current_user
from kaifang.core.models import (
    AdminDivision,
    HSCode,
    Industry,
    Partner,
    PartnerGroup,
    RegistrationProvince,
    SupervisionMode,
    TradeMode,
)


class DictionaryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Audited edits, no deletion, 50 rows a page."""

    list_per_page = 50
    show_full_result_count = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: Any,
        form: ModelForm[Any],
        change: bool,  # noqa: FBT001  (Django admin signature)
    ) -> None:
        super().save_model(request, obj, form, change)
        changes = {name: form.cleaned_data.get(name) for name in form.changed_data}
        audit.record(
            actor=current_user(request),
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            obj=obj,
            changes=changes,
        )


@admin.register(Industry)
class IndustryAdmin(DictionaryAdmin):
    list_display = ["code", "name", "level", "section_code", "parent", "is_active"]
    list_filter = ["level", "section_code", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(Partner)
class PartnerAdmin(DictionaryAdmin):
    list_display = ["code", "name_zh", "name_en_clean", "iso3", "iso2", "continent", "is_active"]
    list_filter = ["continent", "groups", "is_active"]
    search_fields = [
        "code",
        "name_zh",
        "name_zh_clean",
        "name_en",
        "name_en_clean",
        "iso3",
        "aliases",
    ]
    readonly_fields = ["iso_match_method"]


@admin.register(PartnerGroup)
class PartnerGroupAdmin(DictionaryAdmin):
    list_display = ["code", "name", "member_count", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "description"]
    filter_horizontal = ["members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartnerGroup]:
        return super().get_queryset(request).prefetch_related("members")

    @admin.display(description="成员数")
    def member_count(self, obj: PartnerGroup) -> int:
        return len(obj.members.all())

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formsets: Any,
        change: bool,  # noqa: FBT001  (Django admin signature)
    ) -> None:
        super().save_related(request, form, formsets, change)
        if "members" in form.changed_data:
            audit.record(
                actor=current_user(request),
                action="partnergroup.members",
                obj=form.instance,
                changes={"members": sorted(p.code for p in form.instance.members.all())},
            )


@admin.register(HSCode)
class HSCodeAdmin(DictionaryAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "section", "is_active"]
    list_filter = ["level", "section", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(TradeMode)
class TradeModeAdmin(DictionaryAdmin):
    list_display = ["code", "name_zh", "name_en", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(SupervisionMode)
class SupervisionModeAdmin(DictionaryAdmin):
    list_display = ["code", "name_zh", "trade_mode", "is_verified", "is_active"]
    list_filter = ["trade_mode", "is_verified", "is_active"]
    search_fields = ["code", "name_zh"]
    list_select_related = ["trade_mode"]


@admin.register(AdminDivision)
class AdminDivisionAdmin(DictionaryAdmin):
    list_display = ["code", "name", "level", "parent", "province_code", "is_active"]
    list_filter = ["level", "province_code", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(RegistrationProvince)
class RegistrationProvinceAdmin(DictionaryAdmin):
    list_display = ["code", "name_zh", "is_active"]
    search_fields = ["code", "name_zh"]
