"""The light store (plain sqlite3) and the full store write and read entry rows identically, and the
light one steps aside whenever the file needs the full store (create, migrate, recover, errors)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from habit.blocklock import hold
from habit.db import schema
from habit.db.light import LightStore, open_light
from habit.db.models import Entry
from habit.db.store import open_store
from habit.paths import ensure_home

FIXTURE = Path(__file__).parents[1] / "fixtures" / "habit-schema1.db"
TOKYO = ZoneInfo("Asia/Tokyo")
MOMENTS = [
    datetime(2026, 11, 19, 13, 0, tzinfo=UTC),
    datetime(2026, 11, 19, 22, 5, 7, 123456, tzinfo=TOKYO),  # another zone, microseconds
    datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(2026, 3, 29, 2, 30, tzinfo=ZoneInfo("Europe/Berlin")),  # the spring-forward gap
]
COLUMNS = "kind, text, at, created_at, commitment_id, block_id, peer, reply"


@pytest.fixture
def ready(home):
    ensure_home(home)
    full = open_store(home)
    yield full
    full.close()


def _raw(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT uid, {COLUMNS} FROM entry ORDER BY id").fetchall()  # noqa: S608


def _light(home, fallback=None) -> LightStore:
    light = open_light(home, fallback=fallback)
    assert light is not None
    return light


def test_the_light_store_writes_the_very_text_sqlalchemy_writes(home, ready):
    """The ORM's own DateTime through UTCDateTime, against the light store, byte for byte."""
    light = _light(home)
    try:
        for n, moment in enumerate(MOMENTS):
            with Session(ready.engine) as session:
                session.add(Entry(uid=f"orm{n}", kind="win", text="ü 🌱\nx", at=moment,
                                  created_at=moment + timedelta(seconds=1), commitment_id="c",
                                  peer=None, reply="r"))
                session.commit()
            light.add_entry("win", "ü 🌱\nx", moment, created_at=moment + timedelta(seconds=1),
                            commitment_id="c", reply="r", uid=f"light{n}")
    finally:
        light.close()
    rows = _raw(home.db)
    orm = [row[1:] for row in rows if row[0].startswith("orm")]
    plain = [row[1:] for row in rows if row[0].startswith("light")]
    assert orm == plain
    assert orm[1][2] == "2026-11-19 13:05:07.123456"  # UTC, no offset, microseconds


def test_a_row_written_light_reads_back_identical_through_the_full_store(home, ready):
    light = _light(home)
    try:
        written = [light.add_entry(kind, f"{kind} text", moment, created_at=moment,
                                   commitment_id="c1", peer="Sam" if kind == "peer" else None)
                   for kind, moment in zip(("win", "proud", "pause", "peer"), MOMENTS, strict=True)]
    finally:
        light.close()
    read = ready.entries()
    assert sorted(read, key=lambda e: e.id) == written
    assert all(e.at.tzinfo is UTC and e.created_at.tzinfo is UTC for e in read)
    assert [ready.get_entry(e.id) for e in written] == written


def test_a_row_written_by_the_full_store_counts_alike_both_ways(home, ready):
    for moment in MOMENTS:
        ready.add_entry("proud", "x", moment, created_at=moment)
    back = ready.entries()
    assert [e.at for e in back] == sorted(m.astimezone(UTC) for m in MOMENTS)
    light = _light(home)
    try:
        for since, until in [(MOMENTS[0], MOMENTS[0] + timedelta(hours=1)),
                             (MOMENTS[2], MOMENTS[0] + timedelta(microseconds=1)),
                             (MOMENTS[1], MOMENTS[1] + timedelta(microseconds=1)),
                             (MOMENTS[1] + timedelta(microseconds=1), MOMENTS[0] + timedelta(days=1))]:
            assert light.count_entries("proud", since, until) == ready.count_entries(
                "proud", since, until)
        assert light.count_entries("win", MOMENTS[2], MOMENTS[0] + timedelta(days=1)) == 0
    finally:
        light.close()


def test_naive_times_and_unknown_kinds_are_refused_before_anything_is_written(home, ready):
    light = _light(home)
    try:
        with pytest.raises(ValueError, match="naive"):
            light.add_entry("win", "x", datetime(2026, 1, 1), created_at=MOMENTS[0])
        with pytest.raises(ValueError, match="kind"):
            light.add_entry("nap", "x", MOMENTS[0], created_at=MOMENTS[0])
    finally:
        light.close()
    assert ready.entries() == []


def test_the_light_connection_has_the_stores_pragmas(home, ready):
    light = _light(home)
    try:
        pragma = lambda name: light.conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
        assert (pragma("busy_timeout"), pragma("journal_mode"), pragma("synchronous"),
                pragma("foreign_keys")) == (schema.BUSY_TIMEOUT_MS, "wal", 2, 1)
    finally:
        light.close()


def test_an_sqlite_error_mid_write_is_handed_to_the_full_store_once(home, ready):
    light = _light(home, fallback=lambda: ready)
    light.conn.close()  # any sqlite3.Error: here "cannot operate on a closed database"
    entry = light.add_entry("win", "kept", MOMENTS[0], created_at=MOMENTS[0])
    assert [e.text for e in ready.entries()] == ["kept"]
    assert ready.entries() == [entry]
    assert light.count_entries("win", MOMENTS[0], MOMENTS[0] + timedelta(seconds=1)) == 1


# ---------------------------------------------------------------- when the full store takes over


def test_no_file_yet_is_the_full_stores_to_create(habit, home):
    assert open_light(home) is None
    result = habit("log", "the very first line")
    assert "Saved your win" in result.output
    assert home.db.exists()
    assert open_light(home) is not None


def test_an_old_file_is_migrated_by_the_full_store(habit, home, ctx):
    ensure_home(home)
    shutil.copy(FIXTURE, home.db)
    assert open_light(home) is None
    result = habit("log", "after the upgrade")
    assert "Saved your win" in result.output
    assert "the old one is kept as" in result.output
    with sqlite3.connect(home.db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert ctx.store().entries(newest_first=True)[0].text == "after the upgrade"


def test_a_block_left_running_by_a_killed_process_is_recovered_and_said(habit, home, ready, clock):
    block = ready.start_block(started_at=clock.now() - timedelta(minutes=7), planned_minutes=25)
    assert open_light(home) is None  # nobody holds its lock: an orphan
    result = habit("log", "still here")
    assert "Saved your win" in result.output
    assert "still counts" in result.output
    assert ready.get_block(block.id).status == "interrupted"
    assert open_light(home) is not None


def test_a_block_still_running_elsewhere_does_not_stop_the_light_path(home, ready, clock):
    block = ready.start_block(started_at=clock.now(), planned_minutes=25)
    with hold(home, block.uid):
        light = open_light(home)
        assert light is not None
        light.close()
    assert ready.get_block(block.id).status == "running"


@pytest.mark.parametrize("content", [b"", b"not a database at all, just words\n",
                                     b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_file_that_is_not_a_ready_database_is_left_to_the_full_store(home, content):
    ensure_home(home)
    home.db.write_bytes(content)
    assert open_light(home) is None


def test_a_file_from_a_newer_habit_is_left_untouched(habit, home, ready):
    with sqlite3.connect(home.db) as conn:
        conn.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION + 1}")
    assert open_light(home) is None
    result = habit("log", "x", ok=False)
    assert result.exit_code != 0
    assert "newer habit" in result.output
    assert _raw(home.db) == []
