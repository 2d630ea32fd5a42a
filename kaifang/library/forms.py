"""Forms only parse and validate; their cleaned_data become the actions' keyword arguments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from kaifang.core.lib.uploads import UploadRefused, check_container, content_matches
from kaifang.core.models import Unit, UnitKind
from kaifang.enterprises.models import Ownership, Size, Tag
from kaifang.library.extract import SUFFIXES, ExtractError, extract
from kaifang.library.models import (
    Benefit,
    Document,
    DocumentKind,
    DocumentStatus,
    Fair,
    LedgerStatus,
    Level,
)
from kaifang.library.search import Filters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.TextInput(attrs={"placeholder": "2026-01", "pattern": r"\d{4}-\d{2}"})


class UnitChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _units(*kinds: str) -> Any:
    qs = Unit.objects.filter(is_active=True).order_by("order", "id")
    return qs.filter(kind__in=kinds) if kinds else qs


def _max_bytes() -> int:
    return int(getattr(settings, "LIBRARY_UPLOAD_MAX_MB", 20)) * 1024 * 1024


class TextSourceForm(forms.Form):
    """Pasted text or an uploaded .docx / .pdf (text layer) / .txt."""

    text = forms.CharField(
        label="正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="粘贴正文，或在下方上传文件",
    )
    upload = forms.FileField(
        label="或上传文件", required=False, help_text=".docx、.pdf（需带文字层）或 .txt"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload: UploadedFile | None = data.pop("upload", None)
        data["original"], data["original_name"] = None, ""
        if upload is not None:
            name = Path(upload.name or "").name
            suffix = Path(name).suffix.lower()
            raw = upload.read()
            if suffix not in SUFFIXES:
                raise forms.ValidationError("只支持 .docx、.pdf 和 .txt 文件。")
            if len(raw) > _max_bytes() or not content_matches(suffix, raw):
                raise forms.ValidationError("文件过大，或文件内容与扩展名不符。")
            try:
                check_container(suffix, raw)
            except UploadRefused as error:
                raise forms.ValidationError(str(error)) from error
            try:
                data["text"] = extract(name, raw)
            except ExtractError as error:
                raise forms.ValidationError(str(error)) from error
            if not data["text"].strip():
                raise forms.ValidationError("文件中没有可读取的文字（扫描件请先做文字识别）。")
            data["original"], data["original_name"] = raw, name
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("请粘贴正文或上传文件。")
        return data


class DocumentFieldsForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=DocumentKind.choices)
    issuer = forms.CharField(label="发文机关", max_length=100, required=False)
    doc_number = forms.CharField(label="文号", max_length=60, required=False)
    level = forms.ChoiceField(label="层级", choices=Level.choices, initial=Level.CITY)
    issued = forms.DateField(label="发布日期", required=False, widget=DATE)
    effective = forms.DateField(label="施行日期", required=False, widget=DATE)
    expiry = forms.DateField(label="有效期至", required=False, widget=DATE)
    tags = forms.CharField(
        label="标签",
        max_length=300,
        required=False,
        help_text="主题、行业、企业类型，用顿号或逗号分隔",
    )
    responsible_unit = UnitChoice(
        label="责任科室",
        queryset=Unit.objects.none(),
        required=False,
        help_text="到期提醒发给该科室",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = _units()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        effective, expiry = data.get("effective"), data.get("expiry")
        if effective and expiry and expiry < effective:
            raise forms.ValidationError("有效期早于施行日期。")
        return data


class DocumentCreateForm(DocumentFieldsForm, TextSourceForm):
    field_order = [
        "title",
        "doc_number",
        "issuer",
        "kind",
        "level",
        "issued",
        "effective",
        "expiry",
        "tags",
        "responsible_unit",
        "text",
        "upload",
    ]


class DocumentEditForm(DocumentFieldsForm):
    status = forms.ChoiceField(label="状态", choices=DocumentStatus.choices)
    superseded_by = forms.ModelChoiceField(
        label="被以下文件替代", queryset=Document.objects.none(), required=False
    )

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["superseded_by"].queryset = Document.objects.exclude(  # type: ignore[attr-defined]
            pk=document.pk
        )


class VersionForm(TextSourceForm):
    note = forms.CharField(label="修订说明", max_length=200, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", max_length=100, required=False)
    level = forms.ChoiceField(label="层级", choices=[("", "全部"), *Level.choices], required=False)
    kind = forms.ChoiceField(
        label="类型", choices=[("", "全部"), *DocumentKind.choices], required=False
    )
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), *DocumentStatus.choices], required=False
    )
    issuer = forms.CharField(label="发文机关", max_length=50, required=False)
    tag = forms.CharField(label="主题", max_length=30, required=False)
    since = forms.DateField(label="发布自", required=False, widget=DATE)
    until = forms.DateField(label="发布至", required=False, widget=DATE)

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Filters(
            level=data.get("level", ""),
            kind=data.get("kind", ""),
            status=data.get("status", ""),
            issuer=data.get("issuer", ""),
            tag=data.get("tag", ""),
            since=data.get("since"),
            until=data.get("until"),
        )


def _month_ok(value: str) -> str:
    try:
        dt.date(int(value[:4]), int(value[5:7]), 1)
    except (ValueError, IndexError) as error:
        raise forms.ValidationError("月份应写作 2026-01") from error
    return value[:7]


class SupportItemForm(forms.Form):
    """The item and its conditions: every filled group below becomes one condition."""

    title = forms.CharField(label="名称", max_length=200)
    anchor = forms.ChoiceField(label="对应条款", required=False)
    benefit = forms.ChoiceField(label="支持方式", choices=Benefit.choices)
    amount = forms.DecimalField(
        label="金额（万元）", required=False, max_digits=14, decimal_places=2
    )
    rate = forms.CharField(label="标准或比例", max_length=100, required=False)
    no_application = forms.BooleanField(label="免申即享", required=False)
    window_start = forms.DateField(label="申报开始", required=False, widget=DATE)
    window_end = forms.DateField(label="申报截止", required=False, widget=DATE)
    responsible_unit = UnitChoice(label="责任单位", queryset=Unit.objects.none(), required=False)
    # conditions
    industries = forms.CharField(
        label="条件：行业代码", required=False, help_text="国民经济行业分类代码前缀，如 C、C39、F51"
    )
    districts = forms.ModelMultipleChoiceField(
        label="条件：所属县区", queryset=Unit.objects.none(), required=False
    )
    parks = forms.ModelMultipleChoiceField(
        label="条件：所在园区", queryset=Unit.objects.none(), required=False
    )
    tags = forms.ModelMultipleChoiceField(
        label="条件：企业标签（任一）", queryset=Tag.objects.none(), required=False
    )
    ownership = forms.MultipleChoiceField(
        label="条件：企业性质",
        choices=Ownership.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    size = forms.MultipleChoiceField(
        label="条件：企业规模",
        choices=Size.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exports_min = forms.DecimalField(label="条件：出口额不低于（万美元）", required=False)
    growth_min = forms.DecimalField(label="条件：出口增长不低于（%）", required=False)
    period_start = forms.CharField(label="统计期间：自（月）", required=False, widget=MONTH)
    period_end = forms.CharField(label="统计期间：至（月）", required=False, widget=MONTH)
    new_exporter_year = forms.IntegerField(
        label="条件：某年新增出口企业（年份）", required=False, min_value=2000, max_value=2100
    )
    fairs = forms.ModelMultipleChoiceField(
        label="条件：参加展会（任一）",
        queryset=Fair.objects.none(),
        required=False,
        help_text="参展名单在“展会”页导入；名单未导入的展会，匹配结果为待核实",
    )

    def __init__(
        self, *args: Any, anchors: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = _units()  # type: ignore[attr-defined]
        self.fields["districts"].queryset = _units(UnitKind.DISTRICT)  # type: ignore[attr-defined]
        self.fields["parks"].queryset = _units(UnitKind.PARK)  # type: ignore[attr-defined]
        self.fields["tags"].queryset = Tag.objects.all()  # type: ignore[attr-defined]
        self.fields["fairs"].queryset = Fair.objects.all()  # type: ignore[attr-defined]
        self.fields["anchor"].choices = [("", "（不指定）"), *(anchors or [])]  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(item: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(item, name)
            for name in (
                "title",
                "anchor",
                "benefit",
                "amount",
                "rate",
                "no_application",
                "window_start",
                "window_end",
                "responsible_unit",
            )
        }
        for c in item.conditions:
            kind = c.get("type")
            if kind == "industry":
                initial["industries"] = "、".join(c.get("codes", []))
            elif kind == "district":
                initial["districts"] = c.get("units", [])
            elif kind == "park":
                initial["parks"] = c.get("units", [])
            elif kind == "tag":
                initial["tags"] = list(Tag.objects.filter(name__in=c.get("names", [])))
            elif kind in {"ownership", "size"}:
                initial[kind] = c.get("values", [])
            elif kind in {"exports", "export_growth"}:
                initial["exports_min" if kind == "exports" else "growth_min"] = c.get("min")
                initial["period_start"], initial["period_end"] = c.get("start"), c.get("end")
            elif kind == "new_exporter":
                initial["new_exporter_year"] = c.get("year")
            elif kind == "fair":
                initial["fairs"] = c.get("fairs", [])
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        conditions: list[dict[str, Any]] = []
        codes = [
            c.strip().upper()
            for c in (data.pop("industries", "") or "")
            .replace("，", ",")
            .replace("、", ",")
            .split(",")
            if c.strip()
        ]
        if codes:
            conditions.append({"type": "industry", "codes": codes})
        for name, kind in (("districts", "district"), ("parks", "park")):
            units = data.pop(name, None)
            if units:
                conditions.append({"type": kind, "units": [u.pk for u in units]})
        tags = data.pop("tags", None)
        if tags:
            conditions.append({"type": "tag", "names": [t.name for t in tags]})
        for kind in ("ownership", "size"):
            values = data.pop(kind, None)
            if values:
                conditions.append({"type": kind, "values": list(values)})
        start, end = data.pop("period_start", ""), data.pop("period_end", "")
        for name, kind in (("exports_min", "exports"), ("growth_min", "export_growth")):
            value = data.pop(name, None)
            if value is None:
                continue
            if not start or not end:
                raise forms.ValidationError("出口额或出口增长条件需要填写统计期间（自、至）。")
            conditions.append(
                {"type": kind, "min": str(value), "start": _month_ok(start), "end": _month_ok(end)}
            )
        year = data.pop("new_exporter_year", None)
        if year:
            conditions.append({"type": "new_exporter", "year": year})
        fairs = data.pop("fairs", None)
        if fairs:
            conditions.append({"type": "fair", "fairs": [f.pk for f in fairs]})
        data["conditions"] = conditions
        return data


class LedgerForm(forms.Form):
    to = forms.ChoiceField(
        choices=[(LedgerStatus.CONFIRMED, "已确认"), (LedgerStatus.PAID, "已兑现")]
    )
    amount = forms.DecimalField(required=False, max_digits=14, decimal_places=2)


class FairForm(forms.Form):
    name = forms.CharField(label="展会名称", max_length=120)
    session = forms.CharField(
        label="届次或年份", max_length=40, required=False, help_text="如 第138届、2026"
    )
    city = forms.CharField(label="举办地", max_length=60, required=False)
    starts = forms.DateField(label="开幕日期", required=False, widget=DATE)
    ends = forms.DateField(label="闭幕日期", required=False, widget=DATE)


class FairImportForm(forms.Form):
    upload = forms.FileField(
        label="参展企业名单",
        help_text=".xlsx 或 .csv；表头含“统一社会信用代码”，可含企业名称、展位号、展位面积",
    )

    def clean_upload(self) -> tuple[bytes, str]:
        upload: UploadedFile = self.cleaned_data["upload"]
        name = Path(upload.name or "").name
        suffix = Path(name).suffix.lower()
        if suffix not in {".xlsx", ".csv"}:
            raise forms.ValidationError("只支持 .xlsx 和 .csv 文件。")
        raw = upload.read()
        if len(raw) > _max_bytes():
            raise forms.ValidationError("文件过大。")
        if suffix == ".xlsx":
            if not content_matches(suffix, raw):
                raise forms.ValidationError("文件内容与扩展名不符。")
            try:
                check_container(suffix, raw)
            except UploadRefused as error:
                raise forms.ValidationError(str(error)) from error
        return raw, name


class ReplyTemplateForm(forms.Form):
    category = forms.ChoiceField(label="诉求类别")
    title = forms.CharField(label="模板名称", max_length=100)
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 8}))
    document = forms.ModelChoiceField(
        label="引用政策文件", queryset=Document.objects.none(), required=False
    )
    anchor = forms.CharField(
        label="引用条款",
        max_length=60,
        required=False,
        help_text="条款链接 # 后的部分，如 a5.s2（第五条（二））；在文件阅读页点条款编号可得",
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]
        self.fields["document"].queryset = Document.objects.filter(  # type: ignore[attr-defined]
            status=DocumentStatus.VALID
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        document, anchor = data.get("document"), (data.get("anchor") or "").strip().lstrip("#")
        if anchor and document is not None:
            from kaifang.library.selectors import clause_index

            if anchor not in clause_index(document):
                self.add_error("anchor", f"《{document.title}》中没有条款 {anchor}。")
        data["anchor"] = anchor
        return data
