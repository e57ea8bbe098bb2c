"""Reading when from English: clock times, day sets, cues, weekly counts, intervals, lengths."""

from __future__ import annotations

from datetime import time

import pytest

from habit.distill import durations
from habit.distill_when import clock_time, cue_in, days_in, interval_in, weekly_count


@pytest.mark.parametrize(("text", "want"), [
    ("at 4pm", time(16, 0)), ("16:00 sharp", time(16, 0)), ("Mon 08.45: plan", time(8, 45)),
    ("at 9", time(9, 0)), ("around 3pm", time(15, 0)), ("at noon", time(12, 0)),
    ("at 9 in the evening", time(21, 0)), ("at 3", time(15, 0)), ("4:30 p.m.", time(16, 30)),
    ("12am", time(0, 0)), ("~9:15", time(9, 15)),
])
def test_clock_times_read_right(text, want):
    assert clock_time(text) == want


@pytest.mark.parametrize("text", [
    "swim 3x per week", "read 10 pages", "2.50 for coffee", "walk 20 min", "page 3 of the book",
    "sleep 6h", "mood 5/10",
])
def test_numbers_that_are_not_times_are_not_read_as_times(text):
    assert clock_time(text) is None


@pytest.mark.parametrize(("text", "want"), [
    ("mon wed fri", ["mon", "wed", "fri"]), ("Mon/Wed/Fri", ["mon", "wed", "fri"]),
    ("on Tuesdays and Thursdays", ["tue", "thu"]), ("Sunday evening", ["sun"]),
    ("Mon-Fri", ["mon", "tue", "wed", "thu", "fri"]), ("weekends", ["sat", "sun"]),
    ("I sat down in the sun", []),
])
def test_days_and_day_sets(text, want):
    assert days_in(text) == want


def test_short_day_names_in_notes_are_read_even_alone():
    assert days_in("thu call", short=True) == ["thu"]
    assert days_in("thu call") == []


@pytest.mark.parametrize(("text", "want"), [
    ("3x per week", 3), ("three times a week", 3), ("twice a week", 2), ("2 things every week", 2),
    ("4x/week", 4), ("every day", None),
])
def test_weekly_counts(text, want):
    assert weekly_count(text) == want


@pytest.mark.parametrize(("text", "cue", "at"), [
    ("read before bed", "before bed", time(21, 30)), ("after lunch", "after lunch", time(13, 30)),
    ("after my first coffee", "after my first coffee", time(8, 30)),
    ("after work", "after work", time(17, 30)),
])
def test_cues_carry_a_time_to_remind_at(text, cue, at):
    assert cue_in(text) == (cue, at)


def test_intervals_within_hours():
    found = interval_in("every 90 minutes between 9 and 5")
    assert found is not None and found.minutes == 90 and found.between == (time(9, 0), time(17, 0))
    assert interval_in("every hour from 10 to 4").between == (time(10, 0), time(16, 0))
    assert interval_in("every day") is None


@pytest.mark.parametrize(("text", "want"), [
    ("ten minutes", [10]), ("20 min", [20]), ("half an hour", [30]), ("an hour", [60]), ("2-3 minutes", [3]),
])
def test_lengths(text, want):
    assert durations(text) == want
