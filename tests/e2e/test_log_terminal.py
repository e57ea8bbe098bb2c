"""Quick logs in a real terminal (a pty) and in a real pipe: asking only where someone can answer."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest
from e2e_support import HABIT

pytestmark = pytest.mark.e2e



def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "HABIT_HOME": str(home), "HABIT_TZ": "Europe/Berlin", "NO_COLOR": "1"}


class Terminal:
    """One habit process on a pseudo-terminal: read until a text shows, type a line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become habit
            os.execvpe(HABIT[0], [*HABIT, *args], env)
        self.seen = ""

    def expect(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} not shown; the screen has: {self.seen!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.fd, 4096).decode("utf-8", "replace")
                except OSError:  # the child closed the terminal
                    break
        assert text in self.seen, self.seen
        return self.seen

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def wait(self) -> int:
        try:
            while True:  # drain, or the child may block writing its last lines
                ready, _, _ = select.select([self.fd], [], [], 5)
                if not ready:
                    break
                chunk = os.read(self.fd, 4096)
                if not chunk:
                    break
                self.seen += chunk.decode("utf-8", "replace")
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def run(args: list[str], home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*HABIT, *args], env=env_for(home), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=30)


def test_reflect_asks_in_a_terminal(tmp_path):
    term = Terminal(["reflect"], env_for(tmp_path))
    term.expect("You're doing your best, and that's enough.")
    term.expect("The one effort today (Enter to skip):")
    term.type("cooked something new")
    term.expect("Saved your reflection")
    assert term.wait() == 0
    assert "cooked something new" in run(["history"], tmp_path).stdout


def test_undo_asks_in_a_terminal_and_refuses_to_guess_in_a_pipe(tmp_path):
    assert run(["log", "keep me"], tmp_path).returncode == 0
    term = Terminal(["undo"], env_for(tmp_path))
    term.expect('The last entry: #1, win from today')
    term.expect("Remove it? [y/N]:")
    term.type("n")
    term.expect("Kept it; nothing was removed.")
    assert term.wait() == 0
    piped = run(["undo"], tmp_path)
    assert piped.returncode == 2
    assert piped.stderr.startswith("habit: not a terminal, so habit cannot ask")
    assert piped.stderr.count("\n") == 1
    assert "keep me" in run(["history"], tmp_path).stdout


def test_ground_in_a_pipe_never_waits(tmp_path):
    started = time.monotonic()
    result = run(["ground", "--step", "open the folder"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 10  # the paced version takes about a minute
    assert "Breath 3 of 3" in result.stdout and "Saved the grounding pause" in result.stdout


def test_bad_input_in_a_real_process_is_one_line(tmp_path):
    bad = (["log", ""], ["log", "x" * 10_000], ["log", "a\x1bb"], ["log", "x", "--at", "2099-01-01 10:00"])
    for args in bad:
        result = run(args, tmp_path)
        assert result.returncode != 0
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("habit: "), result.stderr
        assert "Traceback" not in result.stderr
    assert "Nothing logged here yet." in run(["history"], tmp_path).stdout


def test_history_into_a_pipe_closed_early_is_calm(tmp_path):
    for i in range(3):
        assert run(["log", f"win {i}"], tmp_path).returncode == 0
    from habit.db.store import open_store
    from habit.paths import HomePaths

    store = open_store(HomePaths(tmp_path))
    at = store.entries()[0].at
    store.import_rows([], [dict(uid=f"u{i}", kind="win", text="x" * 60, at=at, created_at=at)
                           for i in range(20_000)])
    store.close()
    shell = f"{' '.join(HABIT[:2])} 'from habit.cli.app import main; main()' history --limit 30000 | head -1"
    result = subprocess.run(["sh", "-c", shell + "; echo status=$?"], env=env_for(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert "something unexpected" not in result.stderr and "Broken" not in result.stderr, result.stderr
