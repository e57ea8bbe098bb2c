"""Weeks and days are the user's local ones (their HABIT_TZ), never UTC's or the machine's.

The test process runs in Europe/Berlin (tests/conftest.py); the user here lives in Tokyo (UTC+9)
or Los Angeles, so anything that reads the system's zone instead of the user's shows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from habit.errors import UsageProblem
from habit.weeks import IsoWeek, day_bounds, local_day, local_midnight, parse_week, week_of

TOKYO = ZoneInfo("Asia/Tokyo")
LA = ZoneInfo("America/Los_Angeles")
W47 = IsoWeek(2026, 47)  # Mon 16 Nov - Sun 22 Nov 2026


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_week_runs_from_the_users_monday_midnight_to_the_next():
    start, end = W47.bounds(TOKYO)
    assert start == datetime(2026, 11, 16, 0, 0, tzinfo=TOKYO) == utc(2026, 11, 15, 15, 0)
    assert end == datetime(2026, 11, 23, 0, 0, tzinfo=TOKYO) == utc(2026, 11, 22, 15, 0)
    assert start.utcoffset() == end.utcoffset() == timedelta(0)  # UTC, as the store compares


def test_an_entry_at_exactly_local_monday_midnight_is_in_exactly_one_week():
    monday = datetime(2026, 11, 23, 0, 0, tzinfo=TOKYO)
    weeks = [w for w in (W47, W47.shifted(1)) if w.bounds(TOKYO)[0] <= monday < w.bounds(TOKYO)[1]]
    assert weeks == [IsoWeek(2026, 48)] and week_of(monday, TOKYO) == IsoWeek(2026, 48)
    just_before = monday - timedelta(microseconds=1)
    assert week_of(just_before, TOKYO) == W47
    assert W47.bounds(TOKYO)[0] <= just_before < W47.bounds(TOKYO)[1]


def test_the_week_of_an_instant_is_the_users_not_the_machines():
    sunday_late_utc = utc(2026, 11, 22, 20, 0)  # already Monday 05:00 in Tokyo
    assert week_of(sunday_late_utc, TOKYO) == IsoWeek(2026, 48)
    assert week_of(sunday_late_utc, UTC) == W47
    monday_early_utc = utc(2026, 11, 23, 3, 0)  # still Sunday 19:00 in Los Angeles
    assert week_of(monday_early_utc, LA) == W47


def test_entries_between_local_midnight_and_one_count_on_the_local_day():
    just_after_midnight = datetime(2026, 11, 20, 0, 30, tzinfo=TOKYO)  # Thu 15:30 UTC
    assert local_day(just_after_midnight, TOKYO) == date(2026, 11, 20)
    assert local_day(just_after_midnight.astimezone(UTC), TOKYO) == date(2026, 11, 20)
    assert local_day(utc(2026, 11, 20, 7, 30), LA) == date(2026, 11, 19)  # 23:30 the day before
    start, end = day_bounds(date(2026, 11, 20), TOKYO)
    assert (start, end) == (utc(2026, 11, 19, 15, 0), utc(2026, 11, 20, 15, 0))
    assert start <= just_after_midnight < end
    assert start.utcoffset() == end.utcoffset() == timedelta(0)


def test_a_day_is_23_or_25_hours_when_the_clocks_change():
    start, end = day_bounds(date(2026, 11, 1), LA)  # the autumn fall-back day in Los Angeles
    assert end - start == timedelta(hours=25)
    assert local_midnight(date(2026, 3, 8), LA) == utc(2026, 3, 8, 8, 0)
    start, end = day_bounds(date(2026, 3, 8), LA)
    assert end - start == timedelta(hours=23)


@pytest.mark.parametrize("text,week", [("2026-W47", W47), ("2026w47", W47), (" 2026-W05 ", IsoWeek(2026, 5)),
                                       ("2026-W53", IsoWeek(2026, 53)), ("2027-W01", IsoWeek(2027, 1))])
def test_a_week_is_read_as_written(text, week):
    assert parse_week(text) == week
    assert str(week) == f"{week.year}-W{week.week:02d}"


@pytest.mark.parametrize("text,says", [("2027-W53", "2027 has no week 53"), ("2026-W00", "no week 0"),
                                       ("last week", "is not a week"), ("2026-47", "is not a week")])
def test_a_week_that_does_not_exist_is_one_clear_line(text, says):
    with pytest.raises(UsageProblem) as problem:
        parse_week(text)
    assert says in str(problem.value) and "\n" not in str(problem.value)
