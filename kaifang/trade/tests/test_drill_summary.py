"""Issue 17: the drill-down's count and totals from the rollups equal those of its records."""

from __future__ import annotations

import pytest

from kaifang.core.models import PartnerGroup
from kaifang.trade.models import CustomsRecord
from kaifang.trade.rollups import rebuild_rollups
from kaifang.trade.selectors import (
    SPANS,
    Keys,
    Query,
    drill_records,
    drill_summary,
    records_summary,
)

pytestmark = pytest.mark.django_db

KEYS = [
    {},
    {"partner": "502"},
    {"partner": "-"},
    {"mode": "10"},
    {"hs": "84"},
    {"hs": "8471"},
    {"hs": "8"},
    {"hs": "-"},
]


@pytest.mark.parametrize("flow", ["total", "export", "import"])
def test_rollup_summary_equals_the_records_for_every_persona(trade_data, city, flow):
    """Every span and every key the rollups can answer, for a viewer who sees the city, a
    district user (pair rollups) and a liaison officer (liaison rollup); the enterprise key
    too. A wrong key, month or scope would move a count or a total."""
    trade_data.e1.liaison = city.liaison
    trade_data.e1.save()
    trade_data.e2.liaison = city.liaison  # e2 lies outside the liaison officer's district
    trade_data.e2.save()
    rebuild_rollups(CustomsRecord.objects.values_list("period", flat=True))
    q = Query(year=2025, month=3, flow=flow)
    seen = 0
    groups = [{"group": code} for code in PartnerGroup.objects.values_list("code", flat=True)]
    assert groups
    firm_keys = [
        {"district": str(trade_data.e1.district_id)},
        {"district": str(trade_data.e2.district_id), "park": "-"},
        {"park": "-"},
        {"industry": "-"},
        {"industry": "C"},
    ]
    for viewer in (None, city.leader, city.district_a_user, city.liaison):
        for params in [*KEYS, *groups, *firm_keys, {"enterprise": str(trade_data.e1.pk)}]:
            keys = Keys(**params)
            for span in SPANS:
                summary = drill_summary(viewer=viewer, q=q, span=span, keys=keys)
                assert summary is not None, (viewer, params)
                expected = records_summary(drill_records(viewer=viewer, q=q, span=span, keys=keys))
                assert summary == expected, (viewer, params, span)
                seen += expected.count
    assert seen > 0


def test_keys_the_rollups_cannot_answer_give_none(trade_data, city):
    q = Query(year=2025, month=3)
    keys = ({"hs": "84713000"}, {"partner": "502", "hs": "84"}, {"partner": "502", "district": "1"})
    for params in keys:
        assert drill_summary(viewer=city.leader, q=q, span="ytd", keys=Keys(**params)) is None
