"""When each commitment is due: pure wall-clock maths, and the APScheduler trigger built on it.

Why not APScheduler's CronTrigger: in Europe/Berlin it fires a daily 02:30 job twice on the autumn
fall-back day and skips 00:00-00:59 jobs the day after spring-forward (FACTS.md). Here every slot is
a local wall time resolved once with `fold=0`: a repeated 02:30 is the first one only, and a 02:30
that does not exist (spring) fires at 03:30, the same instant a clock would show after the jump.

Jitter (interval cues) is deterministic: a hash of the commitment and slot, so a dry run shows the
real time, a restart keeps it, and the reminder row's due time stays the nominal slot.

Nothing here imports APScheduler at module level; `trigger_for` loads it only when a service asks.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from habit.errors import UsageProblem
from habit.plans import WEEKDAYS, Commitment, Schedule, parse_hhmm

TIMED = ("daily", "weekdays", "weekly", "once", "interval")
MIN_GRACE_SECONDS = 60  # even "grace 0" allows the scheduler a minute to wake


@dataclass(frozen=True, order=True)
class Fire:
    """One reminder moment: `at` when it goes out, `due` the nominal slot (both aware UTC)."""

    at: datetime
    due: datetime


@dataclass(frozen=True)
class NextFire:
    commitment: Commitment
    fire: Fire | None  # None: no timer of its own (after another commitment, unscheduled, over)

    @property
    def at(self) -> datetime | None:
        return self.fire.at if self.fire else None

    def describe(self) -> str:
        return self.commitment.when()


# ---------------------------------------------------------------- slots


def is_timed(commitment: Commitment) -> bool:
    return commitment.schedule is not None and commitment.schedule.every in TIMED


def grace_seconds(commitment: Commitment) -> int:
    return max(commitment.grace * 60, MIN_GRACE_SECONDS)


def _slot_times(sched: Schedule) -> tuple[time, ...]:
    if sched.every == "interval":
        assert sched.between and sched.interval_minutes
        start, end = sched.between
        minute, last = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        times = []
        while minute < last:  # the window's end is a boundary, not a slot
            times.append(time(minute // 60, minute % 60))
            minute += sched.interval_minutes
        return tuple(times)
    return (sched.at,) if sched.at else ()


def _runs_on(sched: Schedule, day: date) -> bool:
    if sched.every in ("daily", "weekdays", "interval", "weekly"):
        return sched.runs_on_weekday(day.weekday())
    if sched.every == "once":
        return sched.date == day
    return False


def _jitter_limit(sched: Schedule) -> int:
    """Minutes either side; kept under half the interval so cues never swap order."""
    if sched.every != "interval" or not sched.jitter_minutes:
        return 0
    return min(sched.jitter_minutes, ((sched.interval_minutes or 0) - 1) // 2)


def _jitter(commitment_id: str, due: datetime, limit: int) -> timedelta:
    if limit <= 0:
        return timedelta(0)
    digest = hashlib.sha256(f"{commitment_id}|{due.isoformat()}".encode()).digest()
    return timedelta(minutes=int.from_bytes(digest[:4], "big") % (2 * limit + 1) - limit)


def local_slot(day: date, at: time, tz: tzinfo) -> datetime:
    """A local wall time as aware UTC: the first of a repeated time, the later side of a gap."""
    return datetime.combine(day, at, tzinfo=tz).replace(fold=0).astimezone(UTC)


def _fires_on(commitment: Commitment, day: date, tz: tzinfo) -> list[Fire]:
    sched = commitment.schedule
    if sched is None or sched.every not in TIMED or not _runs_on(sched, day):
        return []
    limit = _jitter_limit(sched)
    fires = []
    for at in _slot_times(sched):
        due = local_slot(day, at, tz)
        fires.append(Fire(due + _jitter(commitment.id, due, limit), due))
    return fires


def _days(start: date, step: int, count: int) -> Iterator[date]:
    for offset in range(count):
        yield start + timedelta(days=step * offset)


def next_fire(commitment: Commitment, after: datetime, tz: tzinfo, *,
              inclusive: bool = False) -> Fire | None:
    """The first fire strictly after `after` (or at it, with `inclusive`), or None."""
    sched = commitment.schedule
    if sched is None or sched.every not in TIMED:
        return None
    first = after.astimezone(tz).date() - timedelta(days=1)  # jitter may pull a slot back
    span = 3 if sched.every == "once" else 10
    if sched.every == "once":
        first = sched.date - timedelta(days=1) if sched.date else first
    for day in _days(first, 1, span):
        for fire in _fires_on(commitment, day, tz):
            if fire.at > after or (inclusive and fire.at == after):
                return fire
    return None


def previous_fire(commitment: Commitment, at_or_before: datetime, tz: tzinfo) -> Fire | None:
    """The latest fire at or before the given instant, or None."""
    sched = commitment.schedule
    if sched is None or sched.every not in TIMED:
        return None
    last = at_or_before.astimezone(tz).date() + timedelta(days=1)
    days: Iterable[date] = _days(last, -1, 10)
    if sched.every == "once":
        days = [sched.date] if sched.date else []
    for day in days:
        for fire in reversed(_fires_on(commitment, day, tz)):
            if fire.at <= at_or_before:
                return fire
    return None


def due_now(commitment: Commitment, now: datetime, tz: tzinfo) -> Fire | None:
    """The one fire that may still go out now: the latest one, if it is within its grace.

    Older ones are never sent: at most one reminder per commitment, never a burst.
    """
    fire = previous_fire(commitment, now, tz)
    if fire is None or (now - fire.at).total_seconds() > grace_seconds(commitment):
        return None
    return fire


def next_fires(commitments: Iterable[Commitment], now: datetime, tz: tzinfo) -> list[NextFire]:
    """A dry run: the next reminder of each commitment, soonest first; untimed ones last.

    `now` is aware; times in the result are aware UTC (convert with `habit.clock.to_local`).
    """
    found = [NextFire(item, next_fire(item, now, tz, inclusive=True)) for item in commitments]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(found, key=lambda nf: nf.at or far)


# ---------------------------------------------------------------- config overrides


_FULL_DAYS = {name: name[:3] for name in
              ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")}


class SlotProblem(UsageProblem):
    """A weekly slot that is not a weekday and a time."""


def with_peer_slot(commitments: Iterable[Commitment], slot: str | None) -> list[Commitment]:
    """`habit peer setup --slot "fri 16:00"` moves the peer check's weekly reminder there.

    A slot that does not read (typed into config.toml by hand) is a one-line SlotProblem, never
    silently the plan's slot or a guess from its first three letters.
    """
    if not slot:
        return list(commitments)
    day, at = parse_slot(slot)
    moved = []
    for item in commitments:
        if item.kind == "peer_check":
            item = replace(item, schedule=Schedule("weekly", at=at, day=day))
        moved.append(item)
    return moved


def weekday(text: str) -> str | None:
    """'fri', 'Friday' -> 'fri'; None for anything else (no guessing from a misspelling)."""
    day = text.strip().lower()
    day = _FULL_DAYS.get(day, day)
    return day if day in WEEKDAYS else None


def parse_slot(text: str) -> tuple[str, time]:
    """'fri 16:00' (any case, 'friday' too) -> ('fri', 16:00); one-line SlotProblem otherwise."""
    parts = text.strip().split()
    day = weekday(parts[0]) if parts else None
    at = parse_hhmm(_zero_pad(parts[1])) if len(parts) == 2 else None
    if len(parts) != 2 or day is None or at is None:
        raise SlotProblem(
            f"'{text.strip()}' is not a weekly slot; write a weekday and a 24-hour time, "
            'like "fri 16:00".'
        )
    return day, at


def _zero_pad(hhmm: str) -> str:
    return f"0{hhmm}" if len(hhmm) == 4 and hhmm[1] == ":" else hhmm


def summary_commitment(day: str, at: str, plan_id: str = "") -> Commitment | None:
    """The weekly summary as a pseudo-commitment, so it shares the trigger maths and grace."""
    from habit.plans import Source

    clock, day = parse_hhmm(at), weekday(day)
    if clock is None or day is None:
        return None
    return Commitment(
        id="weekly-summary", kind="summary", title="Your week is ready", plan_id=plan_id,
        source=Source("config.toml", 1, "summary"), grace_minutes=24 * 60,
        schedule=Schedule("weekly", at=clock, day=day),
    )


# ---------------------------------------------------------------- APScheduler


def trigger_for(commitment: Commitment, tz: tzinfo):
    """An APScheduler 3.x trigger for a timed commitment (None for `after` or no schedule)."""
    if not is_timed(commitment):
        return None
    return _trigger_class()(commitment, tz)


@functools.cache
def _trigger_class():
    from apscheduler.triggers.base import BaseTrigger

    class CommitmentTrigger(BaseTrigger):
        """Fires at `next_fire` of one commitment, in its wall-clock zone."""

        def __init__(self, commitment: Commitment, tz: tzinfo) -> None:
            self.commitment = commitment
            self.timezone = tz

        def get_next_fire_time(self, previous_fire_time, now):
            # Same contract as CronTrigger: after the previous fire, else from now on.
            if previous_fire_time is not None:
                fire = next_fire(self.commitment, previous_fire_time, self.timezone)
            else:
                fire = next_fire(self.commitment, now, self.timezone, inclusive=True)
            return fire.at.astimezone(self.timezone) if fire else None

        def __str__(self) -> str:
            sched = self.commitment.schedule
            return f"commitment[{self.commitment.id}: {sched.describe() if sched else '-'}]"

        def __repr__(self) -> str:
            return f"<CommitmentTrigger {self.commitment.id}>"

    return CommitmentTrigger
