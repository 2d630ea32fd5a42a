"""Forms only parse and validate; their cleaned_data are the actions' keyword arguments."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from kaifang.core.lib.uploads import UploadRefused, check_container, content_matches
from kaifang.core.models import RoleCode, Unit, UnitKind, User
from kaifang.core.scope import people_visible_to, visible_to
from kaifang.enterprises.models import Enterprise
from kaifang.supervision.decompose.files import UnreadableSource, read_source_bytes
from kaifang.supervision.models import (
    DocumentKind,
    Priority,
    ReportCycle,
    SourceDocument,
    Task,
    TaskStatus,
)
from kaifang.supervision.selectors import LIGHT_FILTER_CHOICES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ATTACHMENT_TYPES = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
    ".txt",
    ".zip",
    ".ofd",
}


class UnitChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _units() -> Any:
    return Unit.objects.filter(is_active=True).order_by("order", "id")


class DocumentForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=DocumentKind.choices)
    date = forms.DateField(label="日期", widget=DATE, help_text="“年底前”等时限按此日期换算")
    issuer = forms.CharField(label="讲话人/发文单位", max_length=100, required=False)
    text = forms.CharField(
        label="正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="粘贴正文；从文库网站复制的分页残片会自动拼接",
    )
    original = forms.FileField(
        label="或上传文件", required=False, help_text=".txt（UTF-8、GB18030 或 UTF-16）或 .docx"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload: UploadedFile | None = data.get("original")
        if upload is not None:
            data["text"] = _upload_text(upload)
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("请粘贴正文或上传文件。")
        return data


def _upload_text(upload: UploadedFile) -> str:
    """The text of an uploaded .txt/.docx; a file that is something else under that name (a PDF
    renamed .txt) is refused with what it really is, as ``kaifang decompose`` does."""
    suffix = Path(upload.name or "").suffix.lower()
    raw = upload.read()
    upload.seek(0)
    limit = int(getattr(settings, "SUPERVISION_ATTACHMENT_MAX_MB", 20))
    if len(raw) > limit * 1024 * 1024:
        raise forms.ValidationError(f"文件过大（上限 {limit} MB）。")
    try:
        if raw.startswith(b"PK\x03\x04"):  # a zip under any name: no bomb, no program inside
            check_container(suffix, raw)
        text = read_source_bytes(raw, suffix)
    except (UploadRefused, UnreadableSource) as error:
        raise forms.ValidationError(str(error)) from error
    if suffix not in (".txt", ".docx"):
        raise forms.ValidationError("只支持 .txt 和 .docx 文件。")
    return text


class CandidateForm(forms.Form):
    text = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = UnitChoice(label="牵头单位", queryset=_units(), required=False)
    co_units = forms.ModelMultipleChoiceField(label="责任单位", queryset=_units(), required=False)
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE)
    deadline_text = forms.CharField(label="原文时限", max_length=100, required=False)

    def __init__(
        self,
        *args: Any,
        unit_choices: list[tuple[int, str]] | None = None,
        warnings: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _units()  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = _units()  # type: ignore[attr-defined]
        if warnings:  # "截止日期早于文件日期，请核实" beside the date the reviewer checks
            self.fields["deadline"].help_text = format_html_join(
                " ", '<span class="tag tag-yellow" role="note">{}</span>', ((w,) for w in warnings)
            )
        if unit_choices is not None:
            # The review page shows one form per candidate: render them all from one query.
            self.fields["lead_unit"].widget.choices = [("", "---------"), *unit_choices]
            self.fields["co_units"].widget.choices = unit_choices


def unit_choices() -> list[tuple[int, str]]:
    return [(u.pk, u.name) for u in _units()]


class UnitMapForm(forms.Form):
    """Map a unit phrase the text wrote to a unit: an existing one (kept as its alias) or new."""

    phrase = forms.CharField(label="原文单位", max_length=200)
    unit = UnitChoice(label="对应单位", queryset=_units(), required=False)
    create = forms.BooleanField(label="新建单位", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("create") and not data.get("unit"):
            raise forms.ValidationError("请选择对应的单位，或选择新建单位。")
        return data


class MergeForm(forms.Form):
    other = forms.IntegerField(label="与之合并的候选任务")


class SplitForm(forms.Form):
    at = forms.IntegerField(
        label="拆分位置", min_value=1, help_text="在任务内容中点击要拆开的位置，或填写第几个字之后"
    )


def _people(role: str | None = None, *, user: User | AnonymousUser | None = None) -> Any:
    """People to pick: with `user`, only those of the user's units (the scope gate for
    people); the bare class attribute is replaced in each form's __init__."""
    qs = (
        people_visible_to(user) if user is not None else User.objects.filter(is_active=True)
    ).order_by("unit__order", "id")
    if role:
        qs = qs.filter(roles__code=role)
    return qs


class ConfirmForm(forms.Form):
    leader = forms.ModelChoiceField(label="责任领导", queryset=_people(), required=False)
    tags = forms.CharField(label="标签", max_length=200, required=False)

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _people(RoleCode.LEADER, user=user)  # type: ignore[attr-defined]


class EnterprisePicker(forms.SelectMultiple):
    """The chosen enterprises as ticked boxes, and a search box that fetches more (htmx) from
    the user's scope; the register can hold thousands, so it never renders them all."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        ids = [str(v) for v in (value or []) if v not in ("", None)]
        queryset = getattr(self.choices, "queryset", None)
        chosen = list(queryset.filter(pk__in=ids).order_by("name")) if queryset and ids else []
        context = {"name": name, "id": (attrs or {}).get("id", f"id_{name}"), "chosen": chosen}
        return render_to_string("supervision/widgets/enterprise_picker.html", context)


class EnterpriseChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = EnterprisePicker


class TaskEditForm(forms.Form):
    title = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = UnitChoice(label="牵头单位", queryset=_units())
    co_units = forms.ModelMultipleChoiceField(label="责任单位", queryset=_units(), required=False)
    leader = forms.ModelChoiceField(label="责任领导", queryset=_people(), required=False)
    officer = forms.ModelChoiceField(label="督办专员", queryset=_people(), required=False)
    report_cycle = forms.ChoiceField(label="报送周期", choices=ReportCycle.choices)
    report_day = forms.IntegerField(
        label="报送日", min_value=1, max_value=28, help_text="每周：1-5 为周一至周五；每月：1-28 日"
    )
    priority = forms.ChoiceField(label="优先级", choices=Priority.choices)
    tags = forms.CharField(label="标签", max_length=200, required=False)
    parks = forms.ModelMultipleChoiceField(
        label="涉及园区",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    enterprises = EnterpriseChoice(
        label="涉及企业",
        queryset=Enterprise.objects.none(),
        required=False,
        help_text="按企业名称或统一社会信用代码搜索，勾选后保存；只能选择您数据范围内的企业",
    )

    def __init__(
        self, *args: Any, user: User | AnonymousUser, task: Task | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = _units()  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = _units()  # type: ignore[attr-defined]
        # The task's current leader and officer stay choosable (an edit need not change them).
        keep = Q(pk__in=[task.leader_id, task.officer_id]) if task is not None else Q(pk__in=[])
        self.fields["leader"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=_people(RoleCode.LEADER, user=user)) | keep
        )
        self.fields["officer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=_people(user=user)) | keep
        )
        self.fields["parks"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            kind=UnitKind.PARK, is_active=True
        )
        self.fields["enterprises"].queryset = visible_to(  # type: ignore[attr-defined]
            Enterprise.objects.all(), user
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("report_cycle") == ReportCycle.WEEKLY and (data.get("report_day") or 0) > 5:
            self.add_error("report_day", "每周报送日应为 1-5（周一至周五）。")
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点", max_length=200)
    due = forms.DateField(label="节点时限", widget=DATE)


class ReportForm(forms.Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}))
    percent = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    attachment = forms.FileField(
        label="附件",
        required=False,
        help_text="PDF、Word、Excel、图片、OFD 或 ZIP",
    )

    def clean_attachment(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("attachment")
        if upload is None:
            return None
        limit = int(getattr(settings, "SUPERVISION_ATTACHMENT_MAX_MB", 20))
        if (upload.size or 0) > limit * 1024 * 1024:
            raise forms.ValidationError(f"附件不能超过 {limit} MB。")
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in ATTACHMENT_TYPES:
            raise forms.ValidationError("不支持该类型的附件。")
        content = upload.read()
        upload.seek(0)
        if not content_matches(suffix, content):
            raise forms.ValidationError(f"附件内容与扩展名 {suffix} 不符，请上传真实的文件。")
        try:
            check_container(suffix, content)
        except UploadRefused as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(label="申请延至", widget=DATE)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))


class TaskFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False)
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部状态"), *TaskStatus.choices], required=False
    )
    light = forms.ChoiceField(
        label="亮灯", choices=[("", "全部"), *LIGHT_FILTER_CHOICES], required=False
    )
    unit = UnitChoice(label="单位", queryset=_units(), required=False, empty_label="全部单位")
    document = forms.ModelChoiceField(
        label="来源文件",
        queryset=SourceDocument.objects.all(),
        required=False,
        empty_label="全部来源",
    )
    tag = forms.CharField(label="标签", required=False)
    deadline_from = forms.DateField(label="时限自", required=False, widget=DATE)
    deadline_to = forms.DateField(label="时限至", required=False, widget=DATE)

    def __init__(self, *args: Any, documents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An option shows a name or a title: not a document's full text (every list page).
        self.fields["unit"].queryset = _units().only("id", "name")  # type: ignore[attr-defined]
        if documents is not None:
            self.fields["document"].queryset = documents.select_related(None).only("id", "title")  # type: ignore[attr-defined]
