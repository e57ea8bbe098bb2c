"""Upgrades keep data: the first released schema opens with today's code, every row intact."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from habit.db import store as store_module
from habit.db.schema import SCHEMA_VERSION
from habit.db.store import open_store
from habit.errors import StoreError
from habit.records import ENTRY_KINDS

FIXTURE = Path(__file__).parents[1] / "fixtures" / "habit-schema1.db"
TABLES = ("block", "entry", "reminder")


def _columns(db: Path, table: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _rows(db: Path, table: str, columns: list[str]) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id").fetchall()
    finally:
        conn.close()


def _version(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def _schema(db: Path) -> dict:
    """Everything that matters about a schema, independent of how the DDL text is spelled."""
    conn = sqlite3.connect(db)
    try:
        shape = {}
        for table in TABLES:
            indexes = {}
            for _seq, name, unique, origin, partial in conn.execute(f"PRAGMA index_list({table})"):
                cols = [r[2] for r in conn.execute(f"PRAGMA index_info({name})")]
                indexes[tuple(cols)] = (bool(unique), origin, bool(partial))
            shape[table] = {
                "columns": conn.execute(f"PRAGMA table_info({table})").fetchall(),
                "indexes": indexes,
                "fks": [r[2:] for r in conn.execute(f"PRAGMA foreign_key_list({table})")],
            }
        return shape
    finally:
        conn.close()


@pytest.fixture
def old_file(home) -> Path:
    home.root.mkdir(mode=0o700)
    shutil.copyfile(FIXTURE, home.db)
    home.db.chmod(0o600)
    return home.db


def test_the_fixture_is_schema_one_with_rows_in_every_table():
    assert _version(FIXTURE) == 1
    for table in TABLES:
        assert len(_rows(FIXTURE, table, ["id"])) >= 3, table


def test_opening_the_first_schema_keeps_every_row(home, old_file):
    before = {t: _rows(FIXTURE, t, _columns(FIXTURE, t)) for t in TABLES}

    store = open_store(home)
    assert store.user_version() == SCHEMA_VERSION
    assert store.integrity_check() == "ok"
    store.close()

    for table, rows in before.items():
        assert _rows(old_file, table, _columns(FIXTURE, table)) == rows, table
    backup = old_file.with_name("habit.db.v1.bak")
    if SCHEMA_VERSION > 1:
        # migrated in place, after a backup copy of the old file was written next to it
        assert _version(backup) == 1
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        for table, rows in before.items():
            assert _rows(backup, table, _columns(FIXTURE, table)) == rows, table
    else:
        assert not backup.exists()  # nothing to migrate, nothing copied


def test_the_store_reads_old_rows_as_records(home, old_file):
    store = open_store(home)
    entries = store.entries()
    assert [e.kind for e in entries] == list(ENTRY_KINDS)
    assert entries[4].text == "Ünïcode, 'quotes', \"double\", emoji 🌱 and a\nnewline"
    assert entries[6].text == "'; DROP TABLE entry; --"
    assert entries[0].at.tzinfo is not None
    assert [b.status for b in store.blocks()] == ["completed", "interrupted", "running"]
    assert len(store.reminders()) == 3
    store.close()


def test_the_killed_block_in_an_old_file_is_recovered_as_interrupted(ctx, old_file):
    block = ctx.store().blocks()[2]
    assert block.status == "interrupted"
    assert block.actual_seconds == 0  # closed at its last recorded moment
    assert any("still counts" in notice for notice in ctx.notices)


def test_a_file_without_a_version_stamp_is_stamped_and_keeps_its_rows(home, old_file):
    # A pre-release file: the schema-1 tables, but user_version 0.
    with sqlite3.connect(old_file) as conn:
        conn.execute("PRAGMA user_version=0")
    before = {t: _rows(FIXTURE, t, _columns(FIXTURE, t)) for t in TABLES}

    open_store(home).close()

    assert _version(old_file) == SCHEMA_VERSION
    backup = old_file.with_name("habit.db.v0.bak")
    assert _version(backup) == 0
    for table, rows in before.items():
        assert _rows(old_file, table, _columns(FIXTURE, table)) == rows
        assert _rows(backup, table, _columns(FIXTURE, table)) == rows


def test_migrations_build_exactly_the_schema_models_py_describes(tmp_path, home):
    """A change to models.py without a new migration step fails here."""
    from sqlmodel import SQLModel, create_engine

    open_store(home).close()
    reference = tmp_path / "reference.db"
    engine = create_engine(f"sqlite:///{reference}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    assert _schema(home.db) == _schema(reference)
    assert len(store_module.MIGRATIONS) == SCHEMA_VERSION


def test_a_step_that_stops_halfway_leaves_the_file_as_it_was(home, old_file, monkeypatch):
    broken_step = ("CREATE TABLE half_done (x INTEGER)", "INSERT INTO entry_that_does_not_exist VALUES (1)")

    steps = [*store_module.MIGRATIONS, broken_step]
    monkeypatch.setattr(store_module, "MIGRATIONS", steps)
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", len(steps))
    before = {t: _rows(FIXTURE, t, _columns(FIXTURE, t)) for t in TABLES}

    with pytest.raises(StoreError):
        open_store(home)

    assert _version(old_file) == 1
    with sqlite3.connect(old_file) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in names
    for table, rows in before.items():
        assert _rows(old_file, table, _columns(FIXTURE, table)) == rows
    assert _version(old_file.with_name("habit.db.v1.bak")) == 1


def test_a_newer_schema_is_refused_and_left_untouched(home, old_file):
    with sqlite3.connect(old_file) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    data = old_file.read_bytes()
    with pytest.raises(StoreError, match="newer habit"):
        open_store(home)
    assert old_file.read_bytes() == data
    assert not list(home.root.glob("*.bak"))


def _with_extra_step(monkeypatch) -> None:
    """A schema one step newer than today's: a table that cannot be created twice."""
    extra = ("CREATE TABLE extra_step (x INTEGER)",)

    steps = [*store_module.MIGRATIONS, extra]
    monkeypatch.setattr(store_module, "MIGRATIONS", steps)
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", len(steps))


def test_two_processes_opening_an_old_file_at_once_migrate_it_once(home, old_file, monkeypatch):
    """The loser of the race read the old version before the winner migrated (a stale read)."""
    open_store(home).close()  # bring it to today's schema first
    current = _version(old_file)
    _with_extra_step(monkeypatch)
    winner = open_store(home)  # migrates, backing up the file as it was
    backup = old_file.with_name(f"habit.db.v{current}.bak")
    assert _version(backup) == current

    loser = store_module.Store(store_module.make_engine(old_file), old_file)
    monkeypatch.setattr(loser, "user_version", lambda: current)  # what it saw a moment ago
    loser.migrate()  # no "table already exists", no second backup over the first

    assert _version(backup) == current
    assert _version(old_file) == current + 1
    assert not list(home.root.glob("habit.db.v*-2.bak"))
    winner.close()
    loser.close()


def test_an_older_backup_copy_is_never_replaced(home, old_file, monkeypatch):
    open_store(home).close()
    current = _version(old_file)
    earlier = old_file.with_name(f"habit.db.v{current}.bak")
    earlier.write_bytes(b"an earlier copy")
    _with_extra_step(monkeypatch)
    open_store(home).close()
    assert earlier.read_bytes() == b"an earlier copy"
    assert _version(old_file.with_name(f"habit.db.v{current}-2.bak")) == current


def test_a_user_opening_an_old_file_sees_every_entry_and_is_told_where_the_copy_is(habit, home, old_file):
    result = habit("history")
    for text in ("sent the email I was avoiding", "asked for help — and it was fine",
                 "'; DROP TABLE entry; --"):
        assert text in result.stdout
    copy = old_file.with_name("habit.db.v1.bak")
    if SCHEMA_VERSION > 1:
        assert f"the old one is kept as {copy}." in result.stderr
        assert _version(copy) == 1
    assert "still counts" in result.stderr  # the block the old file left running, closed
    again = habit("history")
    assert "updated" not in again.stderr  # said once, on the upgrade only
