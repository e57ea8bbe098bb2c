"""Shared pieces of the end-to-end tests: how to start habit, wait, and drive a real terminal."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

# The checkout's habit, whatever the console script's path (runs the same entry point).
HABIT = [sys.executable, "-c", "from habit.cli.app import main; main()"]


def wait_for(predicate, timeout: float = 60.0, what: str = "condition"):
    """Poll `predicate` every 0.1 s; return its first true value or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class TmuxTerminal:
    """One habit command in a real tmux terminal on a private server; `EXIT=<code>` shows at its end."""

    def __init__(self, home: Path, args: list[str], *, env: dict[str, str] | None = None,
                 unset: tuple[str, ...] = (), size: tuple[int, int] = (100, 40)) -> None:
        self.server = f"habit-test-{os.getpid()}-{time.monotonic_ns()}"
        variables = {"HABIT_HOME": str(home), **(env or {})}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in variables.items())
        removed = " ".join(f"-u {name}" for name in unset)
        command = (f"env {removed} {exports} {shlex.join([*HABIT, *args])}; "
                   "echo EXIT=$?; sleep 60")
        self.run("new-session", "-d", "-s", "t", "-x", str(size[0]), "-y", str(size[1]), command)

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.server, *args], capture_output=True, text=True,
                              timeout=10).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "t")

    def expect(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed; the screen:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "t", *keys)

    def type(self, text: str) -> None:
        """Type a line literally, then Enter."""
        self.run("send-keys", "-t", "t", "-l", text)
        self.keys("Enter")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.server, "kill-server"], capture_output=True, timeout=10)
