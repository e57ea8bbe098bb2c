"""`habit forget --all` in a real terminal (tmux): the typed word, and anything else keeps everything.

Each test uses its own tmux server (-L) so it never touches anyone's sessions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from e2e_support import HABIT

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None,
                       reason="tmux is not installed (scripts/test-deps.sh installs it)"),
]

@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "habit"
    env = {**os.environ, "HABIT_HOME": str(home)}
    for args in (["init"], ["log", "a small win"], ["backup"]):
        subprocess.run([*HABIT, *args], env=env, check=True, capture_output=True, timeout=60)
    (home / "my-notes.txt").write_text("mine")
    return home


@pytest.fixture
def terminal(tmux_terminal):
    return lambda home, args: tmux_terminal(home, args, size=(120, 30))


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
