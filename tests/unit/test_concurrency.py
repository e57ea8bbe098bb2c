"""Two writers at once: the reminder service and the CLI share one file (real processes).

Each writer reports every write after it returned; the parent compares the file with the reports:
no "database is locked", no lost row, no duplicated row.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from habit.data import make_backup
from habit.db.store import open_store
from habit.paths import HomePaths

pytestmark = pytest.mark.e2e

WRITERS = 3
WRITES_EACH = 340  # 1,020 writes in all

# Mixed writes like the service's and the CLI's: entries (some edited, some removed again),
# blocks started, kept alive and closed, and reminders where every writer races for the same
# (commitment, due time) - exactly one of them may record it.
WRITER = r"""
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from habit.paths import HomePaths
from habit.db.store import open_store

home, tag, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
store = open_store(HomePaths(home))
print("ready", flush=True)  # imported and opened: the parent starts every writer together
while not go.exists():
    pass
t0 = datetime(2026, 11, 19, 13, 0, tzinfo=UTC)
for n in range(count):
    at = t0 + timedelta(minutes=n)
    uid = f"{tag}-{n}"
    step = n % 5
    if step in (0, 1):
        entry = store.add_entry("win", f"win {uid}", at, created_at=at, uid=uid)
        if step == 1:
            store.edit_entry(entry.id, f"edited {uid}")
        print("entry", uid, flush=True)
    elif step == 2:
        entry = store.add_entry("note", f"gone {uid}", at, created_at=at, uid=uid)
        store.delete_entry(entry.id)
        print("deleted", uid, flush=True)
    elif step == 3:
        block = store.start_block(started_at=at, planned_minutes=25, uid=uid)
        store.update_block(block.id, last_seen_at=at + timedelta(minutes=5))
        store.finish_block(block.id, status="completed", ended_at=at + timedelta(minutes=25))
        print("block", uid, flush=True)
    else:
        got = store.add_reminder(commitment_id="shared/noon", due_at=at, sent_at=at, channel="x")
        print("reminder", n, "recorded" if got else "already", flush=True)
store.close()
"""


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _start_writers(home: Path, go: Path, count: int, tags: list[str]) -> list[subprocess.Popen]:
    """Writers that have each imported habit and opened the file (each said "ready")."""
    env = {**os.environ, "HABIT_HOME": str(home)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(home), tag, str(count), str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for tag in tags
    ]
    for proc in procs:
        assert proc.stdout.readline() == "ready\n", proc.stderr.read()
    return procs


def _wins_reported(writer: subprocess.Popen, more_than: int, seen: int) -> int:
    """Read the writer's reports until it has reported more than `more_than` wins in all."""
    while seen <= more_than:
        line = writer.stdout.readline()
        assert line, "the writer stopped before the backups were taken"
        seen += line.startswith("entry ")
    return seen


def test_a_thousand_mixed_writes_from_three_processes(tmp_path):
    home = tmp_path / "home"
    open_store(HomePaths(home)).close()  # created once, as `habit init` would
    go = tmp_path / "go"
    procs = _start_writers(home, go, WRITES_EACH, [f"w{i}" for i in range(WRITERS)])
    go.touch()  # every writer is ready: they start together
    results = [proc.communicate(timeout=120) for proc in procs]

    for proc, (_out, err) in zip(procs, results, strict=True):
        assert "locked" not in err and "busy" not in err, err
        assert proc.returncode == 0 and err == "", err
    reports = [line.split() for out, _ in results for line in out.splitlines()]
    assert len(reports) == WRITERS * WRITES_EACH

    db = home / "habit.db"
    entries = _rows(db, "SELECT uid, text FROM entry")
    assert len(entries) == len({uid for uid, _ in entries})  # no duplicates
    expected = {w[1] for w in reports if w[0] == "entry"}
    assert {uid for uid, _ in entries} == expected  # none lost, none extra (deleted ones gone)
    for uid, text in entries:
        assert text in (f"win {uid}", f"edited {uid}")
        assert text.startswith("edited") == (int(uid.split("-")[1]) % 5 == 1)
    blocks = _rows(db, "SELECT uid, status, actual_seconds FROM block")
    assert sorted(blocks) == sorted((w[1], "completed", 1500) for w in reports if w[0] == "block")

    # every raced reminder is recorded exactly once, by exactly one writer
    reminders = _rows(db, "SELECT commitment_id, due_at FROM reminder")
    assert len(reminders) == len(set(reminders)) == WRITES_EACH // 5
    who = Counter(w[1] for w in reports if w[0] == "reminder" and w[2] == "recorded")
    assert set(who.values()) == {1} and len(who) == WRITES_EACH // 5
    assert _rows(db, "PRAGMA integrity_check") == [("ok",)]


def test_backups_taken_while_another_process_writes_are_consistent(tmp_path):
    """Each backup waits until the writer has reported a win the previous backup did not hold
    (a handshake, not timing luck), so eight backups see eight growing moments of one file."""
    paths = HomePaths(tmp_path / "home")
    open_store(paths).close()
    go = tmp_path / "go"
    go.touch()
    (writer,) = _start_writers(paths.root, go, 10**7, ["bg"])  # runs until stopped below
    counts, seen = [], 0
    try:
        for n in range(8):
            seen = _wins_reported(writer, counts[-1] if counts else 0, seen)
            result = make_backup(paths, now=datetime(2026, 11, 19, 13, n, tzinfo=UTC), tz=UTC)
            assert _rows(result.path, "PRAGMA integrity_check") == [("ok",)]
            # One moment in time: the writer adds wins in order, so a snapshot holds exactly
            # the first k of them, with no gap, and at least every win reported before it.
            wins = sorted(int(uid.split("-")[1]) for (uid,) in
                          _rows(result.path, "SELECT uid FROM entry WHERE kind = 'win'"))
            assert wins == [k for k in range(wins[-1] + 1) if k % 5 in (0, 1)]
            assert len(wins) >= seen
            counts.append(len(wins))  # (not all entries: the writer also adds and removes notes)
        assert writer.poll() is None, "the writer kept writing the whole time"
    finally:
        writer.kill()
        _out, err = writer.communicate(timeout=60)
    assert err == "", err
    assert counts == sorted(set(counts))  # strictly growing: taken while rows kept coming


def test_the_real_cli_writes_while_a_service_writes(tmp_path):
    """`habit log` and `habit backup` as a user runs them, while another process keeps writing."""
    paths = HomePaths(tmp_path / "home")
    open_store(paths).close()
    go = tmp_path / "go"
    go.touch()
    (writer,) = _start_writers(paths.root, go, 10**7, ["svc"])  # runs until stopped below
    env = {**os.environ, "HABIT_HOME": str(paths.root)}
    loop = ('for i in 1 2 3 4 5 6 7 8; do "$0" -c "from habit.cli.app import main; main()" '
            'log "cli $1 line $i" >/dev/null || exit 1; done; '
            '"$0" -c "from habit.cli.app import main; main()" backup -o "$2"')
    try:
        assert writer.stdout.readline().startswith("entry svc-0")  # the service is writing now
        shells = [subprocess.Popen(["sh", "-c", loop, sys.executable, str(n), str(tmp_path / f"b{n}.db")],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                  for n in range(2)]
        results = [shell.communicate(timeout=300) for shell in shells]
        assert writer.poll() is None, "the service kept writing the whole time"
    finally:
        writer.kill()
        out, err = writer.communicate(timeout=60)
    for shell, (_out, shell_err) in zip(shells, results, strict=True):
        assert shell.returncode == 0 and "locked" not in shell_err, shell_err
    assert err == "", err
    out = out[: out.rfind("\n") + 1]  # a line cut by the kill was never reported

    texts = Counter(t for (t,) in _rows(paths.db, "SELECT text FROM entry WHERE text LIKE 'cli %'"))
    assert texts == Counter({f"cli {n} line {i}": 1 for n in range(2) for i in range(1, 9)})
    reported = {line.split()[1] for line in out.splitlines() if line.startswith("entry")}
    stored = {u for (u,) in _rows(paths.db, "SELECT uid FROM entry WHERE uid LIKE 'svc-%'")}
    assert reported - {"svc-0"} <= stored and "svc-0" in stored
    for n in range(2):
        assert _rows(tmp_path / f"b{n}.db", "PRAGMA integrity_check") == [("ok",)]
