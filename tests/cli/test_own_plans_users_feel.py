"""What a user feels from their own plan: a one-time reminder arrives, a 09:30 window starts at
09:30, a peer slot written in full works and a misspelled one is one clear line, a removed plan
goes quiet. Each test activates only the plan it writes (no default plans), so it passes at any
hour; the clock is the test's fake one (Thu 2026-11-19 14:00 Berlin)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from plan_support import activate_only

BERLIN = ZoneInfo("Europe/Berlin")

HEAD = """\
[plan]
id = "{plan}"
title = "A plan of the user's own"
session = "s.txt"
"""
ITEM = """
[[commitment]]
id = "{id}"
kind = "{kind}"
title = "{title}"

[commitment.schedule]
{schedule}

[commitment.source]
file = "s.txt"
line = 1
quote = "I said so."
"""


@pytest.fixture(autouse=True)
def _no_desktop(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)


@pytest.fixture
def own_plan(habit, home, tmp_path):
    """Write a plan file with the given commitments and make it the only active plan."""

    def add(*items: tuple[str, str, str, str], plan: str = "mine"):
        text = HEAD.format(plan=plan) + "".join(
            ITEM.format(id=i, kind=k, title=t, schedule=s) for i, k, t, s in items)
        return activate_only(habit, home, tmp_path / f"{plan}.toml", text, ok=False)

    return add


def set_now(ctx, *args):
    ctx.clock._now = datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def schedule_lines(habit) -> list[str]:
    return [line for line in habit("schedule").stdout.splitlines() if "weekly-summary" not in line]


CALL = ("call-sam", "one_off", "Call Sam about the draft",
        'every = "once"\ndate = "2026-11-20"\nat = "10:15"')


def test_a_one_time_reminder_is_listed_then_delivered_once(habit, ctx, store, own_plan):
    assert own_plan(CALL).exit_code == 0
    assert schedule_lines(habit) == ["Fri 20 Nov 10:15 call-sam                 once on 2026-11-20 at 10:15"]
    set_now(ctx, 2026, 11, 20, 10, 14)
    assert habit("remind", "--once").stdout == "Nothing due right now.\n"
    set_now(ctx, 2026, 11, 20, 10, 20)
    out = habit("remind", "--once").stdout.splitlines()
    assert out[-1] == "Fri 10:15  Call Sam about the draft — sent (terminal)"
    [row] = store.reminders()
    assert row.commitment_id == "call-sam"
    assert row.due_at == datetime(2026, 11, 20, 10, 15, tzinfo=BERLIN)
    assert habit("remind", "--once").stdout == "Nothing due right now.\n"  # once means once
    set_now(ctx, 2026, 11, 27, 10, 20)  # a week later: not again
    assert habit("remind", "--once").stdout == "Nothing due right now.\n"
    assert schedule_lines(habit) == ["—                call-sam                 once on 2026-11-20 at 10:15"]


# (every, schedule, due, documented default grace): DEFAULT_GRACE as a user feels it
GRACES = [
    ("once", 'every = "once"\ndate = "2026-11-20"\nat = "10:15"', (2026, 11, 20, 10, 15), 12 * 60),
    ("daily", 'every = "daily"\nat = "10:15"', (2026, 11, 20, 10, 15), 3 * 60),
    ("weekdays", 'every = "weekdays"\nat = "10:15"', (2026, 11, 20, 10, 15), 60),
    ("weekly", 'every = "weekly"\nday = "fri"\nat = "10:15"', (2026, 11, 20, 10, 15), 24 * 60),
    ("interval", 'every = "interval"\ninterval_minutes = 480\nbetween = ["10:15", "18:15"]',
     (2026, 11, 20, 10, 15), 10),
]


@pytest.mark.parametrize("every,schedule,due,grace", GRACES, ids=[g[0] for g in GRACES])
def test_a_late_reminder_goes_out_until_its_default_grace_ends(habit, ctx, own_plan, every,
                                                                schedule, due, grace):
    own_plan(("late", "one_off", "Late", schedule))
    sent_at = datetime(*due, tzinfo=BERLIN) + timedelta(minutes=grace)
    set_now(ctx, *(sent_at + timedelta(minutes=1)).timetuple()[:5])
    assert habit("remind", "--once").stdout == "Nothing due right now.\n"  # past its grace
    set_now(ctx, *sent_at.timetuple()[:5])
    assert habit("remind", "--once").stdout.splitlines()[-1] == "Fri 10:15  Late — sent (terminal)"


STRETCH = ("stretch", "pause_cue", "Stretch",
           'every = "interval"\ninterval_minutes = 60\nbetween = ["09:30", "17:30"]')


def test_an_interval_window_off_the_hour_starts_at_its_start(habit, ctx, own_plan):
    assert own_plan(STRETCH).exit_code == 0
    set_now(ctx, 2026, 11, 19, 8, 0)
    assert schedule_lines(habit)[0].startswith("today 09:30      stretch ")
    set_now(ctx, 2026, 11, 19, 9, 31)
    assert habit("remind", "--once").stdout.splitlines()[-1] == "Thu 09:30  Stretch — sent (terminal)"


def test_the_window_end_is_a_boundary_not_a_cue(habit, ctx, own_plan):
    own_plan(STRETCH)  # cues 09:30, 10:30, ... 16:30; 17:30 closes the window
    set_now(ctx, 2026, 11, 19, 15, 31)
    assert schedule_lines(habit)[0].startswith("today 16:30      stretch ")
    set_now(ctx, 2026, 11, 19, 16, 31)
    assert schedule_lines(habit)[0].startswith("Fri 20 Nov 09:30 stretch ")
    set_now(ctx, 2026, 11, 19, 17, 31)  # the 16:30 cue is past its 10-minute grace
    assert habit("remind", "--once").stdout == "Nothing due right now.\n"  # and 17:30 is none


PEER = ("peer-check", "peer_check", "Weekly peer check", 'every = "weekly"\nday = "fri"\nat = "16:00"')


@pytest.mark.parametrize("written", ["sunday 11:00", "Sun 11:00", "SUNDAY 11:00", "sun 11:00"])
def test_a_peer_slot_day_written_in_full_moves_the_reminder(habit, own_plan, written):
    own_plan(PEER)
    assert schedule_lines(habit)[0].startswith("Fri 20 Nov 16:00 peer-check ")
    habit("peer", "setup", "--name", "Sam", "--slot", written)
    assert schedule_lines(habit)[0].startswith("Sun 22 Nov 11:00 peer-check ")


@pytest.mark.parametrize("written", ["sundy 11:00", "sdunay 11:00", "someday 11:00", "sun 25:00"])
def test_a_misspelled_peer_slot_is_one_clear_line(habit, home, own_plan, written):
    own_plan(PEER)
    result = habit("peer", "setup", "--name", "Sam", "--slot", written, ok=False)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert f"'{written}' is not a weekly slot" in result.stderr
    # the same slot typed into config.toml by hand: every command that uses it says so
    home.config.write_text(home.config.read_text() + f'\n[peer]\nname = "Sam"\nslot = "{written}"\n')
    for args in (["schedule"], ["review"]):
        result = habit(*args, ok=False)
        assert result.exit_code == 2, result.output
        [line] = result.stderr.splitlines()
        assert line.startswith("habit: ") and f"'{written}' is not a weekly slot" in line


def test_a_removed_plan_goes_quiet_and_what_was_logged_stays(habit, ctx, store, own_plan):
    own_plan(CALL, STRETCH)
    habit("log", "a win before removing")
    assert habit("plan", "remove", "mine").stdout == (
        "mine is no longer active; everything you logged stays.\n")
    assert schedule_lines(habit) == []
    set_now(ctx, 2026, 11, 20, 10, 20)
    assert habit("remind", "--once").stdout == "Nothing due right now.\n"
    assert [e.text for e in store.entries()] == ["a win before removing"]
    result = habit("plan", "remove", "mine", ok=False)
    assert result.exit_code != 0 and "not active" in result.stderr


def test_two_active_plans_cannot_share_a_commitment_id(habit, home, own_plan):
    assert own_plan(CALL, plan="first").exit_code == 0
    result = own_plan(CALL, plan="second")
    assert result.exit_code != 0
    [line] = result.stderr.splitlines()
    assert "first" in line and "second" in line and "'call-sam'" in line
    assert "nothing was changed" in line
    assert "first" in home.config.read_text() and "second" not in home.config.read_text()
