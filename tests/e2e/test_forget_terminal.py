"""`habit forget --all` in a real terminal (tmux): the typed word, and anything else keeps everything.

Each test uses its own tmux server (-L) so it never touches anyone's sessions.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None,
                       reason="tmux is not installed (scripts/test-deps.sh installs it)"),
]

HABIT = [sys.executable, "-c", "from habit.cli.app import main; main()"]


class Terminal:
    def __init__(self, home: Path, args: list[str]) -> None:
        self.server = f"habit-forget-{os.getpid()}-{time.monotonic_ns()}"
        command = (f"env HABIT_HOME={shlex.quote(str(home))} {shlex.join([*HABIT, *args])}; "
                   "echo EXIT=$?; sleep 60")
        self.tmux("new-session", "-d", "-s", "t", "-x", "120", "-y", "30", command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.server, *args], capture_output=True, text=True,
                              timeout=10).stdout

    def expect(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.tmux("capture-pane", "-p", "-t", "t")
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed; the screen:\n{shown}")

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)
        self.tmux("send-keys", "-t", "t", "Enter")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.server, "kill-server"], capture_output=True, timeout=10)


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "habit"
    env = {**os.environ, "HABIT_HOME": str(home)}
    for args in (["init"], ["log", "a small win"], ["backup"]):
        subprocess.run([*HABIT, *args], env=env, check=True, capture_output=True, timeout=60)
    (home / "my-notes.txt").write_text("mine")
    return home


@pytest.fixture
def terminal():
    made: list[Terminal] = []
    yield lambda *a: made.append(Terminal(*a)) or made[-1]
    for term in made:
        term.close()


def test_typing_forget_removes_habits_files_and_lists_them(home, terminal):
    term = terminal(home, ["forget", "--all"])
    shown = term.expect('Type "forget" to delete it:')
    assert "habit.db" in shown and "config.toml" in shown and "backups/habit-" in shown
    term.type("forget")
    shown = term.expect("EXIT=0")
    assert "Removed 3 files" in shown and "my-notes.txt" in shown
    assert sorted(p.name for p in home.iterdir()) == ["my-notes.txt"]


def test_anything_else_removes_nothing(home, terminal):
    before = sorted(p.relative_to(home) for p in home.rglob("*"))
    term = terminal(home, ["forget", "--all"])
    term.expect('Type "forget" to delete it:')
    term.type("yes")
    shown = term.expect("EXIT=1")
    assert "Nothing was removed." in shown
    assert sorted(p.relative_to(home) for p in home.rglob("*")) == before
