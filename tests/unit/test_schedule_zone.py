"""Reminders follow the user's zone (HABIT_TZ), not the machine's: the test process runs in
Europe/Berlin (tests/conftest.py) and the user here lives in Tokyo (UTC+9, no DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from habit.plans import Commitment, Schedule, Source
from habit.schedule import due_now, next_fire, next_fires, previous_fire

TOKYO = ZoneInfo("Asia/Tokyo")
SRC = Source("s.txt", 1, "quote")


def item(cid="c", grace=None, **sched) -> Commitment:
    return Commitment(id=cid, kind="one_off", title=cid, source=SRC, plan_id="p",
                      grace_minutes=grace, schedule=Schedule(**sched))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


DAILY = item(every="daily", at=time(9, 0))  # 09:00 in Tokyo is 00:00 UTC


def test_a_daily_reminder_is_due_at_the_users_wall_time():
    assert next_fire(DAILY, utc(2026, 11, 19, 1, 0), TOKYO).at == utc(2026, 11, 20, 0, 0)
    assert previous_fire(DAILY, utc(2026, 11, 19, 1, 0), TOKYO).at == utc(2026, 11, 19, 0, 0)
    assert previous_fire(DAILY, utc(2026, 11, 18, 23, 59), TOKYO).at == utc(2026, 11, 18, 0, 0)


def test_due_now_and_the_dry_run_use_the_users_zone():
    fire = due_now(DAILY, utc(2026, 11, 19, 0, 30), TOKYO)  # 09:30 in Tokyo, within 3 h
    assert fire is not None and fire.due == utc(2026, 11, 19, 0, 0)
    assert due_now(DAILY, utc(2026, 11, 19, 3, 1), TOKYO) is None  # 3 h 1 min late
    [nf] = next_fires([DAILY], utc(2026, 11, 19, 1, 0), TOKYO)
    assert nf.at == utc(2026, 11, 20, 0, 0)


def test_a_one_time_reminder_is_due_on_its_local_date():
    once = item(every="once", date=date(2026, 11, 20), at=time(8, 0))  # Thu 23:00 UTC
    assert next_fire(once, utc(2026, 11, 19, 12, 0), TOKYO).at == utc(2026, 11, 19, 23, 0)
    assert previous_fire(once, utc(2026, 11, 19, 22, 59), TOKYO) is None
    assert previous_fire(once, utc(2026, 11, 19, 23, 0), TOKYO).at == utc(2026, 11, 19, 23, 0)
    assert due_now(once, utc(2026, 11, 20, 10, 0), TOKYO).due == utc(2026, 11, 19, 23, 0)
    assert due_now(once, utc(2026, 11, 20, 11, 1), TOKYO) is None  # 12 h 1 min late
    assert next_fire(once, utc(2026, 11, 19, 23, 0), TOKYO) is None  # once means once
    assert previous_fire(once, utc(2026, 12, 30, 0, 0), TOKYO).at == utc(2026, 11, 19, 23, 0)


def test_a_weekday_is_the_users_weekday():
    weekdays = item(every="weekdays", at=time(8, 30))  # Monday 08:30 Tokyo = Sunday 23:30 UTC
    assert next_fire(weekdays, utc(2026, 11, 21, 12, 0), TOKYO).at == utc(2026, 11, 22, 23, 30)
    weekly = item(every="weekly", day="mon", at=time(8, 30))
    assert next_fire(weekly, utc(2026, 11, 19, 0, 0), TOKYO).at == utc(2026, 11, 22, 23, 30)
