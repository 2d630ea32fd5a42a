"""Forms parse and validate; their cleaned data become actions' arguments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from kaifang.indicators.models import Region


def _default_year() -> int:
    return timezone.localdate().year


class PeriodForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label="月份", min_value=1, max_value=12, required=False)


class ValueForm(forms.Form):
    """One region's row of the grid (本月, 累计, 同比)."""

    month_value = forms.DecimalField(label="本月", max_digits=20, decimal_places=4, required=False)
    ytd_value = forms.DecimalField(label="累计", max_digits=20, decimal_places=4, required=False)
    month_yoy_pct = forms.DecimalField(
        label="本月同比(%)", max_digits=10, decimal_places=2, required=False
    )
    ytd_yoy_pct = forms.DecimalField(
        label="累计同比(%)", max_digits=10, decimal_places=2, required=False
    )

    def has_values(self) -> bool:
        return any(self.cleaned_data.get(f) is not None for f in self.fields)


class GridPeriodForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)
    source = forms.CharField(label="数据来源", max_length=200, required=False, initial="手工录入")

    @property
    def period(self) -> dt.date:
        return dt.date(self.cleaned_data["year"], self.cleaned_data["month"], 1)


class TargetForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=_default_year)
    region = forms.ModelChoiceField(label="地区", queryset=Region.objects.none())
    value = forms.DecimalField(
        label="目标值", max_digits=20, decimal_places=4, min_value=Decimal(0)
    )
    growth_pct = forms.DecimalField(
        label="目标增速(%)", max_digits=10, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    file = forms.FileField(label="文件（xlsx 或 csv）")
    region = forms.ModelChoiceField(
        label="文件所属地区（无“地区”列时）", queryset=Region.objects.none(), required=False
    )
    year = forms.IntegerField(label="所属年份（标题中无年月时）", required=False)
    month = forms.IntegerField(label="所属月份", min_value=1, max_value=12, required=False)

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]

    @property
    def period(self) -> dt.date | None:
        year, month = self.cleaned_data.get("year"), self.cleaned_data.get("month")
        return dt.date(year, month, 1) if year and month else None


class OfficialUploadForm(forms.Form):
    file = forms.FileField(label="海关统计数据平台导出文件（csv 或 xlsx）")
    flow = forms.ChoiceField(
        label="进出口",
        choices=[("", "按文件名判断"), ("export", "出口"), ("import", "进口")],
        required=False,
    )
