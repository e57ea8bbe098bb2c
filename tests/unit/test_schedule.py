"""Trigger maths at fixed instants: every schedule form, both DST changes, jitter, the dry run."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from hypothesis import given, settings
from hypothesis import strategies as st

from habit.errors import UsageProblem
from habit.plans import Commitment, Schedule, Source
from habit.schedule import (
    due_now,
    next_fire,
    next_fires,
    parse_slot,
    previous_fire,
    summary_commitment,
    trigger_for,
    with_peer_slot,
)

BERLIN = ZoneInfo("Europe/Berlin")
SRC = Source("seeds/x.txt", 1, "quote")


def item(cid="c", kind="one_off", grace=None, **sched) -> Commitment:
    schedule = Schedule(**sched) if sched else None
    return Commitment(id=cid, kind=kind, title=cid.title(), source=SRC, plan_id="p",
                      grace_minutes=grace, schedule=schedule)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def fires(commitment, start, count):
    """The first `count` fire times through the APScheduler trigger, as local wall strings."""
    trigger = trigger_for(commitment, BERLIN)
    out, prev = [], None
    for _ in range(count):
        prev = trigger.get_next_fire_time(prev, start)
        if prev is None:
            break
        out.append(prev.astimezone(BERLIN).strftime("%a %Y-%m-%d %H:%M %Z"))
    return out


def test_daily_fires_every_day_at_the_time():
    daily = item(every="daily", at=time(21, 0))
    assert fires(daily, local(2026, 11, 19, 21, 0), 3) == [
        "Thu 2026-11-19 21:00 CET", "Fri 2026-11-20 21:00 CET", "Sat 2026-11-21 21:00 CET",
    ]


def test_weekdays_skip_the_weekend():
    weekdays = item(every="weekdays", at=time(8, 30))
    assert fires(weekdays, local(2026, 11, 20, 9, 0), 2) == [
        "Mon 2026-11-23 08:30 CET", "Tue 2026-11-24 08:30 CET",
    ]


def test_weekly_fires_on_its_day_only():
    weekly = item(every="weekly", day="fri", at=time(16, 0))
    assert fires(weekly, local(2026, 11, 20, 16, 0, 1), 2) == [
        "Fri 2026-11-27 16:00 CET", "Fri 2026-12-04 16:00 CET",
    ]


def test_once_fires_once_then_never():
    once = item(every="once", date=date(2026, 11, 23), at=time(10, 0))
    assert fires(once, local(2026, 11, 19, 14, 0), 3) == ["Mon 2026-11-23 10:00 CET"]
    assert next_fire(once, local(2026, 11, 23, 10, 0), BERLIN) is None


def test_after_and_unscheduled_have_no_trigger():
    assert trigger_for(item(every="after", after="start"), BERLIN) is None
    assert trigger_for(item(), BERLIN) is None
    assert previous_fire(item(every="after", after="start"), local(2026, 11, 19, 14), BERLIN) is None


def interval(jitter=0):
    return item(cid="jaw", every="interval", interval_minutes=90,
                between=(time(9, 0), time(17, 0)), jitter_minutes=jitter)


def test_interval_slots_inside_the_window_on_weekdays():
    got = fires(interval(), local(2026, 11, 20, 15, 30), 4)
    assert got == ["Fri 2026-11-20 16:30 CET", "Mon 2026-11-23 09:00 CET",
                   "Mon 2026-11-23 10:30 CET", "Mon 2026-11-23 12:00 CET"]


def test_interval_jitter_stays_within_bounds_and_is_repeatable():
    jittered, plain = interval(jitter=10), interval()
    start = local(2026, 11, 16, 0, 0)
    nominal = [next_fire(plain, start, BERLIN)]
    for _ in range(29):
        nominal.append(next_fire(plain, nominal[-1].at, BERLIN))
    moved = [next_fire(jittered, start, BERLIN)]
    for _ in range(29):
        moved.append(next_fire(jittered, moved[-1].at, BERLIN))
    assert [f.due for f in moved] == [f.due for f in nominal]  # same slots, in order
    offsets = {int((f.at - f.due).total_seconds() // 60) for f in moved}
    assert all(-10 <= o <= 10 for o in offsets)
    assert len(offsets) > 3  # it really moves
    again = next_fire(jittered, start, BERLIN)
    assert again == moved[0]  # deterministic: a dry run shows the real time


def test_jitter_is_kept_under_half_the_interval():
    tight = item(every="interval", interval_minutes=5, between=(time(9, 0), time(10, 0)),
                 jitter_minutes=60)
    prev = next_fire(tight, local(2026, 11, 19, 0, 0), BERLIN)
    for _ in range(11):
        nxt = next_fire(tight, prev.at, BERLIN)
        assert nxt.due > prev.due and nxt.at > prev.at
        prev = nxt


# ---------------------------------------------------------------- DST in Europe/Berlin


def test_autumn_fold_fires_a_0230_reminder_once():
    daily = item(every="daily", at=time(2, 30))
    # 2026-10-25: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice.
    assert fires(daily, local(2026, 10, 24, 3, 0), 3) == [
        "Sun 2026-10-25 02:30 CEST", "Mon 2026-10-26 02:30 CET", "Tue 2026-10-27 02:30 CET",
    ]


def test_apscheduler_crontrigger_would_fire_twice_on_the_fold():
    # Why we do not use CronTrigger (FACTS.md): this is the double we avoid.
    cron = CronTrigger(hour=2, minute=30, timezone=BERLIN)
    first = cron.get_next_fire_time(None, local(2026, 10, 25, 0, 0))
    second = cron.get_next_fire_time(first, first)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert second.strftime("%H:%M") == first.strftime("%H:%M") == "02:30"


def test_spring_gap_time_fires_at_the_shifted_wall_time():
    daily = item(every="daily", at=time(2, 30))
    # 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day.
    assert fires(daily, local(2026, 3, 28, 3, 0), 3) == [
        "Sun 2026-03-29 03:30 CEST", "Mon 2026-03-30 02:30 CEST", "Tue 2026-03-31 02:30 CEST",
    ]


@pytest.mark.parametrize("minute", [0, 15, 59])
def test_after_midnight_reminders_are_not_lost_around_spring_forward(minute):
    daily = item(every="daily", at=time(0, minute))
    got = fires(daily, local(2026, 3, 27, 12, 0), 5)
    assert [g[4:14] for g in got] == [
        "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31", "2026-04-01"]
    assert all(g[15:20] == f"00:{minute:02d}" for g in got)


@pytest.mark.parametrize("start", [local(2026, 3, 20, 0, 0), local(2026, 10, 18, 0, 0)])
@pytest.mark.parametrize("at", [time(0, 30), time(2, 0), time(2, 30), time(3, 0), time(23, 59)])
def test_exactly_one_fire_per_local_day_across_each_dst_week(start, at):
    daily = item(every="daily", at=at)
    got = fires(daily, start, 14)
    days = [g[4:14] for g in got]
    assert len(set(days)) == len(days) == 14


def test_weekly_due_keeps_its_wall_time_across_the_change():
    weekly = item(every="weekly", day="sun", at=time(19, 0))
    got = fires(weekly, local(2026, 10, 18, 20, 0), 2)
    assert got == ["Sun 2026-10-25 19:00 CET", "Sun 2026-11-01 19:00 CET"]


# ---------------------------------------------------------------- grace and the dry run


def test_due_now_within_grace_only_the_latest():
    daily = item(every="daily", at=time(21, 0), grace=180)
    fire = due_now(daily, local(2026, 11, 19, 23, 59), BERLIN)
    assert fire is not None and fire.due == local(2026, 11, 19, 21, 0)
    assert due_now(daily, local(2026, 11, 20, 0, 1), BERLIN) is None  # past grace: dropped
    # Stopped for three days: only the latest slot may go, never one per missed day.
    assert due_now(daily, local(2026, 11, 22, 21, 30), BERLIN).due == local(2026, 11, 22, 21, 0)


def test_grace_zero_still_allows_the_first_minute():
    cue = item(every="daily", at=time(9, 0), grace=0)
    assert due_now(cue, local(2026, 11, 19, 9, 0, 59), BERLIN) is not None
    assert due_now(cue, local(2026, 11, 19, 9, 1, 1), BERLIN) is None


def test_next_fires_sorts_timed_first_and_keeps_untimed():
    daily = item("daily", every="daily", at=time(21, 0))
    weekly = item("weekly", every="weekly", day="fri", at=time(16, 0))
    after = item("after", every="after", after="daily")
    got = next_fires([after, weekly, daily], local(2026, 11, 19, 14, 0), BERLIN)
    assert [nf.commitment.id for nf in got] == ["daily", "weekly", "after"]
    assert got[0].at == local(2026, 11, 19, 21, 0).astimezone(UTC)
    assert got[2].at is None and got[2].describe() == "after daily"


def test_next_fires_includes_a_fire_exactly_now():
    daily = item(every="daily", at=time(14, 0))
    assert next_fires([daily], local(2026, 11, 19, 14, 0), BERLIN)[0].at == local(2026, 11, 19, 14, 0)


def test_peer_slot_from_config_moves_the_peer_check():
    peer = item("peer", kind="peer_check", every="weekly", day="fri", at=time(16, 0))
    moved = with_peer_slot([peer], "Wed 11:30")[0]
    assert moved.schedule.day == "wed" and moved.schedule.at == time(11, 30)
    assert with_peer_slot([peer], None)[0] is peer
    assert parse_slot("friday 16:00") == parse_slot("FRI 16:00") == ("fri", time(16, 0))
    for unreadable in ("whenever", "16:00", "fridya 16:00", "fri 24:30"):  # never a guess
        with pytest.raises(UsageProblem, match="is not a weekly slot"):
            with_peer_slot([peer], unreadable)


def test_summary_commitment_from_config():
    summary = summary_commitment("sun", "18:00")
    assert next_fire(summary, local(2026, 11, 19, 14), BERLIN).at == local(2026, 11, 22, 18, 0)
    assert summary_commitment("someday", "18:00") is None


# ---------------------------------------------------------------- any zone, any time of day

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "UTC"]


@settings(max_examples=150, deadline=None)
@given(zone=st.sampled_from(ZONES), hour=st.integers(0, 23), minute=st.integers(0, 59),
       day=st.integers(0, 364))
def test_a_daily_reminder_fires_once_per_local_day_in_any_zone(zone, hour, minute, day):
    tz = ZoneInfo(zone)
    daily = item(every="daily", at=time(hour, minute))
    start = datetime(2026, 1, 1, tzinfo=tz) + timedelta(days=day)
    trigger = trigger_for(daily, tz)
    prev, seen = None, []
    for _ in range(4):
        prev = trigger.get_next_fire_time(prev, start)
        seen.append(prev)
    assert all(b.astimezone(UTC) > a.astimezone(UTC) for a, b in zip(seen, seen[1:], strict=False))
    days = [s.astimezone(tz).date() for s in seen]
    assert days == [days[0] + timedelta(days=i) for i in range(4)]
    wanted = datetime.combine(days[0], time(hour, minute))
    got = seen[0].astimezone(tz).replace(tzinfo=None)
    assert timedelta(0) <= got - wanted <= timedelta(hours=1)  # only a DST gap moves it, forward
