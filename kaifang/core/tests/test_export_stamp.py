"""The line under every exported table's title: when, how many and who (`export_stamp`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kaifang.core.exports import export_stamp
from kaifang.core.models import User


def test_the_stamp_names_the_time_the_count_in_its_measure_and_the_exporter(monkeypatch):
    now = timezone.make_aware(dt.datetime(2026, 12, 7, 9, 5))
    monkeypatch.setattr(timezone, "now", lambda: now)
    user = User(username="zhang", full_name="张三")
    assert export_stamp(user) == "导出时间 2026-12-07 09:05，导出人 张三"
    assert export_stamp(user, 12345, "件") == "导出时间 2026-12-07 09:05，共 12,345 件，导出人 张三"
    note = "（仅导出最近 50,000 条，请缩小日期范围）"
    assert export_stamp(User(username="li"), 60000, note=note) == (
        f"导出时间 2026-12-07 09:05，共 60,000 条{note}，导出人 li"
    )
