"""The weekly review as a user reads it: every kind of entry somewhere, the week's edges on the
user's own midnight, the peer actually met, reminders of a plan that is no longer active.
Entries are logged through the commands a user types; only this test's plans are active."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from plan_support import activate_only

BERLIN = ZoneInfo("Europe/Berlin")
PLAN = """\
[plan]
id = "mine"
title = "A plan of the user's own"
session = "s.txt"
{items}"""
PEER_ITEM = """
[[commitment]]
id = "peer-check"
kind = "peer_check"
title = "Weekly peer check"
minutes = 5
[commitment.schedule]
every = "weekly"
day = "fri"
at = "16:00"
[commitment.source]
file = "s.txt"
line = 1
quote = "I'll check in with Sam."
"""
REFLECT_ITEM = """
[[commitment]]
id = "kind-sentence"
kind = "daily_reflection"
title = "A kind sentence"
[commitment.schedule]
every = "daily"
at = "21:00"
[commitment.source]
file = "s.txt"
line = 1
quote = "I'll say a kind sentence."
"""


def set_now(ctx, *args):
    ctx.clock._now = datetime(*args, tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def own_plan(habit, home, tmp_path):
    def add(*items: str) -> None:
        activate_only(habit, home, tmp_path / "mine.toml", PLAN.format(items="".join(items)))
    return add


def review(habit, *args) -> dict:
    return json.loads(habit("review", *args, "--format", "json").stdout)


def section(text: str, title: str) -> list[str]:
    """The lines under one heading of the text review."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if lines[i] and not lines[i].startswith(" ")),
               len(lines))
    return [line.strip() for line in lines[start:end] if line.strip()]


def test_tiny_steps_and_notes_show_under_also_logged(habit, ctx, own_plan):
    own_plan()
    habit("ground", "--step", "open the draft and read one line")
    habit("log", "--kind", "note", "--", "slept badly, went easy")
    habit("log", "--kind", "experiment", "--", "tried standing up")
    also = section(habit("review").stdout, "Also logged")
    assert len(also) == 3
    assert any("open the draft and read one line" in line for line in also)
    assert any("slept badly, went easy" in line for line in also)
    assert any("tried standing up" in line for line in also)


def test_an_entry_at_exactly_local_monday_midnight_is_in_exactly_one_week(habit, ctx, own_plan):
    own_plan()
    set_now(ctx, 2026, 11, 24, 12, 0)
    habit("log", "--at", "2026-11-23 00:00", "--", "first thing of the week")
    habit("log", "--at", "2026-11-22 23:59", "--", "last thing of the week before")
    this, before = review(habit, "--week", "2026-W48"), review(habit, "--week", "2026-W47")
    assert [w["text"] for w in this["wins"]] == ["first thing of the week"]
    assert [w["text"] for w in before["wins"]] == ["last thing of the week before"]
    assert "Mon 00:00" in habit("review", "--week", "2026-W48").stdout


def test_entries_between_local_midnight_and_one_count_on_the_local_day(habit, ctx, own_plan):
    own_plan()
    set_now(ctx, 2026, 11, 20, 9, 0)
    habit("log", "--at", "2026-11-20 00:30", "--", "after midnight")  # Thu 23:30 in UTC
    text = habit("review").stdout
    assert "Fri 00:30  after midnight" in text
    assert text.splitlines()[2].split() == ["Mon", "·", "Tue", "·", "Wed", "·", "Thu", "·",
                                            "Fri", "▪", "Sat", "·", "Sun", "·"]


def test_the_backup_actually_met_is_shown_as_met(habit, ctx, own_plan):
    own_plan(PEER_ITEM)
    habit("peer", "setup", "--name", "Sam", "--backup", "Alex")
    set_now(ctx, 2026, 11, 21, 10, 0)  # Saturday: Friday's slot has passed
    habit("peer", "--with", "Alex", "--", "talked it through")
    out = habit("review").stdout
    assert "Weekly peer check: done with Alex on Saturday" in out
    assert "backup" not in out
    assert review(habit)["peer"]["done"] is True


def test_a_peer_with_no_known_slot_never_names_the_backup(habit, ctx, own_plan):
    own_plan()  # no peer check in the plan, no slot in config
    habit("peer", "setup", "--name", "Sam", "--backup", "Alex")
    set_now(ctx, 2026, 11, 22, 22, 0)  # late Sunday: the week is nearly over
    data = review(habit)
    assert data["peer"]["slot"] is None and data["peer"]["done"] is False
    assert "Alex" not in habit("review").stdout


def test_reminders_of_a_plan_no_longer_active_still_count(habit, ctx, own_plan):
    own_plan(REFLECT_ITEM)
    for day in (16, 17):
        set_now(ctx, 2026, 11, day, 21, 5)
        assert "— sent (" in habit("remind", "--once").stdout
    habit("reflect", "--", "I did what I could today.")  # after Tuesday's reminder
    set_now(ctx, 2026, 11, 19, 14, 0)
    while_active = section(habit("review").stdout, "Reminders")
    assert while_active == ["2 reminders went out; 1 was followed by something logged."]
    habit("plan", "remove", "mine")
    assert section(habit("review").stdout, "Reminders") == while_active  # the week is as it was
