"""SQLModel tables and the UTC datetime column type; nothing else.

The same tables habit.db.schema's DDL creates (tests/unit/test_migrations.py compares them).
Only habit.db.store opens sessions on them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Column, Field, SQLModel


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and gives them back aware; refuses naive ones."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: every stored time is timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _utc_column(*, nullable: bool = False, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Block(SQLModel, table=True):
    """A focus block: started, then completed or interrupted (never lost)."""

    __tablename__ = "block"
    # Opening the store looks for running blocks (orphan recovery) on every command: a partial
    # index keeps that lookup as small as the running set, not the years of history (schema 2).
    __table_args__ = (Index("ix_block_running", "status", sqlite_where=text("status = 'running'")),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    commitment_id: str | None = None
    started_at: datetime = Field(sa_column=_utc_column(index=True))
    planned_minutes: int
    goal: str = ""
    label: str | None = None
    status: str = "running"  # running | completed | interrupted
    last_seen_at: datetime = Field(sa_column=_utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=_utc_column(nullable=True))
    actual_seconds: int | None = None


class Entry(SQLModel, table=True):
    """One logged moment: a win, a proud thing, a pause, a peer check, a reflection, a step."""

    __tablename__ = "entry"
    __table_args__ = (Index("ix_entry_kind_at", "kind", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    kind: str
    text: str = ""
    at: datetime = Field(sa_column=_utc_column(index=True))
    created_at: datetime = Field(sa_column=_utc_column(index=True))  # `undo`: the last saved (schema 2)
    commitment_id: str | None = None
    block_id: int | None = Field(default=None, foreign_key="block.id", ondelete="SET NULL")
    peer: str | None = None
    reply: str | None = None


class Reminder(SQLModel, table=True):
    """A reminder that went out: which commitment, when it was due, when and how it was sent."""

    __tablename__ = "reminder"
    # One row per commitment and due time: a repeated fire (DST fold, restart) cannot send twice.
    __table_args__ = (UniqueConstraint("commitment_id", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: str = Field(index=True)
    due_at: datetime = Field(sa_column=_utc_column(index=True))
    sent_at: datetime = Field(sa_column=_utc_column())
    channel: str
    title: str = ""
    body: str = ""
