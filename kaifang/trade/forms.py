"""Forms of the import flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings

from kaifang.core.lib.uploads import UploadRefused, check_container
from kaifang.trade.importers import headers as header_rules
from kaifang.trade.importers.book import split_sheet_names
from kaifang.trade.models import DataSource, Flow, ImportKind, MappingTemplate


def mappable_fields(kind: str) -> list[tuple[str, str]]:
    """(field, Chinese label) the user may map a column to, for one import kind."""
    parser_kind = {"enterprises": "enterprise_list"}.get(kind, kind)
    fields = [(name, spec[0]) for name, spec in header_rules.FIELDS[parser_kind].items()]
    return fields + header_rules.value_field_labels(parser_kind)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="数据类型", choices=ImportKind.choices, initial="customs")
    file = forms.FileField(label="文件", help_text="支持 .xlsx、.xls、.csv（GB18030/GBK 或 UTF-8）")
    file_flow = forms.ChoiceField(
        label="整表进出口方向",
        required=False,
        choices=[("", "文件中有进出口列"), *Flow.choices],
        help_text="文件没有“进出口”列、标题和工作表名称也没有写明时，请指定整表是出口还是进口",
    )
    sheets = forms.CharField(
        label="工作表",
        required=False,
        max_length=500,
        help_text="留空则读取所有含表头的工作表（如“出口”“进口”或按月分表）；"
        "只导入其中几个时填写名称，用逗号或顿号分隔",
    )
    source = forms.ChoiceField(
        label="数据来源",
        choices=DataSource.choices,
        initial=DataSource.CUSTOMS,
        help_text="同一来源的数据可按期间整体替换",
    )
    replace_period = forms.BooleanField(
        label="按期间替换",
        required=False,
        help_text="勾选后，文件覆盖的月份中同一来源的旧数据将被整体替换",
    )
    template = forms.ModelChoiceField(
        label="表头模板",
        required=False,
        queryset=MappingTemplate.objects.all(),
        empty_label="自动识别",
    )

    def clean_sheets(self) -> list[str]:
        return split_sheet_names(self.cleaned_data.get("sheets") or "")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_MAX_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(f"文件超过 {settings.UPLOAD_MAX_MB} MB 上限。")
        try:
            check_container(Path(upload.name or "").suffix, upload)
        except UploadRefused as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class MappingForm(forms.Form):
    """One select per field, choices = the file's headers."""

    save_as = forms.CharField(
        label="另存为表头模板",
        required=False,
        max_length=100,
        help_text="填写名称即可保存本次表头对应，下次同样格式的文件可直接选用",
    )

    def __init__(
        self, *args: Any, kind: str, headers: list[str], current: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "（不导入）")] + [(h, h) for h in headers if h]
        save_as = self.fields.pop("save_as")
        for name, label in mappable_fields(kind):
            self.fields[f"f_{name}"] = forms.ChoiceField(
                label=label, required=False, choices=choices, initial=current.get(name, "")
            )
        self.fields["save_as"] = save_as

    def mapping_fields(self) -> dict[str, str | None]:
        return {
            key.removeprefix("f_"): (value or None)
            for key, value in self.cleaned_data.items()
            if key.startswith("f_")
        }


class AnalysisForm(forms.Form):
    """The analysis filter bar: report month, flow and currency (defaults: the latest month)."""

    year = forms.IntegerField(label="年份", min_value=1990, max_value=2200, required=False)
    month = forms.TypedChoiceField(
        label="月份",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "最新")] + [(m, f"{m}月") for m in range(1, 13)],
    )
    flow = forms.ChoiceField(
        label="进出口",
        required=False,
        choices=[("total", "进出口"), ("export", "出口"), ("import", "进口")],
    )
    currency = forms.ChoiceField(
        label="币种", required=False, choices=[("usd", "美元"), ("cny", "人民币")]
    )
