"""The form renderer writes <select> and <input> in Python: the HTML must be Django's, to the
character."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kaifang.core.lib.form_renderer import FormRenderer


def django_html(form_class, *args, **kwargs) -> list[str]:
    """Every field as Django's own renderer and bound field write it."""
    form = form_class(*args, **kwargs)
    form.renderer = DjangoTemplates()
    form.bound_field_class = forms.BoundField
    return [str(field) for field in form]


def our_html(form_class, *args, **kwargs) -> list[str]:
    form = form_class(*args, **kwargs)
    assert isinstance(form.renderer, FormRenderer)  # settings.FORM_RENDERER
    return [str(field) for field in form]


class Edges(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & <乙>"), (3, 3)], required=False)
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("组一", [("1", "一"), ("2", "二")]), ("x", "叉")], required=True
    )
    many = forms.MultipleChoiceField(choices=[(1, "a"), (2, "b"), (3, "c")], required=False)
    flags = forms.ChoiceField(
        choices=[("y", "是")],
        widget=forms.Select(attrs={"class": "sel", "data-x": 'q"uote', "autofocus": True}),
    )
    off = forms.ChoiceField(choices=[("n", "否")], disabled=True, required=False)
    text = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "名称"}))
    number = forms.IntegerField(min_value=1, required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=True)
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    safe = forms.CharField(required=False)
    check = forms.BooleanField(required=False)  # a template widget, left to Django
    radio = forms.ChoiceField(choices=[("a", "甲")], widget=forms.RadioSelect, required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {
            "plain": "a",
            "grouped": "2",
            "many": ["1", "3"],
            "flags": "y",
            "text": '<script>"x"</script>',
            "number": "0",
            "date": "2026-13-01",
            "email": "不是邮箱",
            "secret": "s&s",
            "hidden": "h",
            "safe": mark_safe("<b>"),
            "check": "on",
            "radio": "a",
        },
    ],
)
def test_same_html_as_django(data):
    initial = {"date": dt.date(2026, 12, 2), "number": 1234567, "text": "初值"}
    assert our_html(Edges, data, initial=initial) == django_html(Edges, data, initial=initial)


@pytest.mark.django_db
def test_the_load_mix_filter_forms_render_as_django(city):
    from kaifang.enterprises.forms import EnterpriseFilterForm
    from kaifang.servicedesk.forms import AppealFilterForm
    from kaifang.supervision.forms import TaskFilterForm
    from kaifang.supervision.selectors import documents_visible
    from kaifang.trade.forms import AnalysisForm

    for data in (None, {"q": "机械", "status": "routed", "unit": str(city.district_a.pk)}):
        assert our_html(AppealFilterForm, data) == django_html(AppealFilterForm, data)
        assert our_html(AnalysisForm, data) == django_html(AnalysisForm, data)
        for user in (city.leader, city.district_a_user):
            assert our_html(EnterpriseFilterForm, data, user=user) == django_html(
                EnterpriseFilterForm, data, user=user
            )
        documents = documents_visible(user=city.officer)
        assert our_html(TaskFilterForm, data, documents=documents) == django_html(
            TaskFilterForm, data, documents=documents
        )
