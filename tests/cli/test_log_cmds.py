"""The quick-log commands as a user runs them (fake clock: Thu 2026-11-19 14:00 Berlin, W47)."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime

import pytest

from habit.cli import log_cmds
from plan_support import BRIEF_PLANS, activate


@pytest.fixture(autouse=True)
def _brief_plans(home):
    """These tests use the examples the brief names; a fresh home activates none."""
    activate(home, *BRIEF_PLANS)

T0_UTC = datetime(2026, 11, 19, 13, 0, tzinfo=UTC)


@pytest.fixture
def tty(monkeypatch):
    monkeypatch.setattr(log_cmds, "_is_tty", lambda: True)


def only_error(result) -> str:
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("habit: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# ---------------------------------------------------------------- log


def test_log_saves_and_says_so(habit, store):
    result = habit("log", "ran sanity test X")
    assert result.stdout == (
        "Saved your win (today 14:00): ran sanity test X\nStand up, stretch, or sip your coffee.\n"
    )
    [entry] = store.entries()
    assert (entry.kind, entry.text, entry.at, entry.commitment_id) == (
        "win", "ran sanity test X", T0_UTC, "wins-log")


def test_log_at_and_json(habit, store):
    data = json.loads(habit("log", "late one", "--at", "yesterday 21:30", "--json").stdout)
    assert data["at"] == "2026-11-18T20:30:00+00:00"
    assert data["at_local"] == "2026-11-18T21:30:00+01:00"
    assert data["created_at"] == "2026-11-19T13:00:00+00:00"
    assert (data["kind"], data["text"], data["id"]) == ("win", "late one", store.entries()[0].id)


def test_log_experiment_kind(habit, store):
    result = habit("log", "--kind", "experiment", "burnt the sauce, learned the heat")
    assert result.stdout.startswith("Saved your experiment (today 14:00)")
    assert store.entries()[0].commitment_id == "new-recipe"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["log", ""], "the win is empty"),
        (["log", "x" * 10_000], "10,000 characters; the limit is 2,000"),
        (["log", "red \x1b[31mtext"], "control character (escape)"),
        (["log", "two\nlines"], "more than one line"),
        (["log", "x", "--at", "tomorrow 10:00"], "not a time"),
        (["log", "x", "--at", "2026-11-20 09:00"], "in the future"),
        (["log", "x", "--at", "23:00"], "still ahead"),
        (["log", "x", "--kind", "mood"], "takes win, experiment or note"),
        (["proud", "   "], "the proud thing is empty"),
        (["peer", "--reply", "\x07", "x"], "control character"),
        (["history", "--kind", "feelings"], "'feelings' is not a kind"),
        (["history", "--since", "2027-01-01"], "in the future"),
        (["edit", "99", "x"], "there is no entry 99"),
        (["undo"], "nothing to undo"),
        (["export", "--format", "xml"], "not an export format"),
        (["import", "nope.json"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_saves_nothing(habit, store, args, fragment):
    result = habit(*args, ok=False)
    assert fragment in only_error(result)
    assert store.entries() == []


# ---------------------------------------------------------------- proud


def test_proud_counts_the_week(habit, store):
    assert habit("proud", "asked for help").stdout.splitlines()[-1] == "1 of 3 this week."
    assert habit("proud", "kept the block short").stdout.splitlines()[-1] == "2 of 3 this week."
    last_week = habit("proud", "old one", "--at", "2026-11-15 22:00").stdout
    assert last_week.splitlines()[-1] == "1 of 3 in 2026-W46."
    habit("proud", "three")
    assert habit("proud", "four").stdout.splitlines()[-1] == "4 this week (the plan asks for 3)."


def test_proud_json(habit):
    data = json.loads(habit("proud", "x", "--json").stdout)
    assert (data["week"], data["week_count"], data["weekly_target"]) == ("2026-W47", 1, 3)


# ---------------------------------------------------------------- pause


def test_pause_prints_the_script_and_records(habit, store):
    out = habit("pause", "before sending the doc").stdout
    assert out == (
        "Slow exhale.\nSoften the jaw.\n"
        'Ask: "Is the fear of being seen as unfit worth holding onto right now?"\n'
        'When you share work, say: "I\'m sharing this draft"\n\n'
        "Saved the pause (today 14:00): before sending the doc\n"
    )
    [entry] = store.entries()
    assert (entry.kind, entry.commitment_id) == ("pause", "jaw-clench-pause")
    habit("pause")
    assert store.entries()[-1].text == ""


# ---------------------------------------------------------------- peer


def test_peer_forms(habit, store):
    assert habit("peer", "shared my two lines").stdout == (
        "Saved your peer check (today 14:00): shared my two lines\n")
    out = habit("peer", "--with", "Sam", "--reply", "Slowing down is allowed.", "note").stdout
    assert out == ('Saved your peer check with Sam (today 14:00): note\n'
                   'Their words, kept: "Slowing down is allowed."\n')
    habit("peer")
    entries = store.entries()
    assert [(e.text, e.peer, e.reply) for e in entries] == [
        ("shared my two lines", None, None), ("note", "Sam", "Slowing down is allowed."), ("", None, None)]
    assert {e.commitment_id for e in entries} == {"peer-check"}


def test_peer_name_defaults_to_config(habit, home, store):
    home.root.mkdir(parents=True, exist_ok=True)
    home.config.write_text('[plans]\nactive = ["start-ritual-and-peer-check"]\n[peer]\nname = "Alex"\n')
    assert "with Alex" in habit("peer", "quick one").stdout
    assert "with Sam" in habit("peer", "--with", "Sam").stdout


def test_peer_help_shows_how_to_record(habit):
    out = habit("peer", "--help").stdout
    assert "habit peer [--with NAME] [--reply TEXT]" in out and "Example" in out
    assert "setup" in out


def test_peer_is_a_sub_app_others_can_extend():
    import typer

    assert isinstance(log_cmds.peer_app, typer.Typer)
    assert "log" in [c.name for c in log_cmds.peer_app.registered_commands]


def test_peer_json(habit):
    data = json.loads(habit("peer", "--with", "Sam", "--reply", "ok", "--json").stdout)
    assert (data["kind"], data["peer"], data["reply"], data["text"]) == ("peer", "Sam", "ok", "")


# ---------------------------------------------------------------- reflect


def test_reflect_with_text(habit, store):
    out = habit("reflect", "plated the dish").stdout
    assert out == ("You're doing your best, and that's enough.\n"
                   "Saved your reflection (today 14:00): plated the dish\n")
    assert store.entries()[0].commitment_id == "daily-reflection"


def test_reflect_prompts_in_a_terminal(habit, store, tty):
    out = habit("reflect", input="cooked something new\n").stdout
    assert "The one effort today" in out
    assert store.entries()[0].text == "cooked something new"


def test_reflect_without_a_terminal_never_asks(habit, store):
    out = habit("reflect").stdout
    assert "effort today" not in out
    assert store.entries()[0].text == ""


# ---------------------------------------------------------------- ground


def test_ground_in_a_terminal_takes_about_a_minute_on_the_clock(habit, home, store, clock, tty):
    activate(home, "grounding-and-one-tiny-step")
    out = habit("ground", input="open the project folder\n").stdout
    assert out.startswith("Notice your feet on the floor")
    assert out.count("in, slowly") == 3
    assert 'For example: "I will open the project folder and run one single unit test."' in out
    assert 45 <= clock.slept <= 75
    [entry] = store.entries()
    assert (entry.kind, entry.text, entry.commitment_id) == ("step", "open the project folder",
                                                              "grounding-step")
    assert entry.at == clock.now()  # recorded when the minute is over


def test_ground_without_a_terminal_never_waits(habit, store, clock):
    out = habit("ground", "--step", "open the folder").stdout
    assert clock.slept == 0
    assert "Saved the grounding pause (today 14:00): open the folder" in out
    assert store.entries()[0].text == "open the folder"


def test_ground_bad_at_is_said_before_the_minute(habit, clock, tty):
    result = habit("ground", "--at", "2030-01-01 10:00", ok=False)
    assert "future" in only_error(result) and clock.slept == 0


# ---------------------------------------------------------------- today, history


def test_today(habit):
    habit("log", "late last night", "--at", "2026-11-18 23:30")
    habit("log", "after midnight", "--at", "00:10")
    habit("peer", "--with", "Sam", "--reply", "ok", "talked")
    out = habit("today").stdout.splitlines()
    assert out[0] == "Today, Thursday 19 November"
    assert out[1:3] == ["  00:10  win         after midnight", '  14:00  peer check  talked with Sam — "ok"']
    assert out[3] == "Next:"
    assert "  today 14:56      Jaw clench: exhale, soften, ask" in out  # every 90 min, jittered
    assert "  today 21:00      A few minutes each day with a kind sentence" in out


def test_today_empty_and_json(habit):
    assert "Nothing logged yet today" in habit("today").stdout
    habit("log", "one")
    data = json.loads(habit("today", "--json").stdout)
    assert data["date"] == "2026-11-19"
    assert [e["text"] for e in data["entries"]] == ["one"]
    upcoming = {u["commitment_id"]: u for u in data["upcoming"]}
    assert upcoming["daily-reflection"]["at_local"] == "2026-11-19T21:00:00+01:00"
    assert upcoming["daily-reflection"]["at"] == "2026-11-19T20:00:00+00:00"


def test_history(habit):
    habit("log", "monday win", "--at", "2026-11-16 10:00")
    habit("proud", "proud thing", "--at", "2026-11-18 09:00")
    habit("log", "today win")
    out = habit("history").stdout
    assert out.splitlines() == [
        "Mon 16 Nov 2026", "  #1    10:00  win         monday win",
        "Wed 18 Nov 2026", "  #2    09:00  proud thing proud thing",
        "Thu 19 Nov 2026", "  #3    14:00  win         today win",
    ]
    assert "proud thing" not in habit("history", "--kind", "wins").stdout
    assert "monday win" not in habit("history", "--since", "yesterday").stdout
    data = json.loads(habit("history", "--json", "--since", "2026-W47").stdout)
    assert [d["text"] for d in data] == ["monday win", "proud thing", "today win"]
    assert habit("history", "--since", "today", "--kind", "pause").stdout == "Nothing logged here yet.\n"


# ---------------------------------------------------------------- undo, edit


def test_undo_needs_a_terminal_or_yes(habit, store):
    habit("log", "keep me")
    habit("log", "oops")
    assert "habit undo --yes" in only_error(habit("undo", ok=False))
    assert len(store.entries()) == 2
    out = habit("undo", "--yes").stdout
    assert out == 'Removed #2, win from today 14:00: "oops"\n'
    assert [e.text for e in store.entries()] == ["keep me"]


def test_undo_asks_in_a_terminal(habit, store, tty):
    habit("log", "maybe")
    out = habit("undo", input="n\n").stdout
    assert 'The last entry: #1, win from today 14:00: "maybe"' in out
    assert "Kept it; nothing was removed." in out and len(store.entries()) == 1
    habit("undo", input="y\n")
    assert store.entries() == []


def test_edit(habit, store):
    habit("log", "ran tset")
    assert habit("edit", "1", "ran test").stdout == "Changed #1 (today 14:00): ran test\n"
    assert store.get_entry(1).text == "ran test"
    assert "more than one line" in only_error(habit("edit", "1", "a\nb", ok=False))
    assert store.get_entry(1).text == "ran test"


# ---------------------------------------------------------------- export, import


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_round_trip(habit, store, tmp_path, fmt):
    habit("log", "one, with a comma")
    habit("reflect", "plated it")
    habit("peer", "--with", "Sam", "--reply", 'said "ok"')
    target = tmp_path / f"out.{fmt}"
    assert "readable only by you" in habit("export", "--format", fmt, "-o", str(target)).stdout
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert "already exists" in only_error(habit("export", "--format", fmt, "-o", str(target), ok=False))
    assert habit("export", "--format", fmt).stdout == target.read_text(encoding="utf-8")
    before = store.entries()
    out = habit("import", str(target)).stdout
    assert out == "Imported 0 entries and 0 blocks.\n3 were already here and left as they are.\n"
    assert store.entries() == before
    habit("undo", "--yes")
    assert habit("import", str(target)).stdout == (
        "Imported 1 entry and 0 blocks.\n2 were already here and left as they are.\n")
    assert [(e.uid, e.text, e.at, e.peer, e.reply) for e in store.entries()] == [
        (e.uid, e.text, e.at, e.peer, e.reply) for e in before]


def test_import_json_counts(habit, tmp_path):
    habit("log", "x")
    target = tmp_path / "x.json"
    habit("export", "-o", str(target))
    data = json.loads(habit("import", str(target), "--json").stdout)
    assert data == {"blocks_added": 0, "blocks_skipped": 0, "entries_added": 0, "entries_skipped": 1}


def test_ground_stopped_with_ctrl_c_saves_nothing_and_says_so(habit, store, clock, tty):
    def press_ctrl_c(fake):
        if fake.slept > 20:
            raise KeyboardInterrupt

    clock.on_sleep = press_ctrl_c
    result = habit("ground", ok=False)
    assert result.exit_code == 130
    assert "Stopped the grounding pause; nothing was saved." in result.stdout
    assert store.entries() == []


def test_ground_uses_general_words_when_only_other_steps_are_active(habit, home, store):
    activate(home, "ten-minute-blocks-with-nudges")
    out = habit("ground", "--step", "open the script").stdout
    assert out.startswith("Notice your feet on the floor.")
    assert "For example" not in out
    [entry] = store.entries()
    assert entry.commitment_id is not None and entry.commitment_id != "grounding-step"
