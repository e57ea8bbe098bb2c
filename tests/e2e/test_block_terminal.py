"""`habit start-block` in a real terminal (tmux): the pacer, the goal, the bar, Enter logs the line.

HABIT_SECONDS_PER_MINUTE shrinks the minutes so the whole flow takes a few seconds. Each test uses
its own tmux server (-L) so it never touches anyone's sessions.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from e2e_support import wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None,
                       reason="tmux is not installed (scripts/test-deps.sh installs it)"),
]

# "  write tests  ━━━━━━━╸            09:40 left" (without colour the part still to go is blank)
BAR = re.compile(r"^  (?P<goal>\S.*?)  (?P<bar>[━╸╺ ]*?) *(?P<m>\d+):(?P<s>\d\d) left\s*$")


def _bar(screen: str) -> re.Match | None:
    """The live bar line of the screen, if it shows one."""
    return next((m for line in screen.splitlines() if (m := BAR.match(line))), None)


def _seconds(bar: re.Match) -> int:
    return int(bar.group("m")) * 60 + int(bar.group("s"))


def rows(home: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{home / 'habit.db'}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def tmux_factory(tmux_terminal):
    """start-block in a terminal with shortened minutes and no desktop (so the fallback shows)."""

    def make(home: Path, args: list[str], *, seconds_per_minute: float):
        # These tests follow the example plan the brief names (its phrase, template and reward).
        home.mkdir(parents=True, exist_ok=True)
        (home / "config.toml").write_text('[plans]\nactive = ["start-ritual-and-peer-check"]\n')
        env = {"HABIT_TZ": "Europe/Berlin", "TZ": "Europe/Berlin",
               "HABIT_SECONDS_PER_MINUTE": str(seconds_per_minute)}
        return tmux_terminal(home, args, env=env,
                             unset=("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"))

    return make


def test_ritual_block_and_one_keystroke_wins_line(tmp_path, tmux_factory):
    # 1 "minute" = 2 s: breathing takes 4 s, the 1-minute block 2 s.
    term = tmux_factory(tmp_path, ["start-block", "--minutes", "1"], seconds_per_minute=2)
    shown = term.expect("●")  # the pacer fills while breathing in
    assert "Breathe slowly for 2 minutes: in for 4 s, out for 6 s." in shown
    term.expect("One clear, tiny goal for this block")
    term.keys("run sanity test X", "Enter")
    shown = term.expect("> ran run sanity test X;")
    assert "“This knot is here, and I'm going to do the work anyway.”" in shown
    assert "Block complete: 1 minute." in shown
    assert "breathe in" not in shown and " left" not in shown  # the live lines are cleared
    term.keys("Enter")  # one keystroke
    shown = term.expect("EXIT=0")
    assert "Logged." in shown and "Now: Stand up, stretch, or sip your coffee." in shown
    assert "ran run sanity test X — 1-minute focus block" in shown
    [(kind, text, block_id)] = rows(tmp_path, "SELECT kind, text, block_id FROM entry")
    [(bid, status, goal, seconds)] = rows(
        tmp_path, "SELECT id, status, goal, actual_seconds FROM block")
    assert (kind, text, block_id) == ("win", "ran run sanity test X", bid)
    assert (status, goal, seconds) == ("completed", "run sanity test X", 2)


def test_the_bar_shows_time_left_and_ctrl_c_still_counts(tmp_path, tmux_factory):
    term = tmux_factory(tmp_path, ["start-block", "--no-ritual", "--minutes", "10", "--goal",
                                   "write tests"], seconds_per_minute=3)
    first = _bar(term.expect(" left"))
    # the live bar itself: the goal, then the bar, then the time left of the 10 minutes
    assert first is not None and first.group("goal") == "write tests"
    assert 0 < _seconds(first) <= 10 * 60
    later = wait_for(lambda: (bar := _bar(term.screen())) and _seconds(bar) < _seconds(first)
                     and bar.group("bar").count("━") > first.group("bar").count("━") and bar,
                     timeout=20, what="the bar to fill as the time left counts down")
    assert later.group("goal") == "write tests"
    term.keys("C-c")
    shown = term.expect("> ran write tests;")
    assert "— that still counts." in shown and "Stopped after" in shown
    term.keys(" felt foggy", "Enter")
    term.expect("EXIT=0")
    [(text,)] = rows(tmp_path, "SELECT text FROM entry")
    assert text == "ran write tests; felt foggy"
    [(status,)] = rows(tmp_path, "SELECT status FROM block")
    assert status == "interrupted"


def test_closing_the_terminal_saves_the_block_as_stopped(tmp_path, tmux_factory):
    term = tmux_factory(tmp_path, ["start-block", "--no-ritual", "--minutes", "10", "--goal",
                                   "x"], seconds_per_minute=3)
    term.expect(" left")
    time.sleep(1)
    term.close()  # the window goes away: SIGHUP
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = rows(tmp_path, "SELECT status, actual_seconds FROM block")
        if found and found[0][0] != "running":
            break
        time.sleep(0.1)
    [(status, seconds)] = rows(tmp_path, "SELECT status, actual_seconds FROM block")
    assert status == "interrupted" and seconds >= 1
    assert not list((tmp_path / "blocks").glob("*.lock"))
