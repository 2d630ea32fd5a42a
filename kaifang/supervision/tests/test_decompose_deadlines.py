"""Tests for kaifang.supervision.decompose.deadlines: one per phrase, on sentences we wrote."""

from __future__ import annotations

import datetime as dt

import pytest

from kaifang.supervision.decompose import decompose
from kaifang.supervision.decompose.deadlines import find_deadlines, parse_deadline

DOC = dt.date(2026, 3, 15)  # a Sunday


@pytest.mark.parametrize(
    ("sentence", "phrase", "expected"),
    [
        ("要加快推进综保区申建,确保年底前获批。", "年底前", dt.date(2026, 12, 31)),
        ("综保区获批和自贸大厦投用,务必在年内完成。", "年内", dt.date(2026, 12, 31)),
        ("今年内建成跨境电商产业园。", "今年内", dt.date(2026, 12, 31)),
        ("力争年底实现首单业务。", "年底", dt.date(2026, 12, 31)),
        ("6月底前完成线上平台上线。", "6月底前", dt.date(2026, 6, 30)),
        ("9月30日前出台服务专员制度。", "9月30日前", dt.date(2026, 9, 30)),
        ("三季度末完成企业认定。", "三季度末", dt.date(2026, 9, 30)),
        ("一季度完成方案编制。", "一季度", dt.date(2026, 3, 31)),
        ("确保二季度启动建设。", "二季度", dt.date(2026, 6, 30)),
        ("四季度前完成验收。", "四季度前", dt.date(2026, 12, 31)),
        ("上半年完成园区规划。", "上半年", dt.date(2026, 6, 30)),
        ("力争下半年投入运营。", "下半年", dt.date(2026, 12, 31)),
        ("2026年12月31日前完成全部任务。", "2026年12月31日前", dt.date(2026, 12, 31)),
        ("明年3月底前完成搬迁。", "明年3月底前", dt.date(2027, 3, 31)),
        ("明年上半年建成投用。", "明年上半年", dt.date(2027, 6, 30)),
        ("到2026年，跨境电商交易额突破100亿元。", "到2026年", dt.date(2026, 12, 31)),
        ("2026年底建成千亿级园区。", "2026年底", dt.date(2026, 12, 31)),
        ("月底前报送工作方案。", "月底前", dt.date(2026, 3, 31)),
        ("十二月底前完成验收。", "十二月底前", dt.date(2026, 12, 31)),
        ("三月底前报送名单。", "三月底前", dt.date(2026, 3, 31)),
        ("二〇二六年底前完成申建。", "二〇二六年底前", dt.date(2026, 12, 31)),
        ("二〇二七年六月三十日前建成。", "二〇二七年六月三十日前", dt.date(2027, 6, 30)),
        ("2027年前建成综合保税区。", "2027年前", dt.date(2027, 12, 31)),
        ("力争2026年实现突破。", "2026年", dt.date(2026, 12, 31)),
        ("明年底前完成外迁。", "明年底前", dt.date(2027, 12, 31)),
        ("本年度内完成清理。", "本年度内", dt.date(2026, 12, 31)),
        ("2026年上半年完成招标。", "2026年上半年", dt.date(2026, 6, 30)),
        ("4月中旬完成对接。", "4月中旬", dt.date(2026, 4, 20)),
        ("三个月内完成整改。", "三个月内", dt.date(2026, 6, 15)),
        ("国庆节前开通航线。", "国庆节前", dt.date(2026, 9, 30)),
        # a count the year must reach: the year's end (it had none)
        ("组织外贸企业参加境外展会，全年不少于3次。", "全年", dt.date(2026, 12, 31)),
        ("全年走访重点外贸企业不少于50家次。", "全年", dt.date(2026, 12, 31)),
        ("全年至少召开2次联席会议。", "全年", dt.date(2026, 12, 31)),
    ],
)
def test_one_off_phrase(sentence: str, phrase: str, expected: dt.date) -> None:
    deadline = parse_deadline(sentence, DOC)
    assert deadline is not None
    assert (deadline.date, deadline.text, deadline.recurring) == (expected, phrase, False)
    assert sentence[deadline.start : deadline.end] == phrase


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("年底前", dt.date(2026, 12, 31)),
        ("上半年", dt.date(2026, 6, 30)),
        ("下半年", dt.date(2026, 12, 31)),
        ("一季度", dt.date(2026, 3, 31)),
        ("二〇二六年", dt.date(2026, 12, 31)),
        ("2026年6月", dt.date(2026, 6, 30)),
        ("2026年6月底前完成", dt.date(2026, 6, 30)),
    ],
)
def test_a_cell_holding_only_the_phrase_needs_no_trigger(phrase: str, expected: dt.date) -> None:
    deadline = parse_deadline(phrase, DOC)
    assert deadline is not None
    assert deadline.date == expected


def test_month_already_past_keeps_the_document_year() -> None:
    deadline = parse_deadline("6月底前完成。", dt.date(2026, 8, 1))
    assert deadline is not None
    assert deadline.date == dt.date(2026, 6, 30)


def test_monthly_reporting_deadline_is_recurring() -> None:
    deadline = parse_deadline("每月23日前报送工作进展。", DOC)
    assert deadline is not None
    assert deadline.date == dt.date(2026, 3, 23)
    assert deadline.text == "每月23日前"
    assert deadline.recurring
    assert deadline.recurrence == "monthly:23"


def test_monthly_after_the_day_rolls_to_next_month() -> None:
    deadline = parse_deadline("每月23日前报送。", dt.date(2026, 12, 24))
    assert deadline is not None
    assert deadline.date == dt.date(2027, 1, 23)


def test_monthly_day_clamped_to_short_month() -> None:
    deadline = parse_deadline("每月31日前报送。", dt.date(2026, 2, 1))
    assert deadline is not None
    assert deadline.date == dt.date(2026, 2, 28)
    assert deadline.recurrence == "monthly:31"


def test_monthly_last_day() -> None:
    deadline = parse_deadline("每月底前报送统计数据。", DOC)
    assert deadline is not None
    assert (deadline.date, deadline.recurrence) == (dt.date(2026, 3, 31), "monthly:last")


def test_weekly() -> None:
    deadline = parse_deadline("每周五前报送周报。", DOC)
    assert deadline is not None
    assert deadline.date == dt.date(2026, 3, 20)
    assert (deadline.text, deadline.recurring, deadline.recurrence) == (
        "每周五前",
        True,
        "weekly:5",
    )


def test_weekly_on_the_day_itself() -> None:
    deadline = parse_deadline("每周五前报送。", dt.date(2026, 3, 20))
    assert deadline is not None
    assert deadline.date == dt.date(2026, 3, 20)


def test_quarterly() -> None:
    deadline = parse_deadline("每季度末报送培训情况。", DOC)
    assert deadline is not None
    assert (deadline.date, deadline.recurrence) == (dt.date(2026, 3, 31), "quarterly:end")


def test_lunar_festival_keeps_phrase_without_a_date() -> None:
    deadline = parse_deadline("春节前完成走访慰问。", DOC)
    assert deadline is not None
    assert deadline.date is None
    assert deadline.text == "春节前"


def test_one_off_wins_over_recurring_and_latest_wins() -> None:
    sentence = "6月底前完成规划，年底前建成投用，每月23日前报送进展。"
    deadline = parse_deadline(sentence, DOC)
    assert deadline is not None
    assert (deadline.date, deadline.text) == (dt.date(2026, 12, 31), "年底前")
    assert [d.text for d in find_deadlines(sentence, DOC)] == ["6月底前", "年底前", "每月23日前"]


@pytest.mark.parametrize(
    "sentence",
    [
        "要加快推进铁路、航空口岸建设,发展多式联运,完善口岸功能。",
        "2025年全市进出口增长10%。",
        "上半年全市进出口同比增长8.5%。",
        "一季度全市实际使用外资3亿美元。",
        "截至2025年底,全市共有外贸企业500家。",
        "去年年底完成了综保区的预审。",
        "本办法自2026年1月1日起施行。",
        "重点思考3个问题。",
        "6月全市出口额创新高。",
        "三年内全市外贸总量翻一番。",
        "",
    ],
)
def test_not_a_deadline(sentence: str) -> None:
    assert parse_deadline(sentence, DOC) is None


def test_invalid_dates_are_rejected() -> None:
    assert parse_deadline("2月30日前完成。", DOC) is None
    assert parse_deadline("13月底前完成。", DOC) is None


def test_half_year_before_an_event_verb() -> None:
    from kaifang.supervision.decompose import parse_deadline

    found = parse_deadline("下半年举办中德产业合作对接会", dt.date(2026, 3, 20))
    assert found is not None
    assert (found.date, found.text) == (dt.date(2026, 12, 31), "下半年")


def test_a_deadline_earlier_than_the_document_is_kept_and_flagged() -> None:
    """ "6月底前" in a document dated in August: the text does not say next year, so the date
    stays 30 June and the reviewer is asked to check it; "明年6月底前" is next year's."""
    text = (
        "市商务局要在6月底前完成外资企业走访。\n"
        "市投资促进局要在明年6月底前办结外资企业诉求。\n"
        "各县区要在10月底前报送跨境电商企业名单。\n"
        "各县区要于每月5日前报送工作进展。"
    )
    found = decompose(text, doc_date=dt.date(2026, 8, 15), units=[])
    assert [(str(c.deadline), c.warnings) for c in found] == [
        ("2026-06-30", ["截止日期早于文件日期，请核实"]),
        ("2027-06-30", []),
        ("2026-10-31", []),
        ("2026-09-05", []),
    ]


def test_a_stage_earlier_than_the_document_is_flagged_too() -> None:
    """ "5月底前…，9月底前…，年底前…" in a document dated in July: the final deadline is ahead,
    but the first stage's date has passed; the reviewer is asked to check that stage."""
    [task] = decompose(
        "市商务局要在5月底前完成外资项目摸排，9月底前形成招引方案，年底前完成签约。",
        doc_date=dt.date(2026, 7, 10),
        units=[],
    )
    assert [m.deadline for m in task.milestones] == [
        dt.date(2026, 5, 31),
        dt.date(2026, 9, 30),
        dt.date(2026, 12, 31),
    ]
    assert task.warnings == ["时间节点“5月底前”早于文件日期，请核实"]
    [late] = decompose(
        "市商务局要在3月底前完成摸排，6月底前签订合作协议。",
        doc_date=dt.date(2026, 7, 10),
        units=[],
    )
    assert late.warnings == [
        "截止日期早于文件日期，请核实",
        "时间节点“3月底前”早于文件日期，请核实",
    ]


def test_a_bare_quarter_before_zhengqu_is_a_deadline() -> None:
    """ "三季度争取省政府同意后上报" sets the third quarter as the time to act."""
    found = parse_deadline("三季度争取省政府同意后上报商务部", dt.date(2026, 1, 20))
    assert found is not None and found.date == dt.date(2026, 9, 30)


def test_a_period_without_a_day_before_a_recurring_duty_recurs() -> None:
    """ "每月通报工作进展", "每季度至少举办1场对接活动": the period's end is the due date; "每月
    补贴500元" describes a payment, no duty."""
    from kaifang.supervision.decompose import parse_deadline

    date = dt.date(2026, 4, 15)
    monthly = parse_deadline("市商务局要加强统筹调度，每月通报工作进展", date)
    assert monthly is not None
    assert (monthly.recurrence, monthly.date) == ("monthly:last", dt.date(2026, 4, 30))
    quarterly = parse_deadline("每季度至少举办1场政银企对接活动", date)
    assert quarterly is not None
    assert (quarterly.recurrence, quarterly.date) == ("quarterly:end", dt.date(2026, 6, 30))
    assert parse_deadline("对新引进人才每月补贴500元", date) is None
