"""Forms parse and validate; actions do the work."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from kaifang.core.models import Unit, UnitKind


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。请注意区分大小写。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    aliases = forms.CharField(label="别名", max_length=300, required=False)
    kind = forms.ChoiceField(label="类型", choices=UnitKind.choices)
    parent = forms.ModelChoiceField(label="上级单位", queryset=Unit.objects.all(), required=False)
    order = forms.IntegerField(label="排序", min_value=0, initial=0)


class NotificationPreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(label="接收邮件通知", required=False)
    webhook_enabled = forms.BooleanField(label="推送到工作群机器人", required=False)
    muted_categories = forms.MultipleChoiceField(
        label="免打扰类别",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="免打扰的类别仍会出现在站内通知中，但不再发送邮件或推送到工作群。",
    )

    def __init__(self, *args: object, categories: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["muted_categories"].choices = list(categories.items())  # type: ignore[attr-defined]
