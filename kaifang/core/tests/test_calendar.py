"""The working-day calendar on China's real 2026 schedule (国办发明电〔2025〕7号) and on the
Monday–Friday fallback for 2027, which neither the package nor an administrator covers yet."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from django.core.cache import cache

from kaifang.core import calendar
from kaifang.core.calendar import (
    add_workdays,
    add_workdays_checked,
    is_workday,
    workdays_between,
    workdays_between_checked,
)
from kaifang.core.models import CalendarDay, CalendarDayKind, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def enter_2027_new_year(*, complete: bool) -> None:
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    CalendarYear.objects.filter(year=2027).update(is_complete=complete)
    CalendarYear.objects.get(year=2027).save()  # the signal is what tells the cache


# --- The 2026 schedule ------------------------------------------------------------------


def test_national_day_2026_is_seven_days_off():
    for day in days(D(2026, 10, 1), D(2026, 10, 7)):
        status = calendar.day_status(day)
        assert not status.is_workday, day
        assert status.name == "国庆节"
        assert not status.provisional
    assert is_workday(D(2026, 10, 8))


def test_mid_autumn_2026_is_separate_from_national_day():
    # In 2026 中秋 falls on 25 September, so it is not merged into 国庆 as in 2025.
    for day in days(D(2026, 9, 25), D(2026, 9, 27)):
        assert calendar.day_status(day).name == "中秋节"
        assert not is_workday(day)
    assert is_workday(D(2026, 9, 24))
    assert is_workday(D(2026, 9, 28))


def test_make_up_working_days_2026_fall_on_weekends_and_count():
    for day in [D(2026, 9, 20), D(2026, 10, 10)]:
        assert day.weekday() >= 5
        assert is_workday(day)
        assert chinese_calendar.is_workday(day)  # the package agrees with the official notice


def test_spring_festival_2026():
    for day in days(D(2026, 2, 15), D(2026, 2, 23)):
        assert not is_workday(day), day
        assert calendar.day_status(day).name == "春节"
    assert is_workday(D(2026, 2, 14))  # Saturday, make-up
    assert is_workday(D(2026, 2, 28))  # Saturday, make-up
    assert is_workday(D(2026, 2, 24))
    assert not is_workday(D(2026, 2, 7))  # an ordinary Saturday


def test_package_bounds_come_from_the_package():
    assert calendar.PACKAGE_FIRST_YEAR == 2004
    assert calendar.PACKAGE_LAST_YEAR >= 2026
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(calendar.PACKAGE_LAST_YEAR + 1, 3, 3))
    # …and we answer where the package raises.
    assert calendar.day_status(D(calendar.PACKAGE_LAST_YEAR + 1, 3, 3)).provisional


# --- Adding and counting working days ------------------------------------------------------


def test_add_workdays_across_national_day():
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 9, 29), 3) == D(2026, 10, 9)
    assert add_workdays(D(2026, 9, 29), 4) == D(2026, 10, 10)  # the Saturday make-up day
    assert add_workdays(D(2026, 9, 29), 5) == D(2026, 10, 12)
    assert add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)  # Sunday make-up day
    # Registered on a holiday: the first working day after it.
    assert add_workdays(D(2026, 10, 3), 1) == D(2026, 10, 8)


def test_add_zero_is_the_start_and_negative_goes_back():
    assert add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert add_workdays(D(2026, 10, 12), -1) == D(2026, 10, 10)
    assert add_workdays(D(2026, 10, 12), -2) == D(2026, 10, 9)


def test_workdays_between_conventions():
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 8)) == 1  # (a, b]
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 7)) == 0
    assert workdays_between(D(2026, 10, 8), D(2026, 9, 30)) == -1  # overdue by one
    assert workdays_between(D(2026, 10, 1), D(2026, 10, 1)) == 0
    # The whole of 2026: 365 days, 104 weekend days, 19 weekday holidays, 6 make-up days.
    assert workdays_between(D(2025, 12, 31), D(2026, 12, 31)) == 365 - 104 - 19 + 6


@pytest.mark.parametrize("start", [D(2026, 9, 17), D(2026, 10, 1), D(2026, 12, 24)])
def test_between_inverts_add(start):
    for n in range(-12, 13):
        assert workdays_between(start, add_workdays(start, n)) == n, n


# --- Years with no official data -------------------------------------------------------


def test_2027_falls_back_to_monday_to_friday_and_says_so():
    assert not calendar.is_year_covered(2027)
    wednesday, saturday = calendar.day_status(D(2027, 3, 3)), calendar.day_status(D(2027, 3, 6))
    assert wednesday.is_workday and wednesday.provisional
    assert not saturday.is_workday and saturday.provisional
    # 1 January 2027 is certainly 元旦, but nobody has entered it: counted as a Friday.
    result = add_workdays_checked(D(2026, 12, 25), 10)
    assert result == calendar.WorkdayResult(D(2027, 1, 8), provisional=True)
    assert workdays_between_checked(D(2026, 12, 25), D(2027, 1, 8)).provisional
    assert not add_workdays_checked(D(2026, 12, 1), 5).provisional
    assert not workdays_between_checked(D(2026, 12, 1), D(2026, 12, 31)).provisional


def test_far_years_never_crash():
    assert is_workday(D(2100, 3, 3))
    assert calendar.day_status(D(1999, 10, 1)).provisional
    assert add_workdays(D(2099, 12, 30), 3) == D(2100, 1, 4)


def test_admin_entry_overrides_fallback_and_completing_the_year_makes_it_official():
    enter_2027_new_year(complete=False)
    result = add_workdays_checked(D(2026, 12, 25), 10)
    assert result.date == D(2027, 1, 11)  # 元旦 skipped
    assert result.provisional  # the rest of 2027 is still a guess
    assert not calendar.day_status(D(2027, 1, 1)).provisional  # this one day is known

    CalendarYear.objects.filter(year=2027).update(is_complete=True)
    CalendarYear.objects.get(year=2027).save()
    assert calendar.is_year_covered(2027)
    assert add_workdays_checked(D(2026, 12, 25), 10) == calendar.WorkdayResult(
        D(2027, 1, 11), provisional=False
    )


def test_admin_entry_overrides_the_package():
    # e.g. an extra day off decided after the package was released (as in 2020).
    CalendarDay.objects.create(date=D(2026, 10, 8), kind=CalendarDayKind.HOLIDAY, name="国庆节")
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 9)


def test_aware_datetimes_are_read_in_china_time():
    # 17:00 UTC on 30 September is already 1 October in Shanghai.
    assert not is_workday(dt.datetime(2026, 9, 30, 17, tzinfo=dt.UTC))


# --- Cache ----------------------------------------------------------------------------


def test_thousand_calls_cost_no_queries(django_assert_max_num_queries):
    is_workday(D(2026, 1, 5))  # load once
    with django_assert_max_num_queries(0):
        for i in range(1000):
            add_workdays(D(2026, 1, 1) + dt.timedelta(days=i % 300), 15)


def test_change_in_another_process_is_seen_through_the_version_counter(monkeypatch):
    monkeypatch.setattr(calendar, "_CHECK_SECONDS", 0.0)
    assert is_workday(D(2027, 3, 3))
    # Another process writes (bulk_create sends no signal, so nothing reaches us) …
    CalendarYear.objects.bulk_create([CalendarYear(year=2027)])
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=D(2027, 3, 3), kind=CalendarDayKind.HOLIDAY, name="测试", year_id=2027)]
    )
    assert is_workday(D(2027, 3, 3))  # still our cached copy
    # … and publishes the change after its commit.
    cache.set(calendar._VERSION_KEY, "another-process")
    assert not is_workday(D(2027, 3, 3))


def test_saving_publishes_the_version_after_commit(django_capture_on_commit_callbacks):
    before = cache.get(calendar._VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDayKind.HOLIDAY, name="元旦")
    assert cache.get(calendar._VERSION_KEY) != before
