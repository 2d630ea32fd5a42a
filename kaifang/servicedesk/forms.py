"""Forms only parse and validate; their cleaned_data become an action's keyword arguments."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError

from kaifang.core.lib.uscc import UsccError, validate_uscc
from kaifang.core.models import Unit, User
from kaifang.core.scope import descendants, people_visible_to
from kaifang.servicedesk import codes
from kaifang.servicedesk.models import (
    STAFF_SOURCES,
    AppealStatus,
    Category,
    Priority,
    Visit,
)
from kaifang.servicedesk.uploads import MAX_BYTES, MAX_FILES, Upload, check_upload

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
CHALLENGE_KEY = "service_challenge"


def clean_phone(value: str) -> str:
    value = value.strip().replace(" ", "")
    if value and not PHONE.match(value):
        raise ValidationError("请填写正确的手机号码或固定电话（如 0379-12345678）。")
    return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Upload]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise ValidationError(f"附件最多 {MAX_FILES} 个。")
        uploads = []
        for item in files:
            if item.size > MAX_BYTES:
                raise ValidationError(f"附件“{item.name}”超过 {MAX_BYTES // 1024 // 1024} MB。")
            uploads.append(check_upload(item.name, item.read()))
        return uploads


def new_challenge(session: SessionBase) -> str:
    """A small sum a person answers and a script must at least read the page for."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    session[CHALLENGE_KEY] = a + b
    return f"{a} + {b} = ?"


class AppealFields(forms.Form):
    enterprise_name = forms.CharField(label="企业名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, help_text="18位，见营业执照")
    category = forms.ChoiceField(label="诉求类别", choices=[("", "请选择"), *Category.choices])
    description = forms.CharField(
        label="问题描述",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text="请写清楚遇到的问题、涉及的部门和希望得到的帮助。",
    )
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=30)

    def clean_uscc(self) -> str:
        try:
            return validate_uscc(self.cleaned_data["uscc"])
        except UsccError as error:
            raise ValidationError(str(error)) from None

    def clean_description(self) -> str:
        text: str = self.cleaned_data["description"].strip()
        if len(text) < 10:
            raise ValidationError("请具体描述遇到的问题（至少10个字）。")
        return text

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])


class PublicAppealForm(AppealFields):
    attachments = AttachmentsField(
        label="附件",
        required=False,
        help_text=f"可选，最多 {MAX_FILES} 个，每个不超过 {MAX_BYTES // 1024 // 1024} MB；"
        "支持 PDF、JPG、PNG、docx、xlsx。",
    )
    answer = forms.IntegerField(label="验证问题", help_text="请计算上面的算式")

    def __init__(self, *args: Any, session: SessionBase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session

    def clean_answer(self) -> int:
        answer: int = self.cleaned_data["answer"]
        expected = self.session.pop(CHALLENGE_KEY, None)
        if expected is None or answer != expected:
            raise ValidationError("验证问题回答错误，请重新计算。")
        return answer


class StaffAppealForm(AppealFields):
    source = forms.ChoiceField(
        label="受理渠道", choices=[(s.value, s.label) for s in STAFF_SOURCES]
    )
    priority = forms.ChoiceField(label="优先级", choices=Priority.choices, initial=Priority.NORMAL)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)


class TrackForm(forms.Form):
    code = forms.CharField(
        label="查询码", max_length=30, help_text=f"提交诉求时获得的查询码：{codes.FORMAT_HINT}"
    )

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        if not code:
            raise ValidationError(f"查询码格式不正确，应为{codes.FORMAT_HINT}。")
        return code


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="满意度",
        coerce=int,
        choices=[
            (5, "5 分 非常满意"),
            (4, "4 分 满意"),
            (3, "3 分 基本满意"),
            (2, "2 分 不满意"),
            (1, "1 分 非常不满意"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="评价意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    comment = forms.CharField(
        label="不满意的原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- Staff handling forms (one per action) -----------------------------------------------


class RouteForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="承办单位",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text="留空则按分办规则派单",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class TextForm(forms.Form):
    text = forms.CharField(label="内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="办理结果", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CommitForm(forms.Form):
    commitment_date = forms.DateField(
        label="承诺办结日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label="理由", max_length=300)


# The form that parses each staff action's input (actions without input have none); the
# appeal page and the API validate with the same forms.
ACTION_FORMS: dict[str, type[forms.Form]] = {
    "route": RouteForm,
    "return": ReasonForm,
    "reply": TextForm,
    "pause": ReasonForm,
    "resolve": ResolveForm,
    "commit": CommitForm,
    "mark": TextForm,
}


class VisitFilterForm(forms.Form):
    q = forms.CharField(
        label="关键词",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "企业名称、反映情况、问题"}),
    )
    date_from = forms.DateField(
        label="走访日期自",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "“走访日期自”请填写有效日期，如 2026-12-05。"},
    )
    date_to = forms.DateField(
        label="至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "走访日期“至”请填写有效日期，如 2026-12-05。"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError("走访日期的起始日期不能晚于截止日期。")
        return data


class AppealFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *AppealStatus.choices]
    )
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部"), *Category.choices]
    )
    unit = forms.ModelChoiceField(
        label="承办单位",
        required=False,
        queryset=Unit.objects.filter(is_active=True).only("id", "name"),  # an option: its name
        empty_label="全部",
    )
    view = forms.ChoiceField(
        label="视图",
        required=False,
        choices=[
            ("", "全部"),
            ("to_accept", "待本单位签收"),
            ("due_soon", "即将到期"),
            ("overdue", "已逾期"),
            ("duplicates", "疑似重复"),
        ],
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[
            ("", "登记时间（最新在前）"),
            ("resolve_due", "办结期限（最早在前）"),
            ("registered_at", "登记时间（最早在前）"),
        ],
    )


# --- Visits and liaison ---------------------------------------------------------------------


def colleagues(user: User) -> Any:
    """Who may be ticked as fellow visitors: the people of the user's own unit and below
    (and of their scope); never the whole city as one list, even for city-wide staff."""
    people = people_visible_to(user)
    if user.unit_id is not None:
        people = people.filter(unit__in=descendants({user.unit_id}) | {user.unit_id})
    return (people | User.objects.filter(pk=user.pk)).distinct().order_by("unit__order", "id")


class VisitForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Visit
        fields = [
            "visited_on",
            "officers",
            "people_met",
            "enterprise_said",
            "problems",
            "plans",
            "follow_ups",
        ]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}),
            "enterprise_said": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "plans": forms.Textarea(attrs={"rows": 3}),
            "follow_ups": forms.Textarea(attrs={"rows": 2}),
            # Ticked boxes of the officer's colleagues, not a native multi-select of the city.
            "officers": forms.CheckboxSelectMultiple(attrs={"class": "people-picker"}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = self.fields["officers"]
        officers.queryset = colleagues(user)  # type: ignore[attr-defined]
        officers.help_text = "勾选一同走访的同事（本单位及下属单位人员）"


class ProblemToAppealForm(forms.Form):
    category = forms.ChoiceField(label="诉求类别", choices=Category.choices)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 4}))


class BulkAssignForm(forms.Form):
    officer = forms.ModelChoiceField(label="包联干部", queryset=User.objects.none())
    leader = forms.ModelChoiceField(
        label="包联领导（可选）", queryset=User.objects.none(), required=False
    )
    enterprises = forms.CharField(widget=forms.HiddenInput, required=False)


class VisitTargetForm(forms.Form):
    officer = forms.ModelChoiceField(label="包联干部", queryset=User.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度", coerce=int, choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)]
    )
    target = forms.IntegerField(label="目标走访次数", min_value=0, max_value=500)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from kaifang.servicedesk.selectors import officers_for

        self.fields["officer"].queryset = officers_for(user)  # type: ignore[attr-defined]
