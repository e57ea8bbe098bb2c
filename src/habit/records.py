"""The vocabulary at the bottom: the records every store returns, the entry kinds and their words,
and the Protocol for what the domain needs from a store. Standard library only.

Domain modules (habit.logs, habit.review, ...) type against `HabitStore`; both stores implement
it: the light one on plain sqlite3 (habit.db.light) and the SQLModel one (habit.db.store).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

ENTRY_KINDS = ("win", "proud", "pause", "peer", "reflection", "step", "experiment", "note")
KIND_WORDS = {
    "win": "win", "proud": "proud thing", "pause": "pause", "peer": "peer check",
    "reflection": "reflection", "step": "tiny step", "experiment": "experiment", "note": "note",
}
BLOCK_STATUSES = ("running", "completed", "interrupted")


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


@dataclass(frozen=True)
class BlockRecord:
    id: int
    uid: str
    commitment_id: str | None
    started_at: datetime
    planned_minutes: int
    goal: str
    label: str | None
    status: str
    last_seen_at: datetime
    ended_at: datetime | None
    actual_seconds: int | None

    @property
    def actual_minutes(self) -> int:
        """Whole minutes, rounded to nearest; a block under a minute still shows as 0."""
        return round((self.actual_seconds or 0) / 60)


@dataclass(frozen=True)
class ReminderRecord:
    id: int
    commitment_id: str
    due_at: datetime
    sent_at: datetime
    channel: str
    title: str
    body: str


class HabitStore(Protocol):
    """What the domain reads and writes; every time aware, every result a plain record."""

    def add_entry(self, kind: str, text: str, at: datetime, *, created_at: datetime,
                  commitment_id: str | None = None, block_id: int | None = None,
                  peer: str | None = None, reply: str | None = None,
                  uid: str | None = None) -> EntryRecord: ...

    def entries(self, *, since: datetime | None = None, until: datetime | None = None,
                kinds: Iterable[str] | None = None, limit: int | None = None,
                newest_first: bool = False) -> list[EntryRecord]: ...

    def count_entries(self, kind: str, since: datetime, until: datetime) -> int: ...

    def get_entry(self, entry_id: int) -> EntryRecord: ...

    def last_entry(self) -> EntryRecord | None: ...

    def delete_entry(self, entry_id: int) -> EntryRecord: ...

    def edit_entry(self, entry_id: int, text: str) -> EntryRecord: ...

    def blocks(self, *, since: datetime | None = None,
               until: datetime | None = None) -> list[BlockRecord]: ...

    def running_blocks(self) -> list[BlockRecord]: ...

    def reminders(self, *, since: datetime | None = None, until: datetime | None = None,
                  commitment_id: str | None = None) -> list[ReminderRecord]: ...

    def last_reminder(self, commitment_id: str) -> ReminderRecord | None: ...

    def close(self) -> None: ...


class FullStore(HabitStore, Protocol):
    """What only the SQLModel store does: the block lifecycle, reminders sent, import/export."""

    def start_block(self, *, started_at: datetime, planned_minutes: int, goal: str = "",
                    label: str | None = None, commitment_id: str | None = None,
                    uid: str | None = None) -> BlockRecord: ...

    def update_block(self, block_id: int, *, goal: str | None = None,
                     last_seen_at: datetime | None = None) -> BlockRecord: ...

    def finish_block(self, block_id: int, *, status: str, ended_at: datetime) -> BlockRecord: ...

    def get_block(self, block_id: int) -> BlockRecord: ...

    def add_reminder(self, *, commitment_id: str, due_at: datetime, sent_at: datetime,
                     channel: str, title: str = "", body: str = "") -> ReminderRecord | None: ...

    def all_rows(self) -> tuple[list[BlockRecord], list[EntryRecord]]: ...

    def import_rows(self, blocks: list[dict], entries: list[dict]) -> tuple[int, int]: ...
