"""What config.toml sets for reminders: the weekly summary's slot and the peer check's slot."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from habit.errors import UsageProblem
from habit.schedule import due_now, parse_slot, summary_commitment

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("day", ["sun", "Sunday", " SUN "])
def test_the_weekly_summary_reads_its_day_like_the_peer_slot(day):
    summary = summary_commitment(day, "18:00", plan_id="mine")
    assert (summary.id, summary.kind, summary.title, summary.plan_id) == (
        "weekly-summary", "summary", "Your week is ready", "mine")
    assert summary.schedule.every == "weekly" and summary.schedule.day == "sun"
    assert summary.schedule.at == time(18, 0)
    assert summary.source.file == "config.toml"


def test_the_weekly_summary_may_go_out_a_day_late():
    summary = summary_commitment("sun", "18:00")
    sunday = datetime(2026, 11, 22, 18, 0, tzinfo=BERLIN)
    assert due_now(summary, sunday.replace(day=23).astimezone(UTC), BERLIN).due == sunday
    assert due_now(summary, sunday.replace(day=23, minute=1).astimezone(UTC), BERLIN) is None


@pytest.mark.parametrize("day,at", [("sundy", "18:00"), ("sun", "18:60"), ("", "18:00")])
def test_a_summary_slot_that_does_not_read_is_none(day, at):
    assert summary_commitment(day, at) is None


@pytest.mark.parametrize("text,slot", [("fri 9:30", ("fri", time(9, 30))),
                                       ("Friday 09:30", ("fri", time(9, 30))),
                                       ("  sun   0:05 ", ("sun", time(0, 5)))])
def test_a_slot_with_a_one_digit_hour_is_read(text, slot):
    assert parse_slot(text) == slot


@pytest.mark.parametrize("text", ["fri 930", "fri 9:3", "fri", "fri 09:30 weekly", "", "fri 19:5"])
def test_a_slot_that_does_not_read_says_how_to_write_it(text):
    with pytest.raises(UsageProblem) as problem:
        parse_slot(text)
    assert str(problem.value) == (f"'{text.strip()}' is not a weekly slot; write a weekday and a "
                                  '24-hour time, like "fri 16:00".')
