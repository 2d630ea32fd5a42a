"""Every field of the models the admin shows has a Chinese name: administrators read Chinese,
and an English field name (Django's default, the attribute's name) is a leak of the code."""

from __future__ import annotations

import re

from django.contrib import admin

ASCII_ONLY = re.compile(r"^[\x00-\x7f]*$")


def test_every_field_the_admin_shows_is_named_in_chinese() -> None:
    english = []
    for model in admin.site._registry:
        if not model.__module__.startswith("kaifang."):
            continue
        if ASCII_ONLY.match(str(model._meta.verbose_name)):
            english.append(f"{model._meta.label} (the model)")
        for field in model._meta.get_fields():
            if field.auto_created or field.name == "id" or not hasattr(field, "verbose_name"):
                continue
            if ASCII_ONLY.match(str(field.verbose_name)):
                english.append(f"{model._meta.label}.{field.name}: {field.verbose_name}")
    assert english == []
