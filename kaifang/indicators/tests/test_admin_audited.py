"""Indicator and region definitions edited in the admin are audited like every other change
(the admin writes around the actions)."""

from __future__ import annotations

from django.test import Client

from kaifang.core.models import AuditEntry
from kaifang.indicators.models import Indicator


def test_editing_and_deleting_an_indicator_in_the_admin_is_audited(city, client: Client):
    indicator = Indicator.objects.create(code="zz_test", name="测试指标", unit="万元")
    client.force_login(city.admin)
    url = f"/admin/indicators/indicator/{indicator.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"name": "测试指标（改）", "cumulative": "on" if indicator.cumulative else ""})
    data = {k: v for k, v in data.items() if v != ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="indicator.update")
    assert entry.actor == city.admin and entry.changes["name"] == "测试指标（改）"
    client.post(f"/admin/indicators/indicator/{indicator.pk}/delete/", {"post": "yes"})
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert AuditEntry.objects.filter(action="indicator.delete", actor=city.admin).exists()
