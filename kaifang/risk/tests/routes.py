"""Route matrix rows of risk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kaifang.core.models import Partner
from kaifang.core.tests.route_matrix import Route
from kaifang.enterprises.tests.factories import EnterpriseFactory
from kaifang.risk.models import FollowUp, Scenario, ScenarioProduct, WatchEntry
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.tests.factories import CustomsRecordFactory


def make(city: Any) -> dict[str, Any]:
    """A district A enterprise exporting to the US, district A's scenario on it, a visit
    sent to its liaison, and a partner on the watch list."""
    us, _ = Partner.objects.get_or_create(
        code="502", defaults={"name_zh": "美国", "continent": "5"}
    )
    enterprise = EnterpriseFactory(
        name="路由矩阵东城出口企业", district=city.district_a, liaison=city.liaison
    )
    CustomsRecordFactory(
        enterprise=enterprise,
        period=timezone.localdate().replace(day=1),  # the latest month: dependence shows it
        partner_code="502",
        hs_code="85011020",
        value_usd=Decimal(1000),
    )
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True), settle=True)
    scenario = Scenario.objects.create(
        name="路由矩阵东城情景", unit=city.district_a, created_by=city.district_a_user
    )
    scenario.partners.set([us])
    ScenarioProduct.objects.create(scenario=scenario, line=1, hs_code="85")
    follow_up = FollowUp.objects.create(
        scenario=scenario, enterprise=enterprise, liaison=city.liaison, rank=1
    )
    watch = WatchEntry.objects.create(partner=us, level="high", since=dt.date(2025, 1, 1))
    return {
        "risk_scenario": scenario,
        "risk_enterprise": enterprise,
        "risk_follow_up": follow_up,
        "risk_watch": watch,
    }


_WRITE = {"leader": 403}
_STAFF_ONLY = {
    "leader": 403,
    "district_a": 403,
    "district_b": 403,
    "liaison": 403,
    "park": 403,
}

ROUTES = [
    Route("risk:scenario_list", hides="risk_scenario", city_wide=True),  # the watch list
    Route("risk:scenario_new"),
    Route("risk:scenario_detail", kwargs={"pk": "risk_scenario"}),
    Route("risk:scenario_edit", kwargs={"pk": "risk_scenario"}, expect=_WRITE),
    Route("risk:scenario_import", kwargs={"pk": "risk_scenario"}, expect=_WRITE),
    Route("risk:scenario_records", kwargs={"pk": "risk_scenario"}),
    Route("risk:scenario_export", kwargs={"pk": "risk_scenario"}),
    Route("risk:scenario_brief", kwargs={"pk": "risk_scenario"}),
    Route(
        "risk:scenario_follow_ups",
        kwargs={"pk": "risk_scenario"},
        method="POST",
        expect={"leader": 403, "district_a": 302},
    ),
    Route(
        "risk:scenario_delete",
        kwargs={"pk": "risk_scenario"},
        method="POST",
        expect={"leader": 403, "district_a": 302},
    ),
    Route("risk:my_follow_ups"),  # only the signed-in officer's own tasks
    Route("risk:watch_list", city_wide=True),
    Route("risk:watch_delete", kwargs={"pk": "risk_watch"}, method="POST", expect=_STAFF_ONLY),
    Route("risk:dependence", hides="risk_enterprise", seen_by=("liaison",)),  # his firm
    Route("api:risk_watch_list", city_wide=True),
    Route("api:risk_scenario_list", hides="risk_scenario"),
    Route("api:risk_scenario_result", kwargs={"scenario_id": "risk_scenario"}),
]
