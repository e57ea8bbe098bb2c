"""A real `habit start-block` process, killed mid-block: the block is never lost, never counted twice.

HABIT_SECONDS_PER_MINUTE=4 makes each minute four seconds (and a heartbeat every two), so these run
in a few seconds.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from e2e_support import HABIT, wait_for

pytestmark = pytest.mark.e2e



def env_for(home: Path) -> dict[str, str]:
    env = {**os.environ, "HABIT_HOME": str(home), "HABIT_TZ": "Europe/Berlin", "NO_COLOR": "1",
           "HABIT_SECONDS_PER_MINUTE": "4"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env


def blocks(home: Path) -> list[dict]:
    db = home / "habit.db"
    if not db.exists():
        return []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM block ORDER BY id")]
    except sqlite3.OperationalError:  # the schema is still being created
        return []
    finally:
        conn.close()


def start(home: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*HABIT, "start-block", "--no-ritual", "--yes", "--goal", "kill me", "--minutes", "25"],
        env=env_for(home), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )




def running_with_heartbeat(home: Path):
    rows = blocks(home)
    if rows and rows[0]["status"] == "running" and rows[0]["last_seen_at"] > rows[0]["started_at"]:
        return rows[0]
    return None


def habit(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*HABIT, *args], env=env_for(home), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


def test_sigkill_mid_block_is_closed_by_the_next_command_exactly_once(tmp_path):
    proc = start(tmp_path)
    try:
        wait_for(lambda: running_with_heartbeat(tmp_path), what="a heartbeat")
        # A live block is left alone by other commands.
        other = habit(tmp_path, "history")
        assert "was closed" not in other.stderr, other.stderr
        assert blocks(tmp_path)[0]["status"] == "running"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    [before] = blocks(tmp_path)
    assert before["status"] == "running"  # nothing ran after the kill
    assert (tmp_path / "blocks" / f"{before['uid']}.lock").exists()

    first = habit(tmp_path, "history")
    assert first.returncode == 0, first.stderr
    assert "A focus block from" in first.stderr and "that still counts" in first.stderr
    [after] = blocks(tmp_path)
    assert after["status"] == "interrupted"
    assert after["ended_at"] == before["last_seen_at"]  # its last recorded moment
    assert after["actual_seconds"] >= 2
    assert not (tmp_path / "blocks" / f"{before['uid']}.lock").exists()

    second = habit(tmp_path, "history")
    assert "was closed" not in second.stderr
    assert blocks(tmp_path) == [after]  # not closed twice, nothing added


def test_sigterm_closes_the_block_at_once_with_its_true_time(tmp_path):
    proc = start(tmp_path)
    try:
        row = wait_for(lambda: running_with_heartbeat(tmp_path), what="a heartbeat")
        time.sleep(1.0)  # between heartbeats: the true end is later than the last one
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "saved as stopped" in err and "Traceback" not in err
    [block] = blocks(tmp_path)
    assert block["status"] == "interrupted"
    assert block["ended_at"] > row["last_seen_at"]
    assert not list((tmp_path / "blocks").glob("*.lock"))
    later = habit(tmp_path, "history")
    assert "was closed" not in later.stderr
    assert blocks(tmp_path) == [block]


def test_a_block_runs_to_its_end_in_a_real_process(tmp_path):
    began = time.monotonic()
    done = subprocess.run(
        [*HABIT, "start-block", "--no-ritual", "--goal", "short", "--minutes", "1"],
        env={**env_for(tmp_path), "HABIT_SECONDS_PER_MINUTE": "1.5"}, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60,
    )
    took = time.monotonic() - began
    assert done.returncode == 0, done.stderr
    assert "Block complete: 1 minute." in done.stdout
    [block] = blocks(tmp_path)
    assert block["status"] == "completed" and block["actual_seconds"] == 2  # 1.5 s, rounded
    assert took < 15
