"""Crashes lose nothing committed: SIGKILL a writer at random moments, then check every promise.

The writer reports each write only after it returned (commit done). The parent kills it at a
random moment, reopens the file, runs `PRAGMA integrity_check`, and looks for every reported row.
Seeds are printed in failure messages so a failing trial can be replayed.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TRIALS = 20
SEED = int(os.environ.get("HABIT_CRASH_SEED", random.randrange(1 << 30)))

# Mixed writes through the store API, each reported only after it returned.
STORE_WRITER = r"""
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from habit.paths import HomePaths
from habit.store import open_store

home, tag = sys.argv[1], sys.argv[2]
store = open_store(HomePaths(Path(home)))
print("ready", flush=True)
t0 = datetime(2026, 11, 19, 13, 0, tzinfo=UTC)
n = 0
while True:
    n += 1
    uid = f"{tag}-{n}"
    at = t0 + timedelta(seconds=n)
    if n % 3 == 0:
        store.add_entry("win", "a small win " * (n % 40), at, created_at=at, uid=uid)
        print("entry", uid, flush=True)
    elif n % 3 == 1:
        block = store.start_block(started_at=at, planned_minutes=10, goal="write", uid=uid)
        store.update_block(block.id, last_seen_at=at + timedelta(seconds=30))
        store.finish_block(block.id, status="completed", ended_at=at + timedelta(minutes=1))
        print("block", uid, flush=True)
    else:
        store.add_reminder(commitment_id=tag, due_at=at, sent_at=at, channel="test", title="t")
        print("reminder", tag, at.strftime("%Y-%m-%d %H:%M:%S.%f"), flush=True)
"""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HABIT_HOME=str(home), HABIT_TZ="Europe/Berlin", TZ="Europe/Berlin", NO_COLOR="1")
    env.pop("HABIT_DEBUG", None)
    return env


def _complete_lines(raw: bytes) -> list[list[str]]:
    """Only whole lines count: a line cut by the kill was never fully reported."""
    text = raw.decode("utf-8", "replace")
    lines = text.split("\n")[:-1]
    return [line.split(" ") for line in lines if line]


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _query(db: Path, sql: str, *args) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _check_store_writes(db: Path, reported: list[list[str]], where: str) -> None:
    assert _integrity(db) == "ok", where
    entries = {u for (u,) in _query(db, "SELECT uid FROM entry")}
    blocks = dict(_query(db, "SELECT uid, status FROM block"))
    reminders = set(_query(db, "SELECT commitment_id, due_at FROM reminder"))
    for words in reported:
        if words[0] == "entry":
            assert words[1] in entries, where
        elif words[0] == "block":
            assert blocks.get(words[1]) == "completed", where
        elif words[0] == "reminder":
            assert (words[1], f"{words[2]} {words[3]}") in reminders, where


def test_sigkill_of_a_store_writer_loses_nothing_it_reported(tmp_path):
    rng = random.Random(SEED)
    home = tmp_path / "home"
    all_reported: list[list[str]] = []
    killed_mid_write = 0
    for trial in range(TRIALS * 2):
        fresh = trial % 5 == 4  # some kills land during start-up: creating and migrating the file
        trial_home = tmp_path / f"fresh-{trial}" if fresh else home
        proc = subprocess.Popen(
            [sys.executable, "-c", STORE_WRITER, str(trial_home), f"t{trial}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(trial_home),
        )
        if fresh:
            time.sleep(rng.uniform(0.0, 1.0))
            early = b""
        else:
            early = proc.stdout.readline()
            assert early == b"ready\n", proc.stderr.read().decode()
            time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err.decode()
        reported = [w for w in _complete_lines(early + out) if w[0] != "ready"]
        killed_mid_write += bool(reported)
        where = f"trial {trial}, HABIT_CRASH_SEED={SEED}"
        db = trial_home / "habit.db"
        if db.exists():
            _check_store_writes(db, reported, where)
            # and the file opens with the store again, at the current schema
            _reopen(trial_home, where)
        else:
            assert not reported, where
        if not fresh:
            all_reported += reported
    _check_store_writes(home / "habit.db", all_reported, f"all trials, HABIT_CRASH_SEED={SEED}")
    assert killed_mid_write >= TRIALS, "most kills should land while rows are being written"


def _reopen(home: Path, where: str) -> None:
    from habit.models import SCHEMA_VERSION
    from habit.paths import HomePaths
    from habit.store import open_store

    store = open_store(HomePaths(home))
    try:
        assert store.integrity_check() == "ok", where
        assert store.user_version() == SCHEMA_VERSION, where
    finally:
        store.close()
