"""Forms of risk exposure: they parse and validate; actions do the rest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from kaifang.core.models import Partner, PartnerGroup
from kaifang.risk.matching import clean_code
from kaifang.risk.models import RiskLevel, Scenario

MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?\s*$")


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,，、;；]+", text or "") if t]


def parse_month(text: str) -> dt.date | None:
    match = MONTH_RE.match(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1990 <= year <= 2200:
        return None
    return dt.date(year, month, 1)


class ScenarioForm(forms.ModelForm):  # type: ignore[type-arg]
    partners_text = forms.CharField(
        label="国别(地区)",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：502, 欧盟, RCEP"}),
        help_text="海关国别代码或国别分组名称，逗号分隔；留空为全部国别",
    )
    hs_text = forms.CharField(
        label="商品编码",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：85, 84, 8501, 85423100"}),
        help_text="任意位数（章2位、品目4位、子目6位、8位或10位），逗号或换行分隔；"
        "也可在保存后导入对方公布的加征关税清单；留空为全部商品",
    )
    until_text = forms.CharField(
        label="截止月份",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM，留空为最近有数据的月份"}),
    )

    class Meta:
        model = Scenario
        fields = [
            "name",
            "description",
            "flow",
            "shock",
            "tariff_pp",
            "elasticity",
            "share_lost_pct",
            "months",
            "currency",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    field_order = [
        "name",
        "description",
        "flow",
        "partners_text",
        "hs_text",
        "shock",
        "tariff_pp",
        "elasticity",
        "share_lost_pct",
        "months",
        "until_text",
        "currency",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scenario: Scenario | None = self.instance if self.instance.pk else None
        if scenario is not None and not self.is_bound:
            codes = [p.code for p in scenario.partners.all()]
            groups = [g.name for g in scenario.partner_groups.all()]
            self.initial["partners_text"] = ", ".join(codes + groups)
            self.initial["hs_text"] = ", ".join(p.hs_code for p in scenario.products.all())
            if scenario.until:
                self.initial["until_text"] = f"{scenario.until:%Y-%m}"

    def clean_partners_text(self) -> tuple[list[Partner], list[PartnerGroup]]:
        partners: list[Partner] = []
        groups: list[PartnerGroup] = []
        unknown: list[str] = []
        for token in _tokens(self.cleaned_data.get("partners_text", "")):
            if token.isdigit():
                partner = Partner.objects.filter(code=token.zfill(3)).first()
                if partner is None:
                    unknown.append(token)
                else:
                    partners.append(partner)
                continue
            group = PartnerGroup.objects.filter(Q(code__iexact=token) | Q(name=token)).first()
            if group is None:
                partner = Partner.objects.filter(name_zh=token).first()
                if partner is None:
                    unknown.append(token)
                else:
                    partners.append(partner)
            else:
                groups.append(group)
        if unknown:
            raise forms.ValidationError(f"未知的国别(地区)或分组：{'、'.join(unknown)}")
        return partners, groups

    def clean_hs_text(self) -> list[str]:
        codes: list[str] = []
        bad: list[str] = []
        for token in _tokens(self.cleaned_data.get("hs_text", "")):
            code = clean_code(token)
            if not code or len(code) < 2 or len(code) > 10 or not token.replace(".", "").isdigit():
                bad.append(token)
            elif code not in codes:
                codes.append(code)
        if bad:
            raise forms.ValidationError(f"商品编码应为2至10位数字：{'、'.join(bad)}")
        return codes

    def clean_until_text(self) -> dt.date | None:
        text = self.cleaned_data.get("until_text", "").strip()
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError("请按 YYYY-MM 填写截止月份，如 2025-03。")
        return month

    def action_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        partners, groups = data.pop("partners_text")
        return {
            **{k: v for k, v in data.items() if k in self.Meta.fields},
            "until": data.get("until_text"),
            "partners": partners,
            "partner_groups": groups,
            "hs_codes": data["hs_text"],
        }


class TariffListForm(forms.Form):
    file = forms.FileField(
        label="加征关税清单",
        help_text="CSV 或 Excel（.xlsx）：一列商品编码（任意位数），可选一列加征税率（百分点）",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError("请上传 .csv 或 .xlsx 文件。")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("文件不能超过 5 MB。")
        return upload


class FollowUpForm(forms.Form):
    top = forms.IntegerField(label="受影响最大的前", min_value=1, max_value=500, initial=10)


class WatchEntryForm(forms.Form):
    partner = forms.CharField(
        label="国别(地区)", help_text="海关国别代码或中文名称，如 502 或 美国"
    )
    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    since = forms.DateField(
        label="列入日期", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    note = forms.CharField(
        label="情况说明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean_partner(self) -> Partner:
        text = self.cleaned_data["partner"].strip()
        partner = (
            Partner.objects.filter(code=text.zfill(3)).first()
            if text.isdigit()
            else Partner.objects.filter(Q(name_zh=text) | Q(name_zh_clean=text)).first()
        )
        if partner is None:
            raise forms.ValidationError(f"找不到国别(地区)：{text}")
        return partner

    def clean_since(self) -> dt.date:
        value = self.cleaned_data.get("since")
        return value if isinstance(value, dt.date) else timezone.localdate()


class DependenceForm(forms.Form):
    top_share = forms.IntegerField(
        label="第一大市场占比超过(%)", min_value=1, max_value=100, initial=50, required=False
    )
    watch_share = forms.IntegerField(
        label="对关注国别出口占比超过(%)", min_value=1, max_value=100, initial=30, required=False
    )
    months = forms.IntegerField(
        label="近N个月", min_value=1, max_value=36, initial=12, required=False
    )
