"""Entry rows in plain SQL on the standard library's sqlite3: the one place they are written.

`Store.add_entry` runs INSERT_ENTRY inside its own SQLAlchemy transaction; `LightStore` runs the
very same statement on a bare sqlite3 connection, so `habit log/proud/pause` (and the reminder
service taking them over its socket) never import SQLAlchemy, SQLModel or pydantic (~0.4 s and
~30 MiB). Times are stored as SQLAlchemy's SQLite DateTime stores them through
habit.models.UTCDateTime: UTC, no offset, "YYYY-MM-DD HH:MM:SS.ffffff" (tests compare the two).

The light store never creates or migrates anything: it opens only an existing SQLite file at
exactly SCHEMA_VERSION with no focus block left running by a dead process. Everything else (no
file yet, another version, a block to recover, any SQLite error) goes to the full store, which
creates, migrates, recovers and words the problem in one line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The schema this SQL was written for (= habit.models.SCHEMA_VERSION; a test keeps them equal).
# A file at any other version is left to the full store.
SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 10_000  # = habit.store.BUSY_TIMEOUT_MS
_SQLITE_MAGIC = b"SQLite format 3\x00"
PRAGMAS = (
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)

INSERT_ENTRY = (
    "INSERT INTO entry (uid, kind, text, at, created_at, commitment_id, block_id, peer, reply) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Served by ix_entry_kind_at.
COUNT_ENTRIES = "SELECT count(*) FROM entry WHERE entry.kind = ? AND entry.at >= ? AND entry.at < ?"
# Served by the partial index ix_block_running (schema 2).
RUNNING_BLOCKS = "SELECT block.uid FROM block WHERE block.status = 'running'"


@dataclass(frozen=True)
class EntryRecord:
    id: int
    uid: str
    kind: str
    text: str
    at: datetime
    created_at: datetime
    commitment_id: str | None = None
    block_id: int | None = None
    peer: str | None = None
    reply: str | None = None


def to_text(moment: datetime) -> str:
    """An aware time as stored: UTC, naive, microseconds always written (SQLAlchemy's format)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused: every stored time is timezone-aware")
    utc = moment.astimezone(UTC)
    return (f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} "
            f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}")


def entry_values(record: EntryRecord) -> tuple:
    """INSERT_ENTRY's parameters for a record (its id is the database's to give)."""
    return (record.uid, record.kind, record.text, to_text(record.at), to_text(record.created_at),
            record.commitment_id, record.block_id, record.peer, record.reply)


def count_values(kind: str, since: datetime, until: datetime) -> tuple:
    return (kind, to_text(since), to_text(until))


def new_entry(kind: str, text: str, at: datetime, *, created_at: datetime,
              commitment_id: str | None = None, block_id: int | None = None,
              peer: str | None = None, reply: str | None = None,
              uid: str | None = None) -> EntryRecord:
    """The record as it will read back (times aware UTC), id 0 until inserted."""
    import uuid

    to_text(at), to_text(created_at)  # refuse naive times before anything is written
    return EntryRecord(0, uid or uuid.uuid4().hex, kind, text, at.astimezone(UTC),
                       created_at.astimezone(UTC), commitment_id, block_id, peer, reply)


def with_id(record: EntryRecord, row_id: int) -> EntryRecord:
    from dataclasses import replace

    return replace(record, id=int(row_id))


# ---------------------------------------------------------------- the light store


class Unavailable(Exception):
    """The light path cannot be used here; the full store takes over."""


class LightStore:
    """What habit.logs' quick writes need (add_entry, count_entries), duck-typed like Store.

    `fallback` gives the full store: any SQLite error here (busy, full disk, damage) is handed to
    it, so the user gets the full store's retries and its one-line messages. A failed write was
    rolled back, so handing it over never saves a line twice.
    """

    def __init__(self, conn: sqlite3.Connection, db: Path,
                 fallback: Callable[[], Any] | None = None) -> None:
        self.conn = conn
        self.db = db
        self._fallback = fallback

    def _full(self, err: Exception) -> Any:
        if self._fallback is None:
            raise Unavailable(str(err)) from err
        return self._fallback()

    def add_entry(self, kind: str, text: str, at: datetime, *, created_at: datetime,
                  **fields: Any) -> EntryRecord:
        from habit.logs import ENTRY_KINDS

        if kind not in ENTRY_KINDS:
            raise ValueError(f"unknown entry kind {kind!r}")
        record = new_entry(kind, text, at, created_at=created_at, **fields)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                row_id = self.conn.execute(INSERT_ENTRY, entry_values(record)).lastrowid
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as err:
            return self._full(err).add_entry(kind, text, at, created_at=created_at,
                                             **{**fields, "uid": record.uid})
        return with_id(record, row_id)

    def count_entries(self, kind: str, since: datetime, until: datetime) -> int:
        try:
            return int(self.conn.execute(COUNT_ENTRIES, count_values(kind, since, until))
                       .fetchone()[0])
        except sqlite3.Error as err:
            return self._full(err).count_entries(kind, since, until)

    def close(self) -> None:
        self.conn.close()


def open_light(paths: Any, fallback: Callable[[], Any] | None = None) -> LightStore | None:
    """The light store on `paths.db`, or None when the full store must open it (see above)."""
    db = Path(paths.db)
    try:
        with db.open("rb") as handle:
            if handle.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                return None
    except OSError:
        return None
    conn = None
    try:
        conn = sqlite3.connect(db, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(PRAGMAS[0])
        if int(conn.execute("PRAGMA user_version").fetchone()[0]) != SCHEMA_VERSION:
            conn.close()
            return None
        if _orphans(paths, [uid for (uid,) in conn.execute(RUNNING_BLOCKS)]):
            conn.close()
            return None
        for pragma in PRAGMAS[1:]:
            conn.execute(pragma)
    except sqlite3.Error:
        if conn is not None:
            conn.close()
        return None
    return LightStore(conn, db, fallback)


def _orphans(paths: Any, uids: list[str]) -> bool:
    """A running block whose process is gone: the full store closes it and says so."""
    if not uids:
        return False
    from habit.blocklock import is_alive

    return not all(is_alive(paths, uid) for uid in uids)
