"""The schema in one place, standard library only: its version, the PRAGMAs every connection
runs, the DDL that creates and migrates a data file, and the statements both stores share.

Both stores (habit.db.light on plain sqlite3, habit.db.store on SQLModel) take every constant from
here; habit.db.models describes the same tables for SQLAlchemy, and
tests/unit/test_migrations.py checks that a file built by MIGRATIONS equals what models.py says.
Times are stored as SQLAlchemy's SQLite DateTime stores them through models.UTCDateTime: UTC, no
offset, "YYYY-MM-DD HH:MM:SS.ffffff".
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from habit.records import ENTRY_KINDS, EntryRecord

SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"
PRAGMAS = (
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)

# ---------------------------------------------------------------- DDL

# Schema 1 as first released, frozen: never edit it. A change to the tables needs a new step
# appended to MIGRATIONS (and the same change in models.py; tests/unit/test_migrations.py compares).
# IF NOT EXISTS: a pre-release file has these tables at user_version 0; step 1 then only stamps it.
SCHEMA_1 = (
    """CREATE TABLE IF NOT EXISTS block (
	id INTEGER NOT NULL,
	uid VARCHAR NOT NULL,
	commitment_id VARCHAR,
	started_at DATETIME NOT NULL,
	planned_minutes INTEGER NOT NULL,
	goal VARCHAR NOT NULL,
	label VARCHAR,
	status VARCHAR NOT NULL,
	last_seen_at DATETIME NOT NULL,
	ended_at DATETIME,
	actual_seconds INTEGER,
	PRIMARY KEY (id),
	UNIQUE (uid)
)""",
    "CREATE INDEX IF NOT EXISTS ix_block_started_at ON block (started_at)",
    """CREATE TABLE IF NOT EXISTS reminder (
	id INTEGER NOT NULL,
	commitment_id VARCHAR NOT NULL,
	due_at DATETIME NOT NULL,
	sent_at DATETIME NOT NULL,
	channel VARCHAR NOT NULL,
	title VARCHAR NOT NULL,
	body VARCHAR NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (commitment_id, due_at)
)""",
    "CREATE INDEX IF NOT EXISTS ix_reminder_due_at ON reminder (due_at)",
    "CREATE INDEX IF NOT EXISTS ix_reminder_commitment_id ON reminder (commitment_id)",
    """CREATE TABLE IF NOT EXISTS entry (
	id INTEGER NOT NULL,
	uid VARCHAR NOT NULL,
	kind VARCHAR NOT NULL,
	text VARCHAR NOT NULL,
	at DATETIME NOT NULL,
	created_at DATETIME NOT NULL,
	commitment_id VARCHAR,
	block_id INTEGER,
	peer VARCHAR,
	reply VARCHAR,
	PRIMARY KEY (id),
	UNIQUE (uid),
	FOREIGN KEY(block_id) REFERENCES block (id) ON DELETE SET NULL
)""",
    "CREATE INDEX IF NOT EXISTS ix_entry_at ON entry (at)",
    "CREATE INDEX IF NOT EXISTS ix_entry_kind_at ON entry (kind, at)",
)



# Every command looks for running blocks when it opens the store, and `undo` for the entry saved
# last: at 20,000 blocks / 100,000 entries these were 10 ms / 68 ms scans, now 0.01 ms.
SCHEMA_2 = (
    "CREATE INDEX ix_block_running ON block (status) WHERE status = 'running'",
    "CREATE INDEX ix_entry_created_at ON entry (created_at)",
)

# MIGRATIONS[n] takes a file at schema n to n+1. Append, never edit, a released step.
MIGRATIONS: tuple[tuple[str, ...], ...] = (SCHEMA_1, SCHEMA_2)

# ---------------------------------------------------------------- statements

INSERT_ENTRY = (
    "INSERT INTO entry (uid, kind, text, at, created_at, commitment_id, block_id, peer, reply) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Served by ix_entry_kind_at.
COUNT_ENTRIES = "SELECT count(*) FROM entry WHERE entry.kind = ? AND entry.at >= ? AND entry.at < ?"
# Served by the partial index ix_block_running (schema 2).
RUNNING_BLOCKS = "SELECT block.uid FROM block WHERE block.status = 'running'"


def to_text(moment: datetime) -> str:
    """An aware time as stored: UTC, naive, microseconds always written (SQLAlchemy's format)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused: every stored time is timezone-aware")
    utc = moment.astimezone(UTC)
    return (f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} "
            f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}")


def from_text(value: str) -> datetime:
    """The inverse of to_text: an aware UTC time."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def entry_values(record: EntryRecord) -> tuple:
    """INSERT_ENTRY's parameters for a record (its id is the database's to give)."""
    return (record.uid, record.kind, record.text, to_text(record.at), to_text(record.created_at),
            record.commitment_id, record.block_id, record.peer, record.reply)


def count_values(kind: str, since: datetime, until: datetime) -> tuple:
    return (kind, to_text(since), to_text(until))


def new_uid() -> str:
    return uuid.uuid4().hex


def new_entry(kind: str, text: str, at: datetime, *, created_at: datetime,
              commitment_id: str | None = None, block_id: int | None = None,
              peer: str | None = None, reply: str | None = None,
              uid: str | None = None) -> EntryRecord:
    """The record as it will read back (times aware UTC), id 0 until inserted. Every entry row
    (the light store, the full store, import) is built here and written by INSERT_ENTRY."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown entry kind {kind!r}")
    to_text(at), to_text(created_at)  # refuse naive times before anything is written
    return EntryRecord(0, uid or new_uid(), kind, text, at.astimezone(UTC),
                       created_at.astimezone(UTC), commitment_id, block_id, peer, reply)


def with_id(record: EntryRecord, row_id: int) -> EntryRecord:
    return replace(record, id=int(row_id))
