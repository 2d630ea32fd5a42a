"""The demo loader: a watch list and two scenarios; running it twice changes nothing."""

from __future__ import annotations

import pytest

from kaifang.core import demo
from kaifang.core.reference_loader import load_partner_groups, load_partners
from kaifang.risk.models import Scenario, ScenarioProduct, WatchEntry

pytestmark = pytest.mark.django_db


def test_demo_loads_a_watch_list_and_two_scenarios_and_runs_twice():
    load_partners()
    load_partner_groups()
    demo.run(size="small", log=lambda _m: None, only={"city", "risk"})
    assert WatchEntry.objects.filter(is_synthetic=True).count() == 4
    tariff = Scenario.objects.get(name="美国对机电产品加征关税")
    assert list(tariff.partners.values_list("code", flat=True)) == ["502"]
    assert tariff.products.filter(hs_code="8507600010", rate_pp=7.5).exists()
    shrink = Scenario.objects.get(name="欧盟纺织服装需求萎缩")
    assert list(shrink.partner_groups.values_list("code", flat=True)) == ["eu"]
    assert shrink.unit is not None and shrink.unit.name == "外贸科"
    counts = (WatchEntry.objects.count(), Scenario.objects.count(), ScenarioProduct.objects.count())
    demo.run(size="small", log=lambda _m: None, only={"city", "risk"})
    assert counts == (
        WatchEntry.objects.count(),
        Scenario.objects.count(),
        ScenarioProduct.objects.count(),
    )
