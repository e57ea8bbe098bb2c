"""The light store: entry rows in plain SQL on the standard library's sqlite3.

`habit log/proud/pause` write through it, so they never import SQLAlchemy, SQLModel or pydantic
(~0.4 s and ~30 MiB). It runs habit.db.schema's statements, the very ones the full store runs.

The light store never creates or migrates anything: it opens only an existing SQLite file at
exactly SCHEMA_VERSION with no focus block left running by a dead process. Everything else (no
file yet, another version, a block to recover, any SQLite error) goes to the full store, which
creates, migrates, recovers and words the problem in one line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from habit.db.schema import (
    BUSY_TIMEOUT_MS,
    COUNT_ENTRIES,
    INSERT_ENTRY,
    PRAGMAS,
    RUNNING_BLOCKS,
    SCHEMA_VERSION,
    SQLITE_MAGIC,
    count_values,
    entry_values,
    new_entry,
    with_id,
)
from habit.records import EntryRecord

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
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
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
