"""Forms only parse and validate; their cleaned_data become the actions' keyword arguments.
Every picker offers only what the user's scope reaches (units, enterprises, people)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from kaifang.core.models import Industry, Partner, Unit, UnitKind, User
from kaifang.core.scope import people_visible_to, visible_to
from kaifang.enterprises.models import Enterprise
from kaifang.zones.actions.appeals import appeal_categories
from kaifang.zones.models import (
    Direction,
    ParkKind,
    ParkTier,
    Platform,
    PlatformKind,
    PlatformStatus,
    Position,
    Stage,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AnyUser = User | AnonymousUser


class NameChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "display_name", None) or getattr(obj, "name", obj))


def units_for(user: AnyUser, kind: str) -> QuerySet[Unit]:
    return visible_to(Unit.objects.filter(kind=kind, is_active=True), user).order_by("order", "id")


def people_for(user: AnyUser) -> QuerySet[User]:
    """People the user may name (an officer, a team member): core.scope's rule for pickers."""
    return people_visible_to(user).order_by("unit_id", "full_name", "id")


def find_enterprise(user: AnyUser, term: str) -> Enterprise | None:
    """An enterprise in the user's scope by USCC, customs code or exact name."""
    term = term.strip()
    if not term:
        return None
    qs = visible_to(Enterprise.objects.all(), user)
    return (
        qs.filter(uscc=term.upper()).first()
        or qs.filter(customs_code=term.upper()).first()
        or qs.filter(name=term).first()
    )


class EnterpriseField(forms.CharField):
    """Typed as a USCC or name; cleaned to an Enterprise within the user's scope."""

    def __init__(self, *, user: AnyUser, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "填写统一社会信用代码、海关编码或企业全称")
        super().__init__(**kwargs)
        self.user = user

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Enterprise):
            return value.uscc or value.name
        return super().prepare_value(value)

    def clean(self, value: Any) -> Enterprise | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        found = find_enterprise(self.user, text)
        if found is None:
            raise forms.ValidationError("在您的数据范围内没有找到该企业。")
        return found


# --- platforms ---------------------------------------------------------------------------


class PlatformFilterForm(forms.Form):
    q = forms.CharField(label="名称", required=False)
    kind = forms.ModelChoiceField(
        label="类型", queryset=PlatformKind.objects.all(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *PlatformStatus.choices], required=False
    )


class PlatformForm(forms.Form):
    name = forms.CharField(label="平台名称", max_length=100)
    kind = forms.ModelChoiceField(label="平台类型", queryset=PlatformKind.objects.all())
    district = NameChoice(label="所在县区", queryset=Unit.objects.none(), required=False)
    park = NameChoice(label="所在园区", queryset=Unit.objects.none(), required=False)
    unit = NameChoice(label="责任单位", queryset=Unit.objects.none(), required=False)
    leader = forms.CharField(label="责任领导", max_length=50, required=False)
    description = forms.CharField(
        label="简介", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = units_for(user, UnitKind.DISTRICT)  # type: ignore[attr-defined]
        self.fields["park"].queryset = units_for(user, UnitKind.PARK)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = visible_to(  # type: ignore[attr-defined]
            Unit.objects.filter(is_active=True), user
        ).order_by("order", "id")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("district") or data.get("park") or data.get("unit")):
            raise forms.ValidationError("请至少选择所在县区、所在园区或责任单位之一。")
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="新状态", choices=PlatformStatus.choices)
    on = forms.DateField(label="日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="说明", max_length=300, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点", max_length=200)
    due = forms.DateField(label="计划完成", widget=DATE)
    task_ref = forms.IntegerField(
        label="关联督办事项编号", required=False, min_value=1, help_text="可留空，稍后一键转督办"
    )


class DoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DATE, initial=timezone.localdate)


class MonthForm(forms.Form):
    month = forms.CharField(label="月份", required=False)

    def period(self) -> dt.date:
        today = timezone.localdate().replace(day=1)
        raw = (self.cleaned_data.get("month") or "") if self.is_valid() else ""
        try:
            year, month = (int(p) for p in raw.split("-"))
            return dt.date(year, month, 1)
        except ValueError:
            return today


class KpiImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件。")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("文件不能超过 5 MB。")
        return upload


class TargetForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    target = forms.DecimalField(label="年度目标", max_digits=20, decimal_places=4, required=False)


# --- parks -------------------------------------------------------------------------------


class ParkForm(forms.Form):
    unit = NameChoice(
        label="园区管委会",
        queryset=Unit.objects.none(),
        required=False,
        help_text="选择组织机构中已有的园区单位；留空则按园区名称新建",
        empty_label="（新建单位）",
    )
    name = forms.CharField(label="园区名称", max_length=100)
    kind = forms.ChoiceField(label="园区类型", choices=ParkKind.choices)
    district = NameChoice(label="所在县区", queryset=Unit.objects.none(), required=False)
    area_km2 = forms.DecimalField(
        label="规划面积（平方公里）", max_digits=10, decimal_places=2, required=False
    )
    tier = forms.ChoiceField(label="目标层级", choices=ParkTier.choices, required=False)
    lead_industries = forms.ModelMultipleChoiceField(
        label="主导产业（行业大类）",
        queryset=Industry.objects.filter(level=2),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    description = forms.CharField(
        label="简介", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, user: AnyUser, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, UnitKind.PARK).filter(  # type: ignore[attr-defined]
            park_profile__isnull=True
        )
        self.fields["district"].queryset = units_for(user, UnitKind.DISTRICT)  # type: ignore[attr-defined]
        if editing:
            del self.fields["unit"]


class OutputForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    output = forms.DecimalField(
        label="营业收入/产值（亿元）", max_digits=14, decimal_places=2, required=False
    )
    target = forms.DecimalField(
        label="目标（亿元）", max_digits=14, decimal_places=2, required=False
    )


class TeamForm(forms.Form):
    user = NameChoice(
        label="系统用户",
        queryset=User.objects.none(),
        required=False,
        help_text="专班成员是本系统用户时选择（可不选）；未填姓名时取其姓名",
    )
    name = forms.CharField(label="姓名", max_length=50, required=False)
    role = forms.CharField(label="专班职务", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_for(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and data.get("user") is not None:
            data["name"] = data["user"].display_name
        if not data.get("name"):
            raise forms.ValidationError("请填写姓名或选择系统用户。")
        return data


# --- projects ----------------------------------------------------------------------------


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label="项目/投资方", required=False)
    direction = forms.ChoiceField(
        label="类型", choices=[("", "全部"), *Direction.choices], required=False
    )
    stage = forms.ChoiceField(label="阶段", choices=[("", "全部"), *Stage.choices], required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    park = NameChoice(
        label="园区", queryset=Unit.objects.none(), required=False, empty_label="全部"
    )
    officer = NameChoice(
        label="责任人", queryset=User.objects.none(), required=False, empty_label="全部"
    )
    stuck = forms.BooleanField(label="仅看停滞", required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = units_for(user, UnitKind.PARK)  # type: ignore[attr-defined]
        self.fields["officer"].queryset = people_for(user)  # type: ignore[attr-defined]


class ProjectForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=150)
    direction = forms.ChoiceField(label="类型", choices=Direction.choices)
    investor = forms.CharField(label="投资方/境外企业", max_length=150, required=False)
    country = forms.ModelChoiceField(
        label="国别(地区)",
        queryset=Partner.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
    )
    industry = forms.ModelChoiceField(
        label="行业（大类）", queryset=Industry.objects.filter(level=2), required=False
    )
    contracted_usd = forms.DecimalField(
        label="合同金额（万美元）", max_digits=16, decimal_places=2, required=False
    )
    contracted_cny = forms.DecimalField(
        label="合同金额（万元）", max_digits=16, decimal_places=2, required=False
    )
    actual_usd = forms.DecimalField(
        label="实际到位（万美元）", max_digits=16, decimal_places=2, required=False
    )
    actual_cny = forms.DecimalField(
        label="实际到位（万元）", max_digits=16, decimal_places=2, required=False
    )
    district = NameChoice(label="所在县区", queryset=Unit.objects.none(), required=False)
    park = NameChoice(label="落地园区", queryset=Unit.objects.none(), required=False)
    platform = forms.ModelChoiceField(
        label="依托平台", queryset=Platform.objects.none(), required=False
    )
    officer = NameChoice(label="责任人", queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = units_for(user, UnitKind.DISTRICT)  # type: ignore[attr-defined]
        self.fields["park"].queryset = units_for(user, UnitKind.PARK)  # type: ignore[attr-defined]
        self.fields["platform"].queryset = visible_to(Platform.objects.all(), user)  # type: ignore[attr-defined]
        self.fields["officer"].queryset = people_for(user)  # type: ignore[attr-defined]
        self.fields["enterprise"] = EnterpriseField(label="项目企业", user=user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("district") or data.get("park")):
            raise forms.ValidationError("请选择所在县区或落地园区。")
        return data


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label="推进到", choices=Stage.choices)
    on = forms.DateField(label="日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="说明（终止时必填原因）", max_length=300, required=False)
    enterprise_name = forms.CharField(
        label="新设企业名称（注册时）",
        max_length=200,
        required=False,
        help_text="外资项目注册而尚未关联企业时，将以此名称在企业名录中登记（待审核）",
    )


class CategoryField(forms.ChoiceField):
    """The service desk's appeal categories (诉求类别), asked of it through the handover."""

    def __init__(self, **kwargs: Any) -> None:
        choices = [("", "请选择诉求类别"), *appeal_categories()]
        super().__init__(label="诉求类别", choices=choices, **kwargs)


class ProblemForm(forms.Form):
    category = CategoryField()
    text = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 3}), min_length=10)


class PlatformAppealForm(forms.Form):
    """A problem of an enterprise operating on the platform, raised as an appeal."""

    enterprise = NameChoice(label="企业", queryset=Enterprise.objects.none())
    category = CategoryField()
    text = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 3}), min_length=10)

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]


class AppealLinkForm(forms.Form):
    code = forms.CharField(label="诉求查询码", max_length=20)


# --- chains ------------------------------------------------------------------------------


class ChainForm(forms.Form):
    name = forms.CharField(label="产业链名称", max_length=50)
    description = forms.CharField(
        label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SegmentForm(forms.Form):
    position = forms.ChoiceField(label="环节", choices=Position.choices)
    name = forms.CharField(label="细分环节", max_length=60)
    industry_codes = forms.CharField(
        label="行业代码",
        max_length=200,
        required=False,
        help_text="GB/T 4754 代码（门类字母或 2–4 位数字），多个用逗号分隔",
    )
    hs_headings = forms.CharField(
        label="HS 品目", max_length=300, required=False, help_text="2–6 位 HS 编码，多个用逗号分隔"
    )
    min_enterprises = forms.IntegerField(
        label="达标企业数",
        min_value=1,
        max_value=999,
        initial=1,
        help_text="本地企业达到此数且出口不少于进口，即为已补链",
    )


class SuperviseForm(forms.Form):
    deadline = forms.DateField(label="完成时限", widget=DATE)
    note = forms.CharField(label="批示", max_length=300, required=False)
