"""Field errors name their field (UX review, 2026-12-05): Django's own messages (这个字段是必填项。
输入一个有效的日期。) said nothing of which field they meant once read aloud or seen apart."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string

from kaifang.core.templatetags.field_errors import named_errors


class Sample(forms.Form):
    name = forms.CharField(label="企业名称")
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲")])
    day = forms.DateField(label="走访日期", required=False)
    note = forms.CharField(label="备注", required=False, max_length=2)
    own = forms.CharField(label="金额", required=False)
    upload = forms.FileField(label="附件")

    def clean_own(self) -> str:
        value: str = self.cleaned_data["own"]
        if value == "x":
            raise forms.ValidationError("金额请填写数字。")
        return value


def test_django_messages_name_their_field_and_the_projects_own_pass_unchanged():
    form = Sample({"name": "", "day": "2026-13-01", "note": "太长了", "own": "x"})
    assert not form.is_valid()
    assert named_errors(form["name"]) == ["请填写“企业名称”。"]
    assert named_errors(form["kind"]) == ["请选择“类型”。"]
    assert named_errors(form["upload"]) == ["请上传“附件”。"]
    assert named_errors(form["day"]) == ["“走访日期”：输入一个有效的日期。"]
    assert named_errors(form["note"])[0].startswith("“备注”：")
    assert named_errors(form["own"]) == ["金额请填写数字。"]
    assert named_errors(Sample({"name": "甲"})["name"]) == []


def test_the_shared_form_partial_shows_the_named_messages():
    form = Sample({"name": ""})
    form.is_valid()
    html = render_to_string("partials/form_fields.html", {"form": form})
    assert "请填写“企业名称”。" in html and "这个字段是必填项" not in html
