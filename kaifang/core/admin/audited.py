"""The admin's audited base: the admin writes around the actions, so each save and delete made
there writes its audit entry here (`<model>.create|update|delete`, the changed fields as the
form cleaned them, many-to-many ones included). Shared by every app's admin pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from kaifang.core import audit
from kaifang.core.lib.requests import current_user


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:  # noqa: FBT001 (Django's signature)
        super().save_model(request, obj, form, change)
        audit.record(
            actor=current_user(request),
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            obj=obj,
            changes={name: form.cleaned_data.get(name) for name in form.changed_data},
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit.record(actor=current_user(request), action=f"{obj._meta.model_name}.delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """The list's bulk delete: one entry per row, as one by one."""
        for obj in queryset:
            audit.record(
                actor=current_user(request), action=f"{obj._meta.model_name}.delete", obj=obj
            )
        super().delete_queryset(request, queryset)
