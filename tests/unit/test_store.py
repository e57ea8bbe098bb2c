from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from habit.db.schema import SCHEMA_VERSION
from habit.db.store import open_store
from habit.errors import StoreError
from habit.paths import HomePaths, resolve_home


def test_aware_time_round_trips_as_utc(store):
    moment = datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("America/New_York"))
    entry = store.add_entry("win", "ran check X", moment, created_at=moment)
    again = store.get_entry(entry.id)
    assert again.at == moment
    assert again.at.tzinfo is UTC


def test_naive_time_is_refused(store):
    with pytest.raises(Exception, match="naive"):
        store.add_entry("win", "x", datetime(2026, 1, 1), created_at=datetime(2026, 1, 1))


def test_file_modes(home, store):
    assert stat.S_IMODE(os.stat(home.db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(home.root).st_mode) == 0o700


def test_pragmas(home, store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert store.user_version() == SCHEMA_VERSION


def test_habit_home_isolates_everything(tmp_path, monkeypatch):
    monkeypatch.setenv("HABIT_HOME", str(tmp_path / "a"))
    assert resolve_home().root == tmp_path / "a"
    store = open_store(resolve_home())
    store.add_entry("win", "x", datetime.now(UTC), created_at=datetime.now(UTC))
    assert sorted(p.name for p in (tmp_path / "a").iterdir())[0] == "habit.db"
    assert not (tmp_path / "b").exists()


def test_path_resolution_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("HABIT_HOME", str(tmp_path / "never"))
    resolve_home()
    assert not (tmp_path / "never").exists()


def test_foreign_file_is_left_untouched(home):
    home.root.mkdir(parents=True)
    home.db.write_bytes(b"my tax notes, not a database")
    with pytest.raises(StoreError, match="not a habit data file"):
        open_store(home)
    assert home.db.read_bytes() == b"my tax notes, not a database"


def test_newer_schema_is_refused_and_kept(home):
    home.root.mkdir(parents=True)
    conn = sqlite3.connect(home.db)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = home.db.read_bytes()
    with pytest.raises(StoreError, match="newer habit"):
        open_store(home)
    assert home.db.read_bytes() == before


def test_finish_block_is_idempotent(store, clock):
    start = clock.now()
    block = store.start_block(started_at=start, planned_minutes=25, goal="g")
    done = store.finish_block(block.id, status="interrupted", ended_at=start + timedelta(minutes=12))
    again = store.finish_block(block.id, status="completed", ended_at=start + timedelta(minutes=30))
    assert done == again
    assert again.actual_minutes == 12 and again.status == "interrupted"


def test_reminder_recorded_once(store, clock):
    due = clock.now()
    first = store.add_reminder(commitment_id="c", due_at=due, sent_at=due, channel="desktop")
    second = store.add_reminder(commitment_id="c", due_at=due, sent_at=due, channel="desktop")
    assert first is not None and second is None
    assert len(store.reminders()) == 1


def test_week_query_uses_the_timestamp_index(store):
    plan = store.engine.connect().exec_driver_sql(
        "EXPLAIN QUERY PLAN SELECT * FROM entry WHERE at >= ? AND at < ?", ("a", "b")
    ).fetchall()
    assert any("USING INDEX" in str(row[-1]) for row in plan), plan


def test_unwritable_home_is_one_clear_line(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(StoreError, match="read-only|cannot create"):
            open_store(HomePaths(ro / "home"))
    finally:
        ro.chmod(0o700)


# ---------------------------------------------------------------- one writer per row kind


def _sources_with(needle: str) -> list[str]:
    from pathlib import Path

    import habit

    root = Path(habit.__file__).parent
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.py") if needle in p.read_text())


def test_entry_rows_have_one_insert_and_one_writer():
    """docs/DEVELOPING.md "Where each row is written": every entry is checked by logs.log_entry
    (import: by habit.exchange, restoring rows as saved) and written by schema.INSERT_ENTRY."""
    assert _sources_with("INSERT INTO entry") == ["db/schema.py"]
    assert _sources_with("INSERT_ENTRY, ") == ["db/light.py", "db/store.py"]  # where it runs
    # the light store's only other call hands a failed write to the full store
    assert _sources_with(".add_entry(") == ["db/light.py", "logs.py"]
    assert _sources_with("Entry(") == ["db/models.py"]  # the ORM never builds an entry row


def test_imported_entries_are_written_like_any_other(home, clock):
    store = open_store(home)
    at = clock.now()
    store.import_rows([], [{"uid": "u1", "kind": "win", "text": "from a file", "at": at,
                            "created_at": at, "commitment_id": None, "peer": None, "reply": None}])
    with sqlite3.connect(home.db) as conn:
        row = conn.execute("SELECT uid, kind, text, at, created_at FROM entry").fetchone()
    store.close()
    stamp = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    assert row == ("u1", "win", "from a file", stamp, stamp)
