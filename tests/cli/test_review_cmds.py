"""`habit review` end to end in-process: whole outputs against golden files, formats, errors."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from habit.clock import FakeClock
from habit.config import Config, PeerConfig, save_config
from plan_support import BRIEF_PLANS

BERLIN = ZoneInfo("Europe/Berlin")
GOLDEN = Path(__file__).resolve().parent.parent / "golden"
# Saturday noon of 2026-W47: the Friday 16:00 peer slot has passed, Sunday is still ahead.
SATURDAY = datetime(2026, 11, 21, 12, 0, tzinfo=BERLIN)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def block(store, start: datetime, minutes: int, status: str = "completed", *, planned: int = 25,
          goal: str = "", label: str | None = None, commitment_id: str | None = "focus-block"):
    b = store.start_block(started_at=start, planned_minutes=planned, goal=goal, label=label,
                          commitment_id=commitment_id)
    return store.finish_block(b.id, status=status, ended_at=start + timedelta(minutes=minutes))


def log(store, kind: str, text: str, when: datetime, **extra):
    return store.add_entry(kind, text, when, created_at=when, **extra)


def fixture_week(home, store) -> None:
    """2026-W47 and the four weeks before it, as a user might have lived them."""
    save_config(home, Config(active_plans=BRIEF_PLANS, peer=PeerConfig(name="Sam", backup="Alex")))
    # The weeks before: W43 50 min, W44 nothing; W43 holds the October DST change, W45 18, W46 75.
    block(store, at(19, 9, month=10), 25)
    block(store, at(21, 9, month=10), 25)
    block(store, at(3, 9), 18, "interrupted")
    log(store, "win", "looked at the data loader", at(3, 9, 20))
    for day in (10, 11, 13):
        block(store, at(day, 9), 25)
    # 2026-W47
    block(store, at(16, 9), 25, goal="run sanity test X")
    log(store, "win", "ran sanity test X; it passed", at(16, 9, 26), commitment_id="wins-log")
    log(store, "reflection", "You're doing your best, and that's enough.", at(16, 21, 5))
    block(store, at(17, 9, 10), 12, "interrupted", goal="read the notebook end to end")
    log(store, "win", "read half the notebook; a call came in", at(17, 9, 23))
    log(store, "pause", "jaw tight before standup", at(17, 11, 30))
    log(store, "proud", "asked for help on the pipeline", at(17, 19, 0))
    block(store, at(19, 10), 10, planned=10, goal="sit with the script", label="experiment")
    log(store, "peer", "shared the log, 5 minutes", at(19, 16, 2), peer="Sam",
        reply="Sounds like a steady week; slowing down is allowed.")
    # 00:30 on Friday in Berlin is still Thursday in UTC: it belongs to Friday.
    log(store, "reflection", "Said the kind sentence before sleep.", at(20, 0, 30))
    log(store, "proud", "wrote the runbook outline", at(20, 15, 45))
    log(store, "experiment", "new recipe: edible, and fun to make", at(21, 11, 0))
    for day in (16, 17, 18, 19, 20):
        due = at(day, 8, 30)
        store.add_reminder(commitment_id="start-ritual", due_at=due, sent_at=due, channel="desktop")
    store.add_reminder(commitment_id="peer-check", due_at=at(20, 16), sent_at=at(20, 16),
                       channel="desktop")


@pytest.fixture
def lived_week(ctx, home, store):
    fixture_week(home, store)
    ctx.clock = FakeClock(SATURDAY)
    return ctx


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("HABIT_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_text_review_matches_golden(habit, lived_week):
    golden("review-2026-W47.txt", habit("review").stdout)


def test_markdown_review_matches_golden(habit, lived_week):
    golden("review-2026-W47.md", habit("review", "--week", "2026-W47", "--format", "markdown").stdout)


def test_json_review_keys_are_stable(habit, lived_week):
    data = json.loads(habit("review", "--format", "json").stdout)
    assert list(data) == [
        "format", "version", "week", "start", "end", "zone", "generated_at", "state", "empty",
        "days", "commitments", "blocks", "wins", "proud", "peer", "pauses", "reflections",
        "other", "reminders", "trend",
    ]
    assert (data["format"], data["version"], data["week"]) == ("habit-review", 1, "2026-W47")
    assert list(data["commitments"][0]) == [
        "id", "kind", "title", "count", "target", "unit", "label", "days", "status"]
    assert list(data["blocks"]) == [
        "started", "completed", "interrupted", "running", "focused_minutes", "experiments", "items"]
    assert list(data["peer"]) == [
        "done", "peer", "backup", "slot", "slot_passed", "backup_due", "checks"]
    assert data["blocks"]["focused_minutes"] == 47
    assert [d["entries"] + d["blocks"] for d in data["days"]] == [3, 4, 0, 2, 2, 1, 0]
    assert data["reminders"] == {"sent": 6, "acted_on": 3}
    assert [w["focused_minutes"] for w in data["trend"]] == [50, 0, 18, 75, 47]
    assert data["peer"]["checks"][0]["reply"] == "Sounds like a steady week; slowing down is allowed."


def test_output_file_takes_its_format_from_the_suffix(habit, lived_week, tmp_path):
    target = tmp_path / "week.md"
    result = habit("review", "-o", str(target))
    assert result.stdout == f"Wrote the 2026-W47 review to {target}.\n"
    assert target.read_text(encoding="utf-8") == (GOLDEN / "review-2026-W47.md").read_text(encoding="utf-8")
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_last_week_is_the_one_before(habit, lived_week):
    data = json.loads(habit("review", "--last", "--format", "json").stdout)
    assert data["week"] == "2026-W46" and data["state"] == "past"
    assert data["blocks"]["started"] == 3


def test_backup_is_named_once_the_slot_has_passed(habit, ctx, home, store):
    save_config(home, Config(active_plans=BRIEF_PLANS,
                             peer=PeerConfig(name="Sam", backup="Alex", slot="wed 10:00")))
    log(store, "win", "one line", at(16, 9))
    ctx.clock = FakeClock(at(18, 9, 59))
    assert "Weekly 5-minute peer check: not yet this week — slot Wed 10:00" in habit("review").stdout
    ctx.clock = FakeClock(at(18, 10, 6))
    out = habit("review").stdout
    assert "Weekly 5-minute peer check: not yet this week — backup: Alex" in out
    assert "Alex" not in habit("review", "--last").stdout  # nothing logged: the kind message only


def test_empty_week_is_a_kind_message(habit):
    result = habit("review")
    assert result.stdout == (
        "Nothing logged in 2026-W47 yet. A single line with `habit log` is a start.\n")
    assert habit("review", "--last", "--format", "markdown").stdout == (
        "# Week 2026-W46\n\nNothing logged in 2026-W46. A single line with `habit log` is a start.\n")


def test_review_of_an_empty_home_creates_nothing(habit, home):
    habit("review")
    assert not home.root.exists()


def test_future_week_says_there_is_nothing_yet(habit):
    assert habit("review", "--week", "2026-W50").stdout == (
        "2026-W50 has not begun yet, so there is nothing to show for it.\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--week", "2026-W54"], "habit: 2026 has no week 54; ISO years have 52 or 53 weeks.\n"),
    (["--week", "2027-W53"], "habit: 2027 has no week 53; ISO years have 52 or 53 weeks.\n"),
    (["--week", "last"], "habit: 'last' is not a week; write it like 2026-W47.\n"),
    (["--week", "2026-W47", "--last"], "habit: use either --week or --last, not both.\n"),
    (["--format", "pdf"], "habit: 'pdf' is not a review format; use text, markdown or json.\n"),
])
def test_bad_input_is_one_line(habit, args, message):
    result = habit("review", *args, ok=False)
    assert result.exit_code == 2
    assert result.stderr == message


def test_unwritable_output_is_one_line(habit, lived_week, tmp_path):
    result = habit("review", "-o", str(tmp_path / "missing" / "week.md"), ok=False)
    assert result.exit_code == 2
    assert result.stderr == (f"habit: the folder {tmp_path / 'missing'} does not exist; "
                             "create it or choose another place.\n")
    result = habit("review", "-o", "/proc/week.md", ok=False)  # a folder no one can add files to
    assert result.exit_code != 0
    assert result.stderr.startswith("habit: cannot write ") and result.stderr.count("\n") == 1


def test_week_53_is_reviewed(habit, ctx, store):
    log(store, "win", "last line of the year", datetime(2027, 1, 3, 23, 30, tzinfo=BERLIN))
    log(store, "win", "first line of the next week", datetime(2027, 1, 4, 0, 10, tzinfo=BERLIN))
    ctx.clock = FakeClock(datetime(2027, 1, 5, 9, 0, tzinfo=BERLIN))
    data = json.loads(habit("review", "--last", "--format", "json").stdout)
    assert (data["week"], data["start"], data["end"]) == ("2026-W53", "2026-12-28", "2027-01-03")
    assert [w["text"] for w in data["wins"]] == ["last line of the year"]
    out = habit("review", "--week", "2026-W53").stdout
    assert out.startswith("Week 2026-W53 · Mon 28 Dec 2026 – Sun 3 Jan 2027\n")


def test_no_judging_words_in_any_format(habit, lived_week):
    for fmt in ("text", "markdown", "json"):
        out = habit("review", "--format", fmt).stdout.lower()
        for word in ("fail", "missed", "broke", "streak", "only", "should"):
            assert word not in out, (fmt, word)
