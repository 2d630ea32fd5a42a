"""序时进度, progress, 拉动 and peer ranking on hand-checked numbers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kaifang.indicators import measures


def test_elapsed_is_months_over_twelve():
    assert measures.elapsed_pct(6) == D(50)  # 时间过半
    assert measures.elapsed_pct(12) == D(100)
    assert round(measures.elapsed_pct(10), 4) == D("83.3333")
    with pytest.raises(ValueError):
        measures.elapsed_pct(13)


def test_progress_against_target_and_pace():
    # Target 600 亿元, 1–6月 累计 318: 53% done at 50% elapsed → 3 points ahead.
    p = measures.progress(D(318), D(600), 6)
    assert p.done_pct == D(53)
    assert p.ahead_pp == D(3)
    assert p.on_pace is True
    assert p.label == "快于序时进度3.0个百分点"
    # 1–9月 累计 420 of 600: 70% done at 75% elapsed → 5 points behind.
    behind = measures.progress(D(420), D(600), 9)
    assert behind.done_pct == D(70)
    assert behind.ahead_pp == D(-5)
    assert behind.on_pace is False
    assert behind.label == "慢于序时进度5.0个百分点"
    assert measures.progress(D(1), None, 3).label == "未设目标"


def test_contribution_of_districts_sums_to_growth():
    # City 上年同期 200 (A 120 + B 80), now 230 (A 150 + B 80): growth 15%.
    a = measures.contribution_pp(D(150), D(120), D(200))
    b = measures.contribution_pp(D(80), D(80), D(200))
    assert a == D(15)
    assert b == D(0)
    assert a + b == measures.growth_pct(D(230), D(200))
    assert measures.contribution_pp(D(1), D(1), D(0)) is None


def test_rank_with_gaps_and_ties():
    # 同比 of peers: 武汉 12.5, 郑州 9.0, 本市 9.0, 徐州 6.2, 全省 7.4; 长沙 without data.
    ranked = measures.rank(
        [
            ("city", "示范市", D("9.0")),
            ("wuhan", "武汉", D("12.5")),
            ("zhengzhou", "郑州", D("9.0")),
            ("xuzhou", "徐州", D("6.2")),
            ("province", "全省", D("7.4")),
            ("changsha", "长沙", None),
        ]
    )
    assert [r.key for r in ranked] == ["wuhan", "city", "zhengzhou", "province", "xuzhou"]
    assert [r.rank for r in ranked] == [1, 2, 2, 4, 5]
    city = measures.find(ranked, "city")
    assert city is not None
    assert city.gap_to_above == D("3.5")  # to 武汉, not to 郑州 on the same value
    assert city.above == "武汉"
    assert city.gap_to_best == D("3.5")
    xuzhou = measures.find(ranked, "xuzhou")
    assert xuzhou is not None
    assert xuzhou.gap_to_above == D("1.2")
    assert xuzhou.gap_to_best == D("6.3")
    first = measures.find(ranked, "wuhan")
    assert first is not None and first.gap_to_above is None and first.gap_to_best == 0
    assert measures.find(ranked, "changsha") is None
