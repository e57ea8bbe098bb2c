"""The full store on SQLModel: creates and migrates files (with habit.db.schema's DDL), blocks,
reminders, import, edit, backup. Entry rows go in through schema.INSERT_ENTRY, as in the light store.

Sessions are short; every function returns plain frozen records (habit.records), never ORM rows.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event, func
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlmodel import Session, create_engine, select

from habit.db import schema
from habit.db.models import Block, Entry, Reminder
from habit.db.schema import BUSY_TIMEOUT_MS, MIGRATIONS, SCHEMA_VERSION, new_uid
from habit.errors import NotFound, StoreError
from habit.paths import HomePaths, ensure_home
from habit.records import BlockRecord, EntryRecord, ReminderRecord

T = TypeVar("T")


# ---------------------------------------------------------------- records


def _entry(row: Entry) -> EntryRecord:
    return EntryRecord(
        row.id, row.uid, row.kind, row.text, row.at, row.created_at, row.commitment_id,
        row.block_id, row.peer, row.reply,
    )


def _block(row: Block) -> BlockRecord:
    return BlockRecord(
        row.id, row.uid, row.commitment_id, row.started_at, row.planned_minutes, row.goal,
        row.label, row.status, row.last_seen_at, row.ended_at, row.actual_seconds,
    )


def _insert_entry(session: Session, record: EntryRecord) -> EntryRecord:
    """The one INSERT of entry rows on this store: the same statement the light store runs."""
    result = session.connection().exec_driver_sql(schema.INSERT_ENTRY, schema.entry_values(record))
    return schema.with_id(record, result.lastrowid)


def _reminder(row: Reminder) -> ReminderRecord:
    return ReminderRecord(
        row.id, row.commitment_id, row.due_at, row.sent_at, row.channel, row.title, row.body
    )


# ---------------------------------------------------------------- opening


def open_store(paths: HomePaths, *, create: bool = True) -> Store:
    """Open (and if needed create and migrate) the data file. Never overwrites a foreign file."""
    db = paths.db
    exists = db.exists()
    if exists:
        _check_header(db)
        _check_version(db)
    elif not create:
        raise StoreError(f"no data yet at {db}; run `habit init` or log something first.")
    else:
        ensure_home(paths)
        _create_private_file(db)
    engine = make_engine(db)
    store = Store(engine, db)
    store.migrate()
    return store


def open_for_reading(paths: HomePaths) -> Store | None:
    """For commands that only read: None when there is no data file (nothing is created); the
    normal store when it can be opened; otherwise, when its folder cannot be written (a read-only
    or immutable copy), the file opened read-only (`mode=ro&immutable=1`: no -wal or -shm needed,
    and no one can be writing to a folder that cannot be written)."""
    if not paths.db.exists():
        return None
    try:
        return open_store(paths, create=False)
    except StoreError as err:
        if not isinstance(err, ReadOnlyData):
            raise
        first = err
    _check_header(paths.db)
    try:
        conn = sqlite3.connect(_read_only_uri(paths.db), uri=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        raise first from None
    if version != SCHEMA_VERSION:
        raise StoreError(f"{paths.db} needs an upgrade for this habit, and its folder is read-only; "
                         "it was left untouched. Open it once where it can be written.")
    return Store(make_engine(paths.db, read_only=True), paths.db, read_only=True)


def _read_only_uri(db: Path) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(db))}?mode=ro&immutable=1"


def _check_header(db: Path) -> None:
    try:
        with db.open("rb") as handle:
            head = handle.read(len(schema.SQLITE_MAGIC))
    except IsADirectoryError as err:
        raise StoreError(f"{db} is a folder, not a habit data file; it was left untouched. "
                         "Move it away or set HABIT_HOME to another folder.") from err
    except OSError as err:
        raise StoreError(f"cannot read {db} ({err.strerror}); check its permissions.") from err
    if head and head != schema.SQLITE_MAGIC:
        raise StoreError(
            f"{db} is not a habit data file (not SQLite); it was left untouched. "
            "Move it away or set HABIT_HOME to another folder."
        )


def _check_version(db: Path) -> None:
    """Refuse a newer schema before anything (even WAL mode) writes to the file."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as err:
        raise translate(err, db) from err
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{db} was written by a newer habit (schema {version}, this one knows "
            f"{SCHEMA_VERSION}); it was left untouched. Upgrade habit to open it."
        )


def _create_private_file(db: Path) -> None:
    try:
        fd = os.open(db, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as err:
        raise StoreError(
            f"cannot create {db} ({err.strerror}); set HABIT_HOME to a folder you can write."
        ) from err


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass  # could not be created there in the first place (a read-only folder)


def _place_new(tmp: Path, target: Path) -> None:
    """Move a finished copy into place without ever replacing a file already there."""
    try:
        os.link(tmp, target)  # fails if target exists, atomically
    except FileExistsError:
        raise
    except OSError:
        if target.exists():  # a file system without hard links: check, then rename
            raise FileExistsError(target) from None
        os.replace(tmp, target)
        return
    tmp.unlink()


def make_engine(db: Path, *, read_only: bool = False):
    url = f"sqlite:///{_read_only_uri(db)}&uri=true" if read_only else f"sqlite:///{db}"
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cursor = dbapi_conn.cursor()
        for pragma in schema.PRAGMAS:  # busy_timeout, WAL, synchronous=FULL, foreign_keys
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        # Writers take the lock up front, so a read-then-write never dead-ends on "locked".
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def translate(err: Exception, db: Path) -> StoreError:
    """Turn a SQLite failure into one line the user can act on."""
    text = str(getattr(err, "orig", err)).lower()
    if "full" in text or ("i/o error" in text and _nearly_full(db)):
        return StoreError(
            f"the disk holding {db} is full; nothing new was saved. Free some space and try again."
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyData(f"{db} is read-only; nothing new was saved. Check its permissions.")
    if "locked" in text or "busy" in text:
        return StoreError(f"{db} is busy in another program; nothing new was saved. Try again.")
    if "not a database" in text or "malformed" in text:
        return StoreError(
            f"{db} is damaged or not a habit data file; it was left untouched. "
            "Restore a backup or move it away."
        )
    if "unable to open" in text:
        return ReadOnlyData(f"cannot open {db}; check that its folder exists and is writable.")
    if "i/o error" in text:
        return StoreError(f"the disk holding {db} could not be read or written; nothing new was "
                          "saved. Check the disk (space, a removed drive) and try again.")
    return StoreError(f"the data file {db} could not be used ({text}).")


def _nearly_full(db: Path) -> bool:
    """SQLite reports a full disk as an I/O error when its -shm file cannot grow."""
    try:
        stats = os.statvfs(db.parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 1024 * 1024


# ---------------------------------------------------------------- the store


class ReadOnlyData(StoreError):
    """The data file or its folder cannot be written; reading may still work (open_for_reading)."""


class Store:
    def __init__(self, engine, db: Path, *, read_only: bool = False) -> None:
        self.engine = engine
        self.db = db
        self.read_only = read_only
        self.upgrade_copy: Path | None = None  # set when opening migrated the file (after a copy)

    # -- plumbing
    @contextmanager
    def _session(self, *, write: bool = False) -> Iterator[Session]:
        bind = self.engine.execution_options(immediate=True) if write else self.engine
        try:
            with Session(bind, expire_on_commit=False) as session:
                yield session
                if write:
                    session.commit()
        except IntegrityError:
            raise
        except (OperationalError, DatabaseError) as err:
            raise translate(err, self.db) from err

    def _write(self, action: Callable[[Session], T]) -> T:
        """Run one short write transaction, retrying a few times if another writer holds it."""
        for attempt in range(5):
            try:
                with self._session(write=True) as session:
                    return action(session)
            except StoreError as err:
                if "busy" not in str(err) or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _read(self, action: Callable[[Session], T]) -> T:
        with self._session() as session:
            return action(session)

    def close(self) -> None:
        self.engine.dispose()

    # -- schema
    def user_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)

    def migrate(self) -> None:
        try:
            version = self.user_version()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.db} was written by a newer habit (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}); it was left untouched. Upgrade habit to open it."
                )
            if version == SCHEMA_VERSION:
                return
            # Under the write lock, and looking again: the service and the CLI may both open an old
            # file at once; the second waits here, then finds it migrated (and its backup intact).
            with self.engine.execution_options(immediate=True).begin() as conn:
                version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
                if version == SCHEMA_VERSION:
                    return
                tables = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='table'")
                if version > 0 or tables.scalar():
                    self.upgrade_copy = self.backup_to(self._free_name(f"{self.db.name}.v{version}", ".bak"))
                for step in MIGRATIONS[version:SCHEMA_VERSION]:
                    for statement in step:
                        conn.exec_driver_sql(statement)
                conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OperationalError, DatabaseError) as err:
            raise translate(err, self.db) from err

    def _free_name(self, stem: str, suffix: str) -> Path:
        """habit.db.v1.bak, or habit.db.v1-2.bak if that is taken: an older copy is never replaced."""
        candidate, n = self.db.with_name(stem + suffix), 2
        while candidate.exists():
            candidate, n = self.db.with_name(f"{stem}-{n}{suffix}"), n + 1
        return candidate

    def _has_tables(self) -> bool:
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type='table'"
            ).scalar()
        return bool(rows)

    def integrity_check(self) -> str:
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())

    def backup_to(self, target: Path) -> Path:
        """A consistent copy via SQLite's online backup API, mode 0600, safe while others write."""
        target = Path(target)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600))
            source = (sqlite3.connect(_read_only_uri(self.db), uri=True) if self.read_only
                      else sqlite3.connect(self.db, timeout=BUSY_TIMEOUT_MS / 1000))
            dest = sqlite3.connect(tmp)
            try:
                source.backup(dest)
                dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
            finally:
                dest.close()
                source.close()
            os.chmod(tmp, 0o600)
            _place_new(tmp, target)
        except sqlite3.Error as err:
            _discard(tmp)
            if "full" in str(err).lower():
                raise StoreError(f"the disk holding {target} is full; no copy was made. "
                                 "Free some space and try again.") from err
            raise translate(err, target) from err
        except FileExistsError as err:
            _discard(tmp)
            raise StoreError(f"{target} already exists; habit will not overwrite it. "
                             "Choose another name.") from err
        except OSError as err:
            _discard(tmp)
            full = err.errno == errno.ENOSPC
            raise StoreError(
                f"the disk holding {target} is full; no copy was made. Free some space and try again."
                if full else f"cannot write {target} ({err.strerror}); no copy was made. "
                "Choose a folder you can write."
            ) from err
        except BaseException:
            _discard(tmp)
            raise
        return target

    # -- entries
    def add_entry(
        self, kind: str, text: str, at: datetime, *, created_at: datetime,
        commitment_id: str | None = None, block_id: int | None = None,
        peer: str | None = None, reply: str | None = None, uid: str | None = None,
    ) -> EntryRecord:
        record = schema.new_entry(
            kind, text, at, created_at=created_at, commitment_id=commitment_id,
            block_id=block_id, peer=peer, reply=reply, uid=uid or new_uid(),
        )
        return self._write(lambda session: _insert_entry(session, record))

    def entries(
        self, *, since: datetime | None = None, until: datetime | None = None,
        kinds: Iterable[str] | None = None, limit: int | None = None, newest_first: bool = False,
    ) -> list[EntryRecord]:
        query = _in_window(select(Entry), Entry.at, since, until)
        if kinds is not None:
            query = query.where(Entry.kind.in_(list(kinds)))
        order = (Entry.at.desc(), Entry.id.desc()) if newest_first else (Entry.at, Entry.id)
        query = query.order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda s: [_entry(row) for row in s.exec(query)])

    def count_entries(self, kind: str, since: datetime, until: datetime) -> int:
        values = schema.count_values(kind, since, until)
        return self._read(lambda s: int(
            s.connection().exec_driver_sql(schema.COUNT_ENTRIES, values).scalar() or 0))

    def get_entry(self, entry_id: int) -> EntryRecord:
        def action(session: Session) -> EntryRecord:
            row = session.get(Entry, entry_id)
            if row is None:
                raise NotFound(f"there is no entry {entry_id}; `habit history` lists them.")
            return _entry(row)

        return self._read(action)

    def last_entry(self) -> EntryRecord | None:
        query = select(Entry).order_by(Entry.created_at.desc(), Entry.id.desc()).limit(1)
        return self._read(lambda s: next((_entry(r) for r in s.exec(query)), None))

    def delete_entry(self, entry_id: int) -> EntryRecord:
        def action(session: Session) -> EntryRecord:
            row = session.get(Entry, entry_id)
            if row is None:
                raise NotFound(f"there is no entry {entry_id}; nothing was removed.")
            record = _entry(row)
            session.delete(row)
            return record

        return self._write(action)

    def edit_entry(self, entry_id: int, text: str) -> EntryRecord:
        def action(session: Session) -> EntryRecord:
            row = session.get(Entry, entry_id)
            if row is None:
                raise NotFound(f"there is no entry {entry_id}; `habit history` lists them.")
            row.text = text
            session.add(row)
            session.flush()
            return _entry(row)

        return self._write(action)

    # -- blocks
    def start_block(
        self, *, started_at: datetime, planned_minutes: int, goal: str = "",
        label: str | None = None, commitment_id: str | None = None, uid: str | None = None,
    ) -> BlockRecord:
        row = Block(
            uid=uid or new_uid(), commitment_id=commitment_id, started_at=started_at,
            planned_minutes=planned_minutes, goal=goal, label=label, status="running",
            last_seen_at=started_at,
        )

        def action(session: Session) -> BlockRecord:
            session.add(row)
            session.flush()
            return _block(row)

        return self._write(action)

    def update_block(self, block_id: int, *, goal: str | None = None,
                     last_seen_at: datetime | None = None) -> BlockRecord:
        def action(session: Session) -> BlockRecord:
            row = self._block_row(session, block_id)
            if goal is not None:
                row.goal = goal
            if last_seen_at is not None and row.status == "running":
                row.last_seen_at = last_seen_at
            session.add(row)
            session.flush()
            return _block(row)

        return self._write(action)

    def finish_block(self, block_id: int, *, status: str, ended_at: datetime) -> BlockRecord:
        """Close a running block once; closing it again changes nothing (never counted twice)."""
        if status not in ("completed", "interrupted"):
            raise ValueError(status)

        def action(session: Session) -> BlockRecord:
            row = self._block_row(session, block_id)
            if row.status != "running":
                return _block(row)
            ended = max(ended_at, row.started_at)
            row.status = status
            row.ended_at = ended
            row.last_seen_at = ended
            row.actual_seconds = int(round((ended - row.started_at).total_seconds()))
            session.add(row)
            session.flush()
            return _block(row)

        return self._write(action)

    @staticmethod
    def _block_row(session: Session, block_id: int) -> Block:
        row = session.get(Block, block_id)
        if row is None:
            raise NotFound(f"there is no block {block_id}.")
        return row

    def get_block(self, block_id: int) -> BlockRecord:
        return self._read(lambda s: _block(self._block_row(s, block_id)))

    def running_blocks(self) -> list[BlockRecord]:
        query = select(Block).where(Block.status == "running").order_by(Block.started_at)
        return self._read(lambda s: [_block(row) for row in s.exec(query)])

    def blocks(self, *, since: datetime | None = None,
               until: datetime | None = None) -> list[BlockRecord]:
        query = select(Block)
        if since is not None:
            query = query.where(Block.started_at >= since)
        if until is not None:
            query = query.where(Block.started_at < until)
        query = query.order_by(Block.started_at, Block.id)
        return self._read(lambda s: [_block(row) for row in s.exec(query)])

    # -- reminders
    def add_reminder(
        self, *, commitment_id: str, due_at: datetime, sent_at: datetime, channel: str,
        title: str = "", body: str = "",
    ) -> ReminderRecord | None:
        """Record a reminder; None if this (commitment, due time) was already recorded."""
        row = Reminder(commitment_id=commitment_id, due_at=due_at, sent_at=sent_at,
                       channel=channel, title=title, body=body)

        def action(session: Session) -> ReminderRecord:
            session.add(row)
            session.flush()
            return _reminder(row)

        try:
            return self._write(action)
        except IntegrityError:
            return None

    def reminders(self, *, since: datetime | None = None, until: datetime | None = None,
                  commitment_id: str | None = None) -> list[ReminderRecord]:
        query = _in_window(select(Reminder), Reminder.due_at, since, until)
        if commitment_id is not None:
            query = query.where(Reminder.commitment_id == commitment_id)
        query = query.order_by(Reminder.due_at)
        return self._read(lambda s: [_reminder(row) for row in s.exec(query)])

    def last_reminder(self, commitment_id: str) -> ReminderRecord | None:
        query = (select(Reminder).where(Reminder.commitment_id == commitment_id)
                 .order_by(Reminder.due_at.desc()).limit(1))
        return self._read(lambda s: next((_reminder(r) for r in s.exec(query)), None))

    # -- whole-history operations (export / import)
    def all_rows(self) -> tuple[list[BlockRecord], list[EntryRecord]]:
        return self.blocks(), self.entries()

    def has_uid(self, table: str, uid: str) -> bool:
        model = {"block": Block, "entry": Entry}[table]
        query = select(func.count()).select_from(model).where(model.uid == uid)
        return self._read(lambda s: bool(s.exec(query).one()))

    def import_rows(self, blocks: list[dict], entries: list[dict]) -> tuple[int, int]:
        """Add exported rows in ONE transaction, skipping every uid already here (so importing
        twice adds nothing). Entries name their block by `block_uid`. Returns (blocks, entries) added.
        """
        def action(session: Session) -> tuple[int, int]:
            block_ids = dict(session.exec(select(Block.uid, Block.id)).all())
            entry_uids = set(session.exec(select(Entry.uid)).all())
            added_blocks = added_entries = 0
            for fields in blocks:
                if fields["uid"] in block_ids:
                    continue
                row = Block(**fields)
                session.add(row)
                session.flush()
                block_ids[row.uid] = row.id
                added_blocks += 1
            for fields in entries:
                values = dict(fields)
                block_uid = values.pop("block_uid", None)
                if values["uid"] in entry_uids:
                    continue
                kind, text, at = values.pop("kind"), values.pop("text"), values.pop("at")
                _insert_entry(session, schema.new_entry(
                    kind, text, at, **values, block_id=block_ids.get(block_uid) if block_uid else None))
                entry_uids.add(values["uid"])
                added_entries += 1
            return added_blocks, added_entries

        return self._write(action)

    def block_uids(self) -> dict[int, str]:
        return self._read(lambda s: {i: u for u, i in s.exec(select(Block.uid, Block.id)).all()})


def _in_window(query, column, since: datetime | None, until: datetime | None):
    """Rows with `column` in [since, until), either end open when None."""
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query
