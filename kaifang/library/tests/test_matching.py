"""Each condition type on constructed facts: met, not met, unknown for lack of data (never
silently eligible), period boundaries and near-miss explanations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaifang.library.matching import Facts, evaluate, evaluate_one


def _months(year: int, first: int, last: int) -> frozenset[dt.date]:
    return frozenset(dt.date(year, m, 1) for m in range(first, last + 1))


COVERED = _months(2025, 1, 12) | _months(2026, 1, 6)


def test_register_conditions():
    facts = Facts(
        district_id=5,
        park_id=None,
        industry_code="C3911",
        tags=frozenset({"跨境电商", "外贸"}),
        ownership="private",
        size="small",
    )
    assert evaluate_one({"type": "industry", "codes": ["C39"]}, facts).met is True
    assert evaluate_one({"type": "industry", "codes": ["F"]}, facts).met is False
    assert evaluate_one({"type": "district", "units": [5, 6]}, facts).met is True
    assert evaluate_one({"type": "district", "units": [6]}, facts).met is False
    assert evaluate_one({"type": "park", "units": [9]}, facts).met is None  # not registered
    assert evaluate_one({"type": "tag", "names": ["跨境电商"]}, facts).met is True
    assert evaluate_one({"type": "tag", "names": ["服务外包"]}, facts).met is False
    assert evaluate_one({"type": "ownership", "values": ["private"]}, facts).met is True
    assert evaluate_one({"type": "size", "values": ["large"]}, facts).met is False
    blank = Facts()
    for condition in (
        {"type": "industry", "codes": ["C"]},
        {"type": "district", "units": [5]},
        {"type": "tag", "names": ["外贸"]},
        {"type": "ownership", "values": ["private"]},
        {"type": "size", "values": ["small"]},
    ):
        assert evaluate_one(condition, blank).met is None, condition


def _exports(**by_month: str) -> dict[dt.date, Decimal]:
    out = {}
    for key, value in by_month.items():
        year, month = key[1:5], key[5:]
        out[dt.date(int(year), int(month), 1)] = Decimal(value)
    return out


def test_exports_threshold_counts_both_ends_of_the_period():
    facts = Facts(
        exports=_exports(m202601="3000000", m202606="2000000", m202607="9000000"),
        covered=COVERED | {dt.date(2026, 7, 1)},
    )
    condition = {"type": "exports", "min": "500", "start": "2026-01", "end": "2026-06"}
    reason = evaluate_one(condition, facts)
    assert reason.met is True  # 300 + 200 万美元, July outside the period
    assert "500.0 万美元" in reason.value
    condition["min"] = "600"
    reason = evaluate_one(condition, facts)
    assert reason.met is False
    assert reason.value.endswith("差 100.0 万美元")
    assert reason.near  # within 20 % of the threshold


def test_no_exports_in_a_covered_period_is_zero_not_unknown():
    condition = {"type": "exports", "min": "1", "start": "2026-01", "end": "2026-03"}
    assert evaluate_one(condition, Facts(covered=COVERED)).met is False


def test_period_not_covered_by_customs_data_is_unknown():
    facts = Facts(exports=_exports(m202606="99000000"), covered=COVERED)
    condition = {"type": "exports", "min": "1", "start": "2026-06", "end": "2026-07"}
    reason = evaluate_one(condition, facts)
    assert reason.met is None
    assert "2026年7月" in reason.value


def test_growth_with_near_miss_explanation():
    facts = Facts(
        exports=_exports(
            m202501="1000000", m202502="1000000", m202601="1080000", m202602="1080000"
        ),
        covered=COVERED,
    )
    condition = {"type": "export_growth", "min": "10", "start": "2026-01", "end": "2026-02"}
    reason = evaluate_one(condition, facts)
    assert reason.met is False
    assert reason.value == "2026年1–2月出口增长 8.0%，差 2.0 个百分点"
    assert reason.near
    condition["min"] = "8"
    assert evaluate_one(condition, facts).met is True  # the boundary itself is met


def test_growth_without_a_base_or_without_last_years_data_is_unknown():
    facts = Facts(exports=_exports(m202601="1000000"), covered=COVERED)
    condition = {"type": "export_growth", "min": "10", "start": "2026-01", "end": "2026-01"}
    assert evaluate_one(condition, facts).met is None  # nothing a year earlier
    partial = Facts(exports=facts.exports, covered=_months(2026, 1, 6))
    reason = evaluate_one(condition, partial)
    assert reason.met is None
    assert "2025年1月" in reason.value


def test_new_exporter():
    condition = {"type": "new_exporter", "year": 2026}
    new = Facts(exports=_exports(m202603="10"), covered=COVERED)
    assert evaluate_one(condition, new).met is True
    old = Facts(exports=_exports(m202503="10", m202603="10"), covered=COVERED)
    assert evaluate_one(condition, old).met is False
    # Exported in March 2025 → not new in February 2026 (12 months before the first month).
    boundary = Facts(exports=_exports(m202502="10", m202602="10"), covered=COVERED)
    assert evaluate_one(condition, boundary).met is False
    outside = Facts(exports=_exports(m202501="10", m202602="10"), covered=COVERED)
    assert evaluate_one(condition, outside).met is True  # 13 months earlier does not count
    unknown = Facts(exports=_exports(m202603="10"), covered=_months(2026, 1, 6))
    assert evaluate_one(condition, unknown).met is None


def test_all_conditions_must_be_met_and_unknown_is_never_eligible():
    facts = Facts(district_id=5, covered=COVERED, exports=_exports(m202601="6000000"))
    exports = {"type": "exports", "min": "500", "start": "2026-01", "end": "2026-01"}
    district = {"type": "district", "units": [5]}
    size = {"type": "size", "values": ["small"]}
    assert evaluate([district, exports], facts).eligible is True
    result = evaluate([district, exports, size], facts)
    assert result.eligible is None  # size not registered
    assert [r.met for r in result.reasons] == [True, True, None]
    far = evaluate([{"type": "district", "units": [6]}, exports], facts)
    assert far.eligible is False
    assert not far.near  # ruled out by the register, not by a margin
    close = evaluate([district, {**exports, "min": "700"}], facts)
    assert close.eligible is False
    assert close.near
