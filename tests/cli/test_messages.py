"""Every message true and one line (#15): parser errors, out-of-range ids, no claimed saves."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from habit.cli.app import app


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("log", "-5"), "habit: no such option: -5; to start the text with a dash, put -- before it "
                        "(see habit log --help)"),
        (("edit", "abc", "x"), "habit: ID: 'abc' is not a whole number (see habit edit --help)"),
        (("history", "--limit", "abc"),
         "habit: --limit: 'abc' is not a whole number (see habit history --help)"),
        (("nosuch",), "habit: no such command 'nosuch' (see habit --help)"),
        (("--bogus",), "habit: no such option: --bogus (see habit --help)"),
        (("log",), "habit: missing argument 'text' (see habit log --help)"),
        (("review", "-w"), "habit: option '-w' requires an argument (see habit review --help)"),
        (("peer", "setup", "--bogus"), "habit: no such option: --bogus (see habit peer setup --help)"),
        (("edit", "\x1b[2J", "x"), "habit: ID: '\\x1b[2J' is not a whole number (see habit edit --help)"),
    ],
)
def test_parser_errors_are_one_line_with_exit_code_2(habit, args, line):
    result = habit(*args, ok=False)
    assert result.exit_code == 2
    assert result.stderr == line + "\n"
    assert result.stdout == ""


@pytest.mark.parametrize("entry_id", ["99999999999999999999999", "9223372036854775808", "0", "-5"])
def test_an_id_no_row_can_have_gets_the_missing_id_line(habit, entry_id):
    habit("log", "a win")
    result = habit("edit", "--", entry_id, "x", ok=False)
    assert result.exit_code == 5
    assert result.stderr == f"habit: there is no entry {entry_id}; `habit history` lists them.\n"
    assert "a win" in habit("history").stdout


def test_a_huge_limit_shows_everything(habit):
    habit("log", "a win")
    assert "a win" in habit("history", "--limit", "99999999999999999999999").stdout


def test_a_home_that_is_a_file_claims_no_save(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "home"
    not_a_folder.write_text("mine\n")
    monkeypatch.setenv("HABIT_HOME", str(not_a_folder))
    result = CliRunner().invoke(app, ["log", "x"])
    assert result.exit_code == 4
    assert result.stderr == (f"habit: {not_a_folder} is a file, not a folder; nothing was saved. "
                             "Set HABIT_HOME to a folder you can write.\n")
    assert not_a_folder.read_text() == "mine\n"


def test_the_unreadable_plan_note_follows_only_a_real_save(habit, home):
    home.plans_dir.mkdir(parents=True)
    (home.plans_dir / "bad.toml").write_text("this is = = not toml\n")
    saved = habit("log", "a win")
    assert "the entry was saved without its plan's words" in saved.stderr
    refused = habit("log", "\x07", ok=False)
    assert "saved" not in refused.stderr.replace("nothing was saved", "").replace("Nothing was saved", "")
    today = habit("today")
    assert "saved" not in today.stderr and "their words are left out" in today.stderr


@pytest.mark.parametrize("bad", ["Mars/Phobos", "CET-1CEST", "../../etc/passwd"])
def test_an_unknown_tz_is_named_once_and_replaced_by_a_stated_zone(bad):
    from habit.clock import _system_zone, resolve_zone

    zone, note = resolve_zone({"TZ": bad})
    assert zone == _system_zone()[0]
    assert note.startswith(f"habit: TZ={bad} is not a time zone name habit knows; times are in {zone} (")
    assert "\n" not in note


def test_a_known_tz_or_habit_tz_needs_no_note():
    from zoneinfo import ZoneInfo

    from habit.clock import resolve_zone

    assert resolve_zone({"TZ": ":Europe/Berlin"}) == (ZoneInfo("Europe/Berlin"), None)
    assert resolve_zone({"HABIT_TZ": "Asia/Tokyo", "TZ": "Mars/Phobos"}) == (ZoneInfo("Asia/Tokyo"), None)


def test_an_unknown_habit_tz_is_refused_in_one_line_and_saves_nothing(monkeypatch, home):
    monkeypatch.setenv("HABIT_TZ", "Bogus")
    result = CliRunner().invoke(app, ["log", "x"])
    assert result.exit_code == 2
    assert result.stderr == ("habit: HABIT_TZ=Bogus is not a time zone name habit knows; set it to a name "
                             "like Europe/Berlin (tzdata's list), or unset it.\n")
    assert not home.root.exists()


def test_an_unknown_tz_is_said_once_and_the_log_is_saved(monkeypatch):
    monkeypatch.delenv("HABIT_TZ")
    monkeypatch.setenv("TZ", "Mars/Phobos")
    result = CliRunner().invoke(app, ["log", "x"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("TZ=Mars/Phobos") == 1 and "times are in" in result.stderr
