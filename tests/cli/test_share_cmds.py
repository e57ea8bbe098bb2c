"""`habit peer setup`, `habit share`, `habit share setup` and `habit calendar` as a user runs them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from habit.config import PeerConfig, ShareConfig, load_config
from habit.plans import builtin_plans_dir
from plan_support import BRIEF_PLANS, activate


@pytest.fixture(autouse=True)
def _brief_plans(home):
    """These tests use the examples the brief names; a fresh home activates none."""
    activate(home, *BRIEF_PLANS)

BERLIN = ZoneInfo("Europe/Berlin")
SECRET = "https://hooks.example.com/services/T000/B000/VERYSECRETTOKENwxyz"


@pytest.fixture
def clipboard(monkeypatch):
    """Record what would be copied; `tool` says whether a clipboard is there."""
    import habit.clipboard

    class Fake:
        tool: str | None = "xclip"
        copied: list[str] = []

        def copy(self, text: str) -> str | None:
            self.copied.append(text)
            return self.tool

    fake = Fake()
    fake.copied = []
    monkeypatch.setattr(habit.clipboard, "copy", fake.copy)
    return fake


@pytest.fixture
def week_of_work(store):
    start = datetime(2026, 11, 17, 9, tzinfo=BERLIN)
    for day, minutes in ((0, 25), (1, 25)):
        block = store.start_block(started_at=start + timedelta(days=day), planned_minutes=25, goal="g")
        ended = block.started_at + timedelta(minutes=minutes)
        store.finish_block(block.id, status="completed", ended_at=ended)
    store.add_entry("win", "ran sanity test X", start, created_at=start)
    return store


def one_line_error(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("habit: ")
    return lines[0]


# ---------------------------------------------------------------- habit peer setup


def _peer_check(home):
    from habit.catalog import load_catalog

    return load_catalog(home).first_of_kind("peer_check")


def test_peer_setup_stores_the_arrangement_on_the_peer_check(habit, home):
    result = habit("peer", "setup", "--name", "Sam", "--backup", "Alex", "--slot", "Fri 16:30",
                   "--minutes", "5")
    assert result.stdout.splitlines()[0] == (
        "Weekly peer check (peer-check) with Sam, fri 16:30, 5 minutes; backup: Alex.")
    item = _peer_check(home)
    assert (item.peer, item.backup, item.minutes) == ("Sam", "Alex", 5)
    assert item.schedule.describe() == "weekly on fri at 16:30"
    assert load_config(home).peer == PeerConfig()  # one truth: the plan, not config.toml
    # The example shipped with habit is untouched; the edited copy is in the data folder.
    assert (home.plans_dir / "start-ritual-and-peer-check.toml").is_file()
    assert 'peer = "Sam"' not in (builtin_plans_dir() / "start-ritual-and-peer-check.toml").read_text()


def test_peer_setup_keeps_what_is_not_given_and_shows_with_no_options(habit, home):
    habit("peer", "setup", "--name", "Priya", "--backup", "Tom", "--slot", "thu 17:30")
    habit("peer", "setup", "--name", "Priya")
    shown = habit("peer", "setup").stdout
    assert shown == "Weekly peer check (peer-check) with Priya, thu 17:30, 5 minutes; backup: Tom.\n"
    listed = habit("plan", "list").stdout
    assert "peer-check               peer_check       weekly on thu at 17:30" in listed
    [line] = [x for x in habit("schedule").stdout.splitlines() if "peer-check" in x]
    assert line.startswith("today 17:30") and line.endswith("weekly on thu at 17:30")


def test_peer_setup_without_a_slot_names_the_plans_time(habit, home):
    result = habit("peer", "setup", "--name", "Sam")
    assert "with Sam, fri 16:00, 5 minutes." in result.stdout


def test_an_older_config_peer_is_read_everywhere_and_moved_into_the_plan(habit, home):
    from habit.config import save_config

    save_config(home, replace(load_config(home),
                              peer=PeerConfig("Sam", "Alex", "thu 10:00", 10)))
    assert "weekly on thu at 10:00" in habit("plan", "list").stdout
    [line] = [x for x in habit("schedule").stdout.splitlines() if "peer-check" in x]
    assert line.endswith("weekly on thu at 10:00")
    habit("peer", "setup", "--minutes", "15")
    item = _peer_check(home)
    assert (item.peer, item.backup, item.minutes) == ("Sam", "Alex", 15)
    assert item.schedule.describe() == "weekly on thu at 10:00"
    assert load_config(home).peer == PeerConfig()


@pytest.mark.parametrize("args", [["--slot", "friday"], ["--slot", "fri 16"], ["--minutes", "0"],
                                  ["--backup", "Sam"]])
def test_peer_setup_bad_input_is_one_line_and_saves_nothing(habit, home, args):
    habit("peer", "setup", "--name", "Kept")
    before = (home.plans_dir / "start-ritual-and-peer-check.toml").read_bytes()
    result = habit("peer", "setup", "--name", "Sam", *args, ok=False)
    assert result.exit_code == 2
    one_line_error(result)
    assert (home.plans_dir / "start-ritual-and-peer-check.toml").read_bytes() == before
    assert _peer_check(home).peer == "Kept"


def test_peer_without_setup_still_logs_a_check(habit, store):
    # `peer setup` is a subcommand; anything else still goes to the peer-check log.
    habit("peer", "--with", "Sam", "talked it through")
    assert [e.kind for e in store.entries()] == ["peer"]


# ---------------------------------------------------------------- habit share


def test_share_prints_the_two_lines_and_copies_them(habit, week_of_work, clipboard):
    result = habit("share", "--week", "2026-W47", "--need", "an hour of quiet")
    text = "Did: 2 blocks, 50 focused minutes; ran sanity test X\nNeed: an hour of quiet"
    assert result.stdout == text + "\n"
    assert clipboard.copied == [text]
    assert result.stderr == "Copied to the clipboard.\n"


def test_share_without_a_clipboard_says_so(habit, week_of_work, clipboard):
    clipboard.tool = None
    result = habit("share", "--need", "time")
    assert result.stdout.startswith("Did: 2 blocks, 50 focused minutes")  # the fake clock is in W47
    assert result.stderr == "No clipboard here; copy it from above.\n"


def test_share_off_a_terminal_never_waits_and_uses_the_calm_default(habit, clipboard):
    result = habit("share", "--last")
    assert result.stdout.splitlines() == [
        "Did: 0 blocks, 0 focused minutes; the wins log is quiet this week",
        "Need: permission to slow down",
    ]


def test_share_on_a_terminal_asks_for_the_need(habit, clipboard, monkeypatch):
    from habit.cli import share_cmds

    monkeypatch.setattr(share_cmds, "_interactive", lambda: True)
    result = habit("share", input="someone to look at the plot\n")
    assert "What do you need from your peer? [permission to slow down]:" in result.stdout
    assert result.stdout.rstrip().endswith("Need: someone to look at the plot")
    result = habit("share", input="\n")
    assert result.stdout.rstrip().endswith("Need: permission to slow down")


@pytest.mark.parametrize(("args", "message"), [
    (["--week", "2026-W47", "--last"], "not both"),
    (["--week", "next week"], "not a week"),
    (["--need", "a\nb"], "one line"),
])
def test_share_bad_input_is_one_line(habit, clipboard, args, message):
    result = habit("share", *args, ok=False)
    assert result.exit_code == 2
    assert message in one_line_error(result)
    assert clipboard.copied == []


def test_share_post_without_a_webhook_sends_nothing_and_says_how(habit, clipboard, monkeypatch):
    from habit import webhook

    monkeypatch.setattr(webhook, "post_text", lambda *a, **k: pytest.fail("posted"))
    result = habit("share", "--post", ok=False)
    assert result.exit_code == 1
    assert result.stdout.startswith("Did: ")  # the text is still there to copy
    assert result.stderr.splitlines()[0] == "Copied to the clipboard."
    assert result.stderr.splitlines()[1:] == [
        "habit: No webhook is set up; the text stays here. "
        "`habit share setup --webhook URL` to add one."
    ]


# ---------------------------------------------------------------- habit share setup


def test_share_setup_saves_the_webhook_and_never_prints_it(habit, home):
    result = habit("share", "setup", "--webhook", SECRET, "--auto-post")
    assert result.stdout.splitlines()[:2] == [
        "Webhook saved: https://hooks.example.com/…wxyz",
        "Auto-post after each focus block: on.",
    ]
    assert "VERYSECRET" not in result.output
    assert load_config(home).share == ShareConfig(SECRET, True)
    assert oct(home.config.stat().st_mode & 0o777) == "0o600"
    shown = habit("share", "setup")
    assert "Webhook is set up: https://hooks.example.com/…wxyz" in shown.stdout
    assert "VERYSECRET" not in shown.output


def test_share_setup_reads_the_address_from_stdin(habit, home):
    result = habit("share", "setup", "--webhook", "-", input=SECRET + "\n")
    assert "VERYSECRET" not in result.output
    assert load_config(home).share.webhook == SECRET


def test_share_setup_refuses_a_bad_address_without_echoing_it(habit, home):
    result = habit("share", "setup", "--webhook", "ftp://files.example.com/VERYSECRETTOKEN", ok=False)
    assert result.exit_code == 2
    assert "VERYSECRET" not in one_line_error(result)
    assert load_config(home).share == ShareConfig()


def test_share_setup_notes_plain_http(habit):
    result = habit("share", "setup", "--webhook", "http://chat.example.com/hook/abcdef")
    assert "plain http" in result.stdout


def test_share_setup_remove(habit, home):
    habit("share", "setup", "--webhook", SECRET, "--auto-post")
    assert habit("share", "setup", "--remove").stdout == (
        "The webhook is forgotten; nothing leaves this machine.\n")
    assert load_config(home).share == ShareConfig()
    assert "No webhook was set up" in habit("share", "setup", "--remove").stdout
    result = habit("share", "setup", "--remove", "--auto-post", ok=False)
    assert "--remove goes alone" in one_line_error(result)


def test_share_setup_without_options_and_no_webhook(habit):
    assert habit("share", "setup").stdout.startswith("No webhook is set up; the text stays here.")


# ---------------------------------------------------------------- habit calendar


def test_calendar_to_stdout_is_a_calendar_and_notes_go_to_stderr(habit):
    result = habit("calendar")
    calendar = icalendar.Calendar.from_ical(result.stdout)
    assert len(calendar.walk("VEVENT")) == 12
    assert "Not in the calendar: focus-block (follows start-ritual; it has no time of its own)." in (
        result.stderr)


def test_calendar_to_a_file_is_private_and_summarised(habit, tmp_path):
    target = tmp_path / "habit.ics"
    result = habit("calendar", "-o", str(target))
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert len(calendar.walk("VEVENT")) == 12
    lines = result.stdout.splitlines()
    assert lines[0] == f"Wrote 12 events to {target}:"
    assert any(line.startswith("  Jaw clench: exhale, soften, ask: ") and "6 events" in line
               for line in lines)
    assert "Not in the calendar: wins-log (follows focus-block; it has no time of its own)." in lines


def test_calendar_into_a_missing_folder_is_one_line(habit, tmp_path):
    result = habit("calendar", "-o", str(tmp_path / "nope" / "habit.ics"), ok=False)
    assert result.exit_code == 2
    assert "does not exist" in one_line_error(result)


def test_calendar_names_the_peer(habit):
    habit("peer", "setup", "--name", "Sam", "--slot", "wed 10:00", "--minutes", "10")
    calendar = icalendar.Calendar.from_ical(habit("calendar").stdout)
    [peer] = [e for e in calendar.walk("VEVENT") if e["UID"] == "peer-check@habit.local"]
    assert peer["SUMMARY"] == "Weekly 5-minute peer check with Sam"
    assert peer["DTSTART"].to_ical() == b"20261125T100000"
    assert peer.decoded("DURATION") == timedelta(minutes=10)


def test_share_post_refuses_a_hand_edited_address_before_sending(habit, home, clipboard, monkeypatch):
    from habit import webhook
    from habit.config import Config, save_config

    save_config(home, Config(active_plans=("start-ritual-and-peer-check",),
                             share=ShareConfig(webhook="file:///etc/VERYSECRET")))
    monkeypatch.setattr(webhook, "post_text", lambda *a, **k: pytest.fail("posted"))
    result = habit("share", "--post", ok=False)
    assert result.exit_code == 2
    error = result.stderr.splitlines()[-1]
    assert "must start with https://" in error and "VERYSECRET" not in result.output
