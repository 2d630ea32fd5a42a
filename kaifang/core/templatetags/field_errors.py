"""`{% for error in field|named_errors %}`: a field's errors, each naming the field when
Django's own message does not (「这个字段是必填项。」 becomes 「请填写“企业名称”。」,
「输入一个有效的日期。」 becomes 「“走访日期”：输入一个有效的日期。」), so a message read
aloud or seen away from its field still says which field it means. Messages the project writes
(which name their field already, or come from clean() and actions) pass unchanged."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField

register = template.Library()

# Error codes of Django's own field messages, which never name the field.
DJANGO_CODES = frozenset(
    {
        "invalid",
        "invalid_choice",
        "invalid_date",
        "invalid_time",
        "invalid_list",
        "invalid_pk_value",
        "invalid_image",
        "max_length",
        "min_length",
        "max_value",
        "min_value",
        "step_size",
        "max_digits",
        "max_decimal_places",
        "max_whole_digits",
        "empty",
        "missing",
        "contradiction",
        "overflow",
    }
)


def _required(field: BoundField) -> str:
    label = field.label
    if isinstance(field.field, forms.FileField):
        return f"请上传“{label}”。"
    if isinstance(field.field, forms.ChoiceField | forms.ModelChoiceField):
        return f"请选择“{label}”。"
    return f"请填写“{label}”。"


@register.filter
def named_errors(field: BoundField) -> list[str]:
    if not field.errors:
        return []
    label = str(field.label or "")
    data = field.form.errors.as_data().get(field.name, [])
    if not label or not data:
        return [str(error) for error in field.errors]
    out: list[str] = []
    for error in data:
        for message in error.messages:
            if error.code == "required":
                out.append(_required(field))
            elif error.code in DJANGO_CODES and label not in message:
                out.append(f"“{label}”：{message}")
            else:
                out.append(message)
    return out
