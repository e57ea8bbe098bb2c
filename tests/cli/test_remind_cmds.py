"""`habit schedule`, `habit quiet`, `habit remind --once/--test/--install/--uninstall`."""

from __future__ import annotations

import json
import plistlib
import shlex
import shutil
import subprocess
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from habit import autostart
from plan_support import BRIEF_PLANS, activate


@pytest.fixture
def brief_plans(home):
    """These tests use the examples the brief names; a fresh home activates none."""
    activate(home, *BRIEF_PLANS)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _no_desktop(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)


def set_now(ctx, *args):
    ctx.clock._now = datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def test_schedule_lists_the_next_reminder_of_each_commitment(brief_plans, habit):
    out = habit("schedule").stdout.splitlines()
    # Thu 2026-11-19 14:00 in Berlin, the brief's example plans.
    assert out[0].startswith("today 14:")  # the jaw-clench cue, jittered around 14:00
    assert "jaw-clench-pause" in out[0]
    assert out[1] == ("today 21:00      daily-reflection         daily at 21:00 "
                      "(time chosen, not from the session)")
    assert out[2].startswith("Fri 20 Nov 08:30 start-ritual")
    assert any(line.startswith("Sun 22 Nov 18:00 weekly-summary") for line in out)
    assert any(line.startswith("—") and "focus-block" in line and "after start-ritual" in line
               for line in out)


def test_schedule_json(brief_plans, habit):
    data = json.loads(habit("schedule", "--json").stdout)
    assert data["now"] == "2026-11-19T14:00:00+01:00" and data["quiet_until"] is None
    peer = next(row for row in data["commitments"] if row["id"] == "peer-check")
    assert peer == {
        "id": "peer-check", "title": "Weekly 5-minute peer check", "kind": "peer_check",
        "plan": "start-ritual-and-peer-check",
        "schedule": "weekly on fri at 16:00 (time chosen, not from the session)",
        "next": "2026-11-20T16:00:00+01:00", "grace_minutes": 1440,
    }
    after = next(row for row in data["commitments"] if row["id"] == "wins-log")
    assert after["next"] is None


def test_quiet_sets_shows_and_ends_a_hold(habit, home):
    assert habit("quiet", "3m").stdout == "Quiet until today 14:03. `habit quiet off` ends it sooner.\n"
    state = tomllib.loads(home.state.read_text())
    assert state["quiet_until"] == datetime(2026, 11, 19, 13, 3, tzinfo=UTC)
    assert habit("quiet").stdout == "Quiet until today 14:03.\n"
    assert habit("schedule").stdout.startswith("Quiet until today 14:03: reminders due until then")
    assert habit("quiet", "off").stdout == "Quiet is off; reminders go out again.\n"
    assert habit("quiet").stdout == "Reminders are not held.\n"


def test_quiet_past_midnight_names_the_day(habit):
    assert habit("quiet", "24h").stdout == "Quiet until Fri 20 Nov 14:00. `habit quiet off` ends it sooner.\n"


@pytest.mark.parametrize("bad", ["soon", "0m", "25h", "-3m"])
def test_quiet_refuses_a_length_it_cannot_read(habit, bad):
    result = habit("quiet", "--", bad, ok=False)
    assert result.exit_code == 2
    assert result.stderr.startswith("habit: ") and len(result.stderr.splitlines()) == 1


def test_quiet_keeps_other_state(habit, home):
    home.root.mkdir(parents=True)
    home.state.write_text('other = "kept"\n')
    habit("quiet", "90s")
    habit("quiet", "off")
    assert tomllib.loads(home.state.read_text()) == {"other": "kept"}


def test_remind_once_sends_what_is_due_through_the_terminal_fallback(brief_plans, habit, ctx, store):
    set_now(ctx, 2026, 11, 19, 21, 20)
    out = habit("remind", "--once").stdout
    assert out.splitlines() == [
        "(Desktop notifications are not available: there is no D-Bus session bus (no desktop "
        "session). Reminders will show here in the terminal.)",
        "\aA few minutes each day with a kind sentence — Reflect on today's efforts — "
        "“You're doing your best, and that's enough.”",
        "Thu 21:00  A few minutes each day with a kind sentence — sent (terminal)",
    ]
    [row] = store.reminders()
    assert row.commitment_id == "daily-reflection" and row.channel == "terminal"
    assert habit("remind", "--once").stdout == "Nothing due right now.\n"


def test_remind_once_with_nothing_due(habit):
    assert habit("remind", "--once").stdout == "Nothing due right now.\n"


def test_remind_test_says_why_it_fell_back(habit):
    out = habit("remind", "--test").stdout.splitlines()
    assert out[-1] == ("Shown here in the terminal, because there is no D-Bus session bus "
                       "(no desktop session).")
    assert "\ahabit — A test reminder" in out[1]


def test_remind_takes_one_mode_at_a_time(habit):
    result = habit("remind", "--once", "--test", ok=False)
    assert result.exit_code == 2 and "one of" in result.stderr


# ---------------------------------------------------------------- start at login


@pytest.fixture
def fake_home(tmp_path, monkeypatch):
    home = tmp_path / "user"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return home


@pytest.fixture
def calls(monkeypatch):
    ran: list[list[str]] = []

    def run(argv):
        ran.append(argv)
        return 0

    monkeypatch.setattr(autostart, "_run", run)
    monkeypatch.setattr(autostart.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(autostart.sys, "platform", "linux")
    return ran


def test_install_writes_and_enables_a_systemd_user_unit(habit, fake_home, calls, home):
    out = habit("remind", "--install").stdout.splitlines()
    unit = fake_home / ".config/systemd/user/habit-remind.service"
    assert out == [
        f"Wrote {unit}",
        "Ran: systemctl --user daemon-reload",
        "Ran: systemctl --user enable --now habit-remind.service",
        "Reminders will start at each login, and are running now.",
    ]
    text = unit.read_text()
    habit_bin = autostart.habit_command()[0]
    assert f"ExecStart={habit_bin} remind\n" in text
    assert f"Environment=HABIT_HOME={home.root}\n" in text
    assert "WantedBy=default.target" in text and "Restart=on-failure" in text
    assert calls == [["systemctl", "--user", "daemon-reload"],
                     ["systemctl", "--user", "enable", "--now", "habit-remind.service"]]


def test_install_without_systemctl_says_what_to_run(habit, fake_home, calls, monkeypatch):
    monkeypatch.setattr(autostart.shutil, "which", lambda name: None)
    out = habit("remind", "--install").stdout.splitlines()
    assert out[1:] == ["Still to run, in your own session:",
                       "  systemctl --user daemon-reload",
                       "  systemctl --user enable --now habit-remind.service"]
    assert calls == []


def test_uninstall_disables_and_removes_then_says_nothing_is_left(habit, fake_home, calls):
    habit("remind", "--install")
    calls.clear()
    unit = fake_home / ".config/systemd/user/habit-remind.service"
    out = habit("remind", "--uninstall").stdout.splitlines()
    assert out == [f"Removed {unit}",
                   "Ran: systemctl --user disable --now habit-remind.service",
                   "Ran: systemctl --user daemon-reload",
                   "Reminders will no longer start at login."]
    assert not unit.exists()
    again = habit("remind", "--uninstall").stdout
    assert again == f"There was nothing installed to remove ({unit} does not exist).\n"


def test_launchd_agent_on_macos(tmp_path):
    ran = []
    result = autostart.install(home=tmp_path, env={"HABIT_HOME": "/data/h"}, platform="darwin",
                               command=["/opt/habit/bin/habit"], run=lambda a: ran.append(a) or 0,
                               which=lambda name: "/bin/launchctl")
    plist = plistlib.loads(result.path.read_bytes())
    assert result.path == tmp_path / "Library/LaunchAgents/org.habit.remind.plist"
    assert plist["ProgramArguments"] == ["/opt/habit/bin/habit", "remind"]
    assert plist["RunAtLoad"] is True and plist["EnvironmentVariables"] == {"HABIT_HOME": "/data/h"}
    assert ran == [["launchctl", "load", "-w", str(result.path)]]
    gone = autostart.uninstall(home=tmp_path, platform="darwin", run=lambda a: ran.append(a) or 0,
                               which=lambda name: "/bin/launchctl")
    assert gone.changed and not result.path.exists()


def test_crontab_line_elsewhere(tmp_path):
    result = autostart.install(home=tmp_path, env={"HABIT_HOME": "/my data"}, platform="freebsd14",
                               command=["/usr/local/bin/habit"])
    assert result.path is None
    assert result.todo == ("*/5 * * * * HABIT_HOME='/my data' /usr/local/bin/habit remind --once",)
    assert "crontab -e" in result.notes[-1]
    assert "system's time zone" in result.notes[0]  # no TZ or HABIT_TZ to carry: said which zone
    assert list(tmp_path.iterdir()) == []


def test_unit_quotes_paths_with_spaces(tmp_path):
    text = autostart.unit_text(["/home/a b/.venv/bin/habit"], {"HABIT_HOME": "/home/a b/h"})
    assert 'ExecStart="/home/a b/.venv/bin/habit" remind' in text
    assert 'Environment="HABIT_HOME=/home/a b/h"' in text


def test_habit_command_points_at_an_existing_program():
    assert Path(autostart.habit_command()[0]).exists()


def test_uninstall_when_systemctl_cannot_reach_the_user_manager(habit, fake_home, calls, monkeypatch):
    habit("remind", "--install")
    unit = fake_home / ".config/systemd/user/habit-remind.service"
    wants = unit.parent / "default.target.wants" / unit.name
    wants.parent.mkdir()
    wants.symlink_to(unit)
    monkeypatch.setattr(autostart, "_run", lambda argv: 1)  # "Failed to connect to bus"
    out = habit("remind", "--uninstall").stdout.splitlines()
    assert out == [f"Removed {unit}", "Still to run, in your own session:",
                   "  systemctl --user stop habit-remind.service",
                   "  systemctl --user daemon-reload"]
    assert not unit.exists() and not wants.is_symlink()


ODD = "100% $HOME it's \"odd\""


def test_unit_carries_any_path_past_systemd_analyze_verify(tmp_path):
    """%, $, quotes and spaces in the program's path and in HABIT_HOME survive systemd's parsing."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here")
    program = tmp_path / f"bin {ODD}" / "habit"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    home = f"/data/{ODD} $x ${{y}} %h"
    unit = tmp_path / autostart.UNIT_NAME
    unit.write_text(autostart.unit_text([str(program)], {"HABIT_HOME": home, "TZ": "Europe/Berlin"}))
    check = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr + unit.read_text()
    assert "Failed to resolve specifiers" not in check.stderr
    text = unit.read_text()
    assert "Environment=TZ=Europe/Berlin\n" in text  # the shell's zone goes with the service
    assert '"HABIT_HOME=/data/100%% $HOME' in text  # Environment= expands no $; % doubled


def test_unit_arguments_keep_dollar_and_percent(tmp_path):
    # `python -c CODE` launches: an argument with $ is doubled, so systemd passes it literally.
    text = autostart.unit_text(["/usr/bin/python3", "-c", "print('$5 or 5%')"], {})
    assert "ExecStart=/usr/bin/python3 -c \"print('$$5 or 5%%')\" remind\n" in text


def test_cron_line_escapes_percent_for_cron_and_quotes_for_the_shell(tmp_path):
    line = autostart.cron_line([f"/opt/{ODD}/habit"], {"HABIT_HOME": "/d/50% $HOME"})
    assert line.count("\\%") == 2 and "%" not in line.replace("\\%", "")
    # What cron hands to sh, once its \% is a plain %, is the path as given.
    command = line.removeprefix("*/5 * * * * ").replace("\\%", "%")
    assert command.startswith("HABIT_HOME='/d/50% $HOME' ")
    assert shlex.split(command) == ["HABIT_HOME=/d/50% $HOME", f"/opt/{ODD}/habit", "remind", "--once"]
