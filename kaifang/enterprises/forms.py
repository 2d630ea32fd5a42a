"""Forms of the register: parse and validate, then the actions do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.http import QueryDict

from kaifang.core import permissions
from kaifang.core.models import Industry, Unit, UnitKind, User
from kaifang.core.permissions import Cap
from kaifang.core.scope import people_visible_to, units_visible_to
from kaifang.enterprises import list_filters
from kaifang.enterprises.models import Enterprise, EnterpriseStatus, Ownership, Size, Tag
from kaifang.enterprises.selectors import EnterpriseFilters


class EnterpriseFilterForm(forms.Form):
    """Filter options come from the user's scope: another district's units and people are not
    even offered (the list is scoped anyway; the options must not tell what exists)."""

    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(
            {"placeholder": "企业名称、曾用名、信用代码或海关编码", "type": "search"}
        ),
    )
    district = forms.ModelChoiceField(
        label="县区",
        required=False,
        queryset=Unit.objects.filter(kind=UnitKind.DISTRICT),
        empty_label="全部",
    )
    park = forms.ModelChoiceField(
        label="园区",
        required=False,
        queryset=Unit.objects.filter(kind=UnitKind.PARK),
        empty_label="全部",
    )
    industry = forms.CharField(
        label="行业代码", required=False, widget=forms.TextInput({"placeholder": "如 C、C39、C391"})
    )
    tag = forms.ModelChoiceField(
        label="标签", required=False, queryset=Tag.objects.all(), empty_label="全部"
    )
    liaison = forms.ModelChoiceField(
        label="包联干部",
        required=False,
        queryset=User.objects.filter(liaison_enterprises__isnull=False).distinct(),
        empty_label="全部",
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *EnterpriseStatus.choices]
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[
            ("name", "名称"),
            ("-name", "名称倒序"),
            ("updated", "最近更新"),
            ("created", "最近创建"),
        ],
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filters contributed by higher apps (trade size band, trading in a period).
        self.fields.update(list_filters.extra_fields())
        if user is not None:
            # Only what an option shows (its name): the options are read on every list page.
            units = units_visible_to(user).only("id", "name")
            self.fields["district"].queryset = units.filter(kind=UnitKind.DISTRICT)  # type: ignore[attr-defined]
            self.fields["park"].queryset = units.filter(kind=UnitKind.PARK)  # type: ignore[attr-defined]
            self.fields["tag"].queryset = Tag.objects.only("id", "name")  # type: ignore[attr-defined]
            self.fields["liaison"].queryset = (  # type: ignore[attr-defined]
                people_visible_to(user)
                .filter(liaison_enterprises__isnull=False)
                .only("id", "username", "full_name")
                .distinct()
            )

    def extra_values(self) -> dict[str, Any]:
        names = list_filters.extra_fields().keys()
        return {name: self.cleaned_data.get(name) for name in names}


class EnterpriseForm(forms.ModelForm):  # type: ignore[type-arg]
    tags = forms.ModelMultipleChoiceField(
        label="标签",
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "customs_code",
            "district",
            "park",
            "industry",
            "ownership",
            "size",
            "tags",
            "status",
            "address",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "contact_email",
            "liaison",
            "problems",
            "development_direction",
        ]
        widgets = {
            "problems": forms.Textarea({"rows": 3}),
            "development_direction": forms.Textarea({"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance if self.instance.pk else None
        # Only the units and people of the user's scope (the record's current values stay
        # choosable, so an edit need not move it); the actions check again.
        units = units_visible_to(user)
        keep = Q(pk__in=[current.district_id, current.park_id]) if current else Q(pk__in=[])
        self.fields["district"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=units.filter(kind=UnitKind.DISTRICT)) | keep, kind=UnitKind.DISTRICT
        )
        self.fields["park"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=units.filter(kind=UnitKind.PARK)) | keep, kind=UnitKind.PARK
        )
        liaison = self.fields["liaison"]
        keep_liaison = Q(pk=current.liaison_id) if current and current.liaison_id else Q(pk__in=[])
        liaison.queryset = User.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=people_visible_to(user)) | keep_liaison
        ).order_by("unit__order", "id")
        liaison.help_text = "本单位及下属单位的人员"
        if not permissions.has(user, Cap.ASSIGN):
            liaison.disabled = True
            liaison.help_text = "包联干部由局办公室或县区商务局分配"
        self.fields["industry"].queryset = Industry.objects.filter(level=4)  # type: ignore[attr-defined]
        self.fields["industry"].help_text = "选择国民经济行业分类（GB/T 4754-2017）小类"
        self.fields["ownership"].choices = [("", "—"), *Ownership.choices]  # type: ignore[attr-defined]
        self.fields["size"].choices = [("", "—"), *Size.choices]  # type: ignore[attr-defined]
        self.fields["status"].choices = EnterpriseStatus.choices  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        # Uniqueness and code checks live in the actions (one place, Chinese messages);
        # skip the model's own validate_unique so messages are not doubled.
        pass


class MergeForm(forms.Form):
    other = forms.CharField(
        label="被合并企业", help_text="输入另一条记录的统一社会信用代码、海关编码或档案编号"
    )
    confirm = forms.BooleanField(label="我已核实两条记录为同一企业", required=True)


def filters_for(user: User, params: QueryDict) -> tuple[EnterpriseFilterForm, EnterpriseFilters]:
    """The register's filters from a page's parameters: the list, its export and the export
    the worker writes read them alike."""
    form = EnterpriseFilterForm(params or None, user=user)
    if not form.is_valid():
        return form, EnterpriseFilters()
    return form, filters_of(form)


def filters_of(form: EnterpriseFilterForm) -> EnterpriseFilters:
    """The filters of a validated form (the list's, its exports' and the API's)."""
    data = form.cleaned_data
    return EnterpriseFilters(
        q=data["q"] or "",
        district=data["district"].pk if data["district"] else None,
        park=data["park"].pk if data["park"] else None,
        industry_code=data["industry"] or "",
        tag=data["tag"].pk if data["tag"] else None,
        liaison=data["liaison"].pk if data["liaison"] else None,
        status=data["status"] or "",
        sort=data["sort"] or "name",
        extra=tuple((k, v) for k, v in form.extra_values().items() if v not in (None, "")),
    )
