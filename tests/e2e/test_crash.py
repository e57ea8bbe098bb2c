"""Crashes lose nothing committed: SIGKILL a writer at random moments, then check every promise.

The writer reports each write only after it returned (commit done). The parent kills it at a
random moment, reopens the file, runs `PRAGMA integrity_check`, and looks for every reported row.
Seeds are printed in failure messages so a failing trial can be replayed.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC
from pathlib import Path

import pytest
from e2e_support import HABIT

pytestmark = pytest.mark.e2e

TRIALS = 20
SEED = int(os.environ.get("HABIT_CRASH_SEED", random.randrange(1 << 30)))

# Mixed writes through the store API, each reported only after it returned.
STORE_WRITER = r"""
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from habit.paths import HomePaths
from habit.db.store import open_store

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
    for trial in range(TRIALS + 5):
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
            # Let it report a random number of writes, then kill at a random point of the next ones.
            for _ in range(rng.randint(1, 30)):
                early += proc.stdout.readline()
            time.sleep(rng.uniform(0.0, 0.01))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err.decode()
        reported = [w for w in _complete_lines(early + out) if w[0] != "ready"]
        killed_mid_write += bool(reported)
        where = f"trial {trial}, HABIT_CRASH_SEED={SEED}"
        db = trial_home / "habit.db"
        if db.exists():
            if fresh and not _query(db, "SELECT name FROM sqlite_master WHERE name = 'entry'"):
                # killed after the file was made but before its schema was: nothing can be lost
                assert not reported and _integrity(db) == "ok", where
            else:
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
    from habit.db.schema import SCHEMA_VERSION
    from habit.db.store import open_store
    from habit.paths import HomePaths

    store = open_store(HomePaths(home))
    try:
        assert store.integrity_check() == "ok", where
        assert store.user_version() == SCHEMA_VERSION, where
    finally:
        store.close()


# ---------------------------------------------------------------- the real commands



def _spawn(args: list[str], home: Path, **kwargs) -> subprocess.Popen:
    """In its own process group, so a kill reaches a shell loop and every habit it started."""
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(home),
                            start_new_session=True, **kwargs)


def _kill_group(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it had already finished: a kill after the end is a trial too
    return proc.communicate()


def _habit(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*HABIT, *args], capture_output=True, text=True, env=_env(home), timeout=60)


def test_sigkill_of_habit_log_loses_no_reported_entry(tmp_path):
    rng = random.Random(SEED + 1)
    home = tmp_path / "home"
    assert _habit(home, "init").returncode == 0
    loop = ('i=0; while :; do i=$((i+1)); "$0" -c "from habit.cli.app import main; main()" '
            'log "trial $1 line $i" >/dev/null && echo "ok $i"; done')
    db = home / "habit.db"
    landed_after_write = 0
    for trial in range(TRIALS * 2):
        _query(db, "PRAGMA wal_checkpoint(TRUNCATE)")  # an empty WAL: its first growth is our write
        proc = _spawn(["sh", "-c", loop, sys.executable, str(trial)], home)
        if trial % 2:
            _until_the_wal_grows(db, proc)  # the kill lands inside or just after a commit
            time.sleep(rng.uniform(0.0, 0.003))
        else:
            time.sleep(rng.uniform(0.2, 1.6))  # anywhere: start-up, the write, the report
        out, err = _kill_group(proc)
        reported = {int(w[1]) for w in _complete_lines(out) if w[0] == "ok"}
        where = f"trial {trial}, HABIT_CRASH_SEED={SEED}: {err.decode()[-300:]}"
        assert _integrity(db) == "ok", where
        texts = Counter(t for (t,) in _query(db, "SELECT text FROM entry WHERE text LIKE ?",
                                             f"trial {trial} line %"))
        for n in reported:
            assert texts[f"trial {trial} line {n}"] == 1, where  # there, and once
        extra = set(texts) - {f"trial {trial} line {n}" for n in reported}
        # at most the one line in flight when the kill came, saved but not yet reported
        assert extra <= {f"trial {trial} line {max(reported, default=0) + 1}"}, where
        landed_after_write += bool(extra)
    history = _habit(home, "history")
    assert history.returncode == 0, history.stderr
    print(f"habit log: {TRIALS * 2} kills, {landed_after_write} after the row was saved, before the report")


def _until_the_wal_grows(db: Path, proc: subprocess.Popen, limit: float = 30.0) -> None:
    wal = db.with_name(db.name + "-wal")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if wal.stat().st_size > 0:
                return
        except FileNotFoundError:
            pass
        time.sleep(0.0002)


def _wait_for(proc: subprocess.Popen, marker: bytes) -> bytes:
    """Read output up to a line holding `marker` (or the end); what was read is returned."""
    seen = b""
    while marker not in seen:
        line = proc.stdout.readline()
        if not line:
            break
        seen += line
    return seen


def _recover(home: Path) -> list[str]:
    """What the next habit command does first: open the store, closing orphaned blocks."""
    from habit.cli.context import AppContext
    from habit.clock import SystemClock
    from habit.paths import HomePaths

    app = AppContext(paths=HomePaths(home), clock=SystemClock(), tz=UTC)
    try:
        app.store()
        return list(app.notices)
    finally:
        app.close()


def test_sigkill_of_start_block_closes_the_block_as_interrupted(tmp_path):
    rng = random.Random(SEED + 2)
    home = tmp_path / "home"
    assert _habit(home, "init").returncode == 0
    db = home / "habit.db"
    recovered = 0
    for trial in range(TRIALS):
        args = [*HABIT, "start-block", "-m", "1", "-g", f"trial {trial}", "--log", f"done {trial}", "-y"]
        in_ritual = trial % 5 == 0  # some kills land in the breathing, before any block exists
        proc = _spawn(args if in_ritual else [*args, "--no-ritual"], home)
        if in_ritual:
            time.sleep(rng.uniform(0.2, 1.5))
        else:
            _wait_for(proc, b"Focus block:")  # the block is running now; kill somewhere inside it
            time.sleep(rng.uniform(0.0, 1.0))
        _kill_group(proc)
        where = f"trial {trial}, HABIT_CRASH_SEED={SEED}"
        assert _integrity(db) == "ok", where

        if trial % 5 == 1:  # now and then through the real CLI, to read what the user is told
            after = _habit(home, "today")
            assert after.returncode == 0, after.stderr
            notices = after.stderr
        else:
            notices = " ".join(_recover(home))
        rows = _query(db, "SELECT status, started_at, ended_at, actual_seconds FROM block WHERE goal = ?",
                      f"trial {trial}")
        assert len(rows) <= 1, where
        if rows:
            status, started, ended, seconds = rows[0]
            assert status == "interrupted", where
            assert ended >= started and seconds >= 0, where
            assert "still counts" in notices, where
            recovered += 1
        assert _query(db, "SELECT count(*) FROM entry WHERE text = ?", f"done {trial}") == [(0,)], where
    assert _query(db, "SELECT count(*) FROM block WHERE status = 'running'") == [(0,)]
    assert recovered >= TRIALS // 2, "most kills should land inside a running block"
    print(f"start-block: {TRIALS} kills, {recovered} inside a running block, all closed as interrupted")


CUES = 8


def _cue_plan(path: Path) -> Path:
    """Eight cues due one minute ago (UTC), each with two hours' grace: `remind --once` sends all."""
    at = time.strftime("%H:%M", time.gmtime(time.time() - 60))
    parts = ['[plan]\nid = "crash-test"\ntitle = "Crash test"\nsession = "tests"\n']
    for n in range(CUES):
        parts.append(
            f'[[commitment]]\nid = "cue-{n}"\nkind = "pause_cue"\ntitle = "Cue {n}"\ngrace_minutes = 120\n'
            f'[commitment.schedule]\nevery = "daily"\nat = "{at}"\n'
            '[commitment.source]\nfile = "tests"\nline = 1\nquote = "I will."\n'
        )
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _sent(out: bytes) -> list[str]:
    """The cues the service reported as sent (it says so after the reminder row is saved)."""
    return [line.split("Cue ")[1].split(" ")[0] for line in out.decode().splitlines()
            if " — sent (" in line and "Cue " in line]


def test_sigkill_of_remind_while_it_records_reminders(tmp_path):
    from habit.config import load_config, save_config, with_active
    from habit.paths import HomePaths

    rng = random.Random(SEED + 3)
    template = tmp_path / "template"
    env_home = {**_env(template), "HABIT_TZ": "UTC", "TZ": "UTC"}
    plan = _cue_plan(tmp_path / "crash-test.toml")
    subprocess.run([*HABIT, "init", "--plan", str(plan)], env=env_home, check=True, capture_output=True)
    paths = HomePaths(template)
    save_config(paths, with_active(load_config(paths), ["crash-test"]))  # only the cues are due

    warm = tmp_path / "warm-up"
    shutil.copytree(template, warm)
    proc = subprocess.Popen([*HABIT, "remind", "--once"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**env_home, "HABIT_HOME": str(warm)})
    first = _wait_for(proc, " — sent (".encode())
    started = time.monotonic()
    rest, err = proc.communicate(timeout=60)
    per_cue = (time.monotonic() - started) / (CUES - 1)  # sending and recording one reminder
    assert len(_sent(first + rest)) == CUES, (first + rest + err).decode()

    cut_short = 0
    for trial in range(TRIALS):
        home = tmp_path / f"trial-{trial}"
        shutil.copytree(template, home)
        env = {**env_home, "HABIT_HOME": str(home)}
        proc = subprocess.Popen([*HABIT, "remind", "--once"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, start_new_session=True)
        first = b""
        for _ in range(rng.randint(1, CUES - 1)):  # after a random number of reported sends,
            first += _wait_for(proc, " — sent (".encode())
        time.sleep(rng.uniform(0.0, 0.5) * per_cue)  # at a random point of the next one
        out, _err = _kill_group(proc)
        out = first + out
        where = f"trial {trial}, HABIT_CRASH_SEED={SEED}"
        db = home / "habit.db"
        assert _integrity(db) == "ok", where
        recorded = {c for (c,) in _query(db, "SELECT commitment_id FROM reminder")}
        reported = set(_sent(out[: out.rfind(b"\n") + 1]))
        assert {f"cue-{n}" for n in reported} <= recorded, where
        cut_short += len(recorded) < CUES

        # The service comes back: what was recorded is not sent again; the rest goes out once.
        again = subprocess.run([*HABIT, "remind", "--once"], env=env, capture_output=True, timeout=60)
        assert again.returncode == 0, again.stderr.decode()
        resent = {f"cue-{n}" for n in _sent(again.stdout)}
        assert not resent & recorded, where
        rows = _query(db, "SELECT commitment_id, count(*) FROM reminder GROUP BY commitment_id")
        assert sorted(rows) == [(f"cue-{n}", 1) for n in range(CUES)], where
    assert cut_short >= TRIALS // 4, "most kills should land while reminders are being recorded"
    print(f"remind: {TRIALS} kills, {cut_short} while reminders were still being recorded")
