"""Admin pages for the organisation tree, roles and users. Every change is audited here
explicitly, since the admin bypasses the actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import ManyToManyField
from django.forms import ModelMultipleChoiceField
from django.http import HttpRequest

from kaifang.core.admin.audited import AuditedAdmin
from kaifang.core.models import AuditEntry, Role, Unit, User

# Django stores a permission's name once, in English ("Can add Failed task", "Can view 企业"),
# whatever the language; the pickers name it here from the model's Chinese verbose name instead,
# with no migration and no change to the stored rows.
PERMISSION_ACTIONS = {"add": "新增", "change": "修改", "delete": "删除", "view": "查看"}


def permission_label(permission: Permission) -> str:
    """「应用 | 数据类型 | 动作」 in Chinese, e.g. 后台任务队列 | 失败的任务 | 删除失败的任务."""
    model = permission.content_type.model_class()
    if model is None:  # a stale content type: keep Django's own text
        return str(permission)
    opts = model._meta
    action, _, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == opts.model_name:
        text = f"{PERMISSION_ACTIONS[action]}{opts.verbose_name}"
    else:
        text = permission.name
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {text}"


class ChinesePermissionsMixin:
    """The permission pickers of the group and user pages list permissions in Chinese."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        model = getattr(getattr(field, "queryset", None), "model", None)
        if isinstance(field, ModelMultipleChoiceField) and model is Permission:
            field.label_from_instance = permission_label  # type: ignore[assignment]
        return field


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ChinesePermissionsMixin, BaseGroupAdmin):
    pass


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "parent", "order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "aliases"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ["name", "code", "data_scope"]
    filter_horizontal = ["chosen_units"]


@admin.register(User)
class UserAdmin(ChinesePermissionsMixin, BaseUserAdmin, AuditedAdmin):  # type: ignore[type-arg]
    list_display = ["username", "full_name", "unit", "title", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "roles", "unit__kind"]
    search_fields = ["username", "full_name", "phone", "email"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    filter_horizontal = ["roles", "groups", "user_permissions"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "title", "unit", "phone", "email")}),
        ("角色与数据范围", {"fields": ("roles",)}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "unit", "roles", "password1", "password2"),
            },
        ),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action"]
    search_fields = ["actor_name", "object_repr", "object_id", "action"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
