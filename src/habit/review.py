"""The weekly review, computed (pure): what happened in one local ISO week, in plain counts.

Nothing here prints, opens a session or reads the clock; `habit.render` turns the result into
text, Markdown or JSON.

API for other modules (keep these signatures stable):

    fetch_week_records(store, week, tz, *, history=4) -> WeekRecords
        Entries, blocks and reminders of `week` and the `history` weeks before it: three indexed
        range queries (entry.at, block.started_at, reminder.due_at), so the cost follows the
        week, not the size of the history.

    compute_week(week, *, tz, now, commitments, peer, records) -> WeekReview
        Pure. `commitments` are the active ones (`catalog.commitments()`), `peer` is
        `config.peer` (a `PeerConfig`), `now` is the clock's aware UTC instant.

    review_week(store, week, *, tz, now, commitments, peer) -> WeekReview
        The two above in one call (what `habit review` uses); store=None gives an empty week.

    choose_week(text, *, last, now, tz) -> IsoWeek
        "2026-W47" / --last / the current local week; a bad value raises UsageProblem.

    share_facts(review) -> ShareFacts
        What a peer message needs: blocks started, focused minutes, up to two wins (the most
        recent, oldest first). `habit share` fills the plan's two-line template from it.

    peer_status(week, *, tz, now, peer, commitment, entries) -> PeerCheck
        The week's peer check: done (with whom, which day, the reply) or not yet, the slot
        (`config.peer.slot` like "fri 16:00", else the plan's peer_check schedule) and, once that
        slot has passed with no peer entry, the backup peer to name (`backup_due`). The reminder
        service uses this to name the backup in the next reminder.

    habit.render.markdown(review) -> str   (the weekly summary file; also text() and json_text())

How records are tied to commitments: a record tagged with an active commitment's id belongs to
it; an untagged record belongs to the first active commitment of the matching kind (a "proud"
entry to the first proud_journal, a block to the first focus_block). The start ritual counts the
days a block was started (the ritual leads into a block). A reminder counts as "acted on" when
something for its commitment was logged after it went out, before the next reminder for the same
commitment and within max(grace, 2 h).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from habit.errors import UsageProblem
from habit.plans import ENTRY_KIND_FOR
from habit.schedule import parse_slot
from habit.weeks import IsoWeek, local_day, local_midnight, parse_week, week_of

if TYPE_CHECKING:
    from habit.config import PeerConfig
    from habit.plans import Commitment
    from habit.records import BlockRecord, EntryRecord, HabitStore, ReminderRecord

HISTORY_WEEKS = 4
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
# Kinds counted as days (once a day is the rhythm) rather than as single records.
_DAY_KINDS = ("start_ritual", "daily_reflection")
_ACTED_WINDOW_MIN = 120


# ---------------------------------------------------------------- records in, review out


@dataclass(frozen=True)
class WeekRecords:
    """Rows from the store for a week and the weeks before it (oldest first)."""

    entries: tuple[EntryRecord, ...] = ()
    blocks: tuple[BlockRecord, ...] = ()
    reminders: tuple[ReminderRecord, ...] = ()


@dataclass(frozen=True)
class Note:
    """One logged line, with its local time."""

    kind: str
    text: str
    at: datetime  # local, aware
    peer: str | None = None
    reply: str | None = None
    commitment_id: str | None = None

    @property
    def day_name(self) -> str:
        return DAY_NAMES[self.at.weekday()]


@dataclass(frozen=True)
class CommitmentCount:
    id: str
    kind: str
    title: str
    count: int
    target: int | None  # from weekly_target, else the schedule (weekdays 5, daily 7, weekly 1...)
    unit: str  # "days", "blocks", "lines", "times", "entries"
    label: str | None = None  # e.g. "experiment"
    days: tuple[date, ...] = ()  # local days with something for it
    scheduled: bool = False  # has a schedule (prompted), as opposed to cued by the day itself
    planned: date | None = None  # the date of a one-time ("once") commitment


@dataclass(frozen=True)
class BlockSummary:
    started: int = 0
    completed: int = 0
    interrupted: int = 0
    running: int = 0
    focused_minutes: int = 0
    experiments: int = 0  # blocks labelled "experiment"


@dataclass(frozen=True)
class BlockItem:
    started_at: datetime  # local, aware
    planned_minutes: int
    minutes: int
    status: str
    goal: str
    label: str | None


@dataclass(frozen=True)
class PeerCheck:
    done: bool
    checks: tuple[Note, ...] = ()  # the peer entries this week
    peer: str | None = None  # configured peer
    backup: str | None = None  # configured backup
    slot: datetime | None = None  # this week's slot, local
    slot_passed: bool = False

    @property
    def backup_due(self) -> str | None:
        """The backup to name: the slot passed with no peer check logged."""
        if self.done or not self.slot_passed:
            return None
        return self.backup


@dataclass(frozen=True)
class ReminderSummary:
    sent: int = 0
    acted_on: int = 0


@dataclass(frozen=True)
class DayActivity:
    day: date
    entries: int
    blocks: int

    @property
    def total(self) -> int:
        return self.entries + self.blocks


@dataclass(frozen=True)
class TrendWeek:
    week: IsoWeek
    focused_minutes: int
    blocks: int
    entries: int


@dataclass(frozen=True)
class WeekReview:
    week: IsoWeek
    zone: str
    now: datetime  # local, aware: when the review was computed
    state: str  # "past" | "current" | "future"
    commitments: tuple[CommitmentCount, ...]
    blocks: BlockSummary
    block_items: tuple[BlockItem, ...]
    wins: tuple[Note, ...]
    proud: tuple[Note, ...]
    peer: PeerCheck | None  # None when no peer_check commitment is active and no peer is set
    pauses: tuple[Note, ...]
    reflections: tuple[Note, ...]
    other: tuple[Note, ...]  # steps, experiments, notes
    reminders: ReminderSummary
    days: tuple[DayActivity, ...]  # Monday to Sunday
    trend: tuple[TrendWeek, ...]  # the weeks before, oldest first, then this week

    @property
    def monday(self) -> date:
        return self.week.monday

    @property
    def sunday(self) -> date:
        return self.week.monday + timedelta(days=6)

    @property
    def is_empty(self) -> bool:
        return not any(day.total for day in self.days)

    @property
    def previous_average(self) -> float | None:
        """Mean focused minutes of the weeks before this one (None without history)."""
        before = self.trend[:-1]
        return sum(w.focused_minutes for w in before) / len(before) if before else None


@dataclass(frozen=True)
class ShareFacts:
    week: IsoWeek
    blocks: int
    focused_minutes: int
    wins: tuple[str, ...]  # up to two, oldest first


# ---------------------------------------------------------------- entry points


def choose_week(text: str | None, *, last: bool, now: datetime, tz: tzinfo) -> IsoWeek:
    """The week asked for: `--week 2026-W47`, `--last`, or the current local week."""
    if text and last:
        raise UsageProblem("use either --week or --last, not both.")
    current = week_of(now, tz)
    if last:
        return current.shifted(-1)
    return parse_week(text) if text else current


def week_range(week: IsoWeek, tz: tzinfo, *, history: int = HISTORY_WEEKS) -> tuple[datetime, datetime]:
    """UTC [start, end) covering `history` weeks before `week` and the week itself."""
    start, _ = week.shifted(-history).bounds(tz)
    _, end = week.bounds(tz)
    return start, end


def fetch_week_records(store: HabitStore, week: IsoWeek, tz: tzinfo, *,
                       history: int = HISTORY_WEEKS) -> WeekRecords:
    since, until = week_range(week, tz, history=history)
    return WeekRecords(
        entries=tuple(store.entries(since=since, until=until)),
        blocks=tuple(store.blocks(since=since, until=until)),
        reminders=tuple(store.reminders(since=since, until=until)),
    )


def review_week(store: HabitStore | None, week: IsoWeek, *, tz: tzinfo, now: datetime,
                commitments: Sequence[Commitment], peer: PeerConfig) -> WeekReview:
    """Fetch and compute; `store=None` (no data file yet) reviews an empty week."""
    records = fetch_week_records(store, week, tz) if store is not None else WeekRecords()
    return compute_week(week, tz=tz, now=now, commitments=commitments, peer=peer, records=records)


def share_facts(review: WeekReview) -> ShareFacts:
    wins = tuple(note.text for note in review.wins if note.text.strip())[-2:]
    return ShareFacts(review.week, review.blocks.started, review.blocks.focused_minutes, wins)


def compute_week(week: IsoWeek, *, tz: tzinfo, now: datetime, commitments: Sequence[Commitment],
                 peer: PeerConfig, records: WeekRecords) -> WeekReview:
    start, end = week.bounds(tz)
    entries = [e for e in records.entries if start <= e.at < end]
    blocks = [b for b in records.blocks if start <= b.started_at < end]
    reminders = [r for r in records.reminders if start <= r.due_at < end]
    active = list(commitments)
    owner = _Attribution(active)
    peer_item = next((c for c in active if c.kind == "peer_check"), None)
    peer_check = None
    if peer_item is not None or peer.name:
        peer_check = peer_status(week, tz=tz, now=now, peer=peer, commitment=peer_item,
                                 entries=entries)
    return WeekReview(
        week=week,
        zone=str(getattr(tz, "key", tz)),
        now=now.astimezone(tz),
        state=_state(week, tz, now),
        commitments=tuple(_count(c, week, tz, owner, entries, blocks) for c in active),
        blocks=summarise_blocks(blocks),
        block_items=tuple(_block_item(b, tz) for b in blocks),
        wins=_notes(entries, tz, "win"),
        proud=_notes(entries, tz, "proud"),
        peer=peer_check,
        pauses=_notes(entries, tz, "pause"),
        reflections=_notes(entries, tz, "reflection"),
        other=_notes(entries, tz, "step", "experiment", "note"),
        reminders=_reminders(reminders, active, owner, records),
        days=_days(week, tz, entries, blocks),
        trend=_trend(week, tz, records),
    )


def peer_status(week: IsoWeek, *, tz: tzinfo, now: datetime, peer: PeerConfig,
                commitment: Commitment | None, entries: Iterable[EntryRecord]) -> PeerCheck:
    start, end = week.bounds(tz)
    checks = tuple(_note(e, tz) for e in entries if e.kind == "peer" and start <= e.at < end)
    slot = peer_slot(week, tz=tz, peer=peer, commitment=commitment)
    passed = False
    if slot is not None:
        length = peer.minutes or (commitment.minutes if commitment and commitment.minutes else 5)
        passed = now >= slot + timedelta(minutes=length)
    return PeerCheck(
        done=bool(checks), checks=checks, peer=peer.name, backup=peer.backup,
        slot=slot.astimezone(tz) if slot else None, slot_passed=passed,
    )


def peer_slot(week: IsoWeek, *, tz: tzinfo, peer: PeerConfig,
              commitment: Commitment | None) -> datetime | None:
    """This week's peer-check slot as an aware local time, or None when none is known."""
    parsed = None
    if peer.slot:
        day, at = parse_slot(peer.slot)  # one clear line when it does not read
        parsed = (_WEEKDAY[day], at)
    if parsed is None and commitment is not None and commitment.schedule is not None:
        sched = commitment.schedule
        if sched.every == "weekly" and sched.day and sched.at:
            parsed = (_WEEKDAY[sched.day], sched.at)
    if parsed is None:
        return None
    weekday, at = parsed
    day = week.monday + timedelta(days=weekday)
    # Through UTC and back so a slot in a DST gap or fold resolves the way zoneinfo does.
    return datetime.combine(day, at, tzinfo=tz).astimezone(tz)


def summarise_blocks(blocks: Iterable[BlockRecord]) -> BlockSummary:
    items = list(blocks)
    finished = [b for b in items if b.status in ("completed", "interrupted")]
    seconds = sum(b.actual_seconds or 0 for b in finished)
    return BlockSummary(
        started=len(items),
        completed=sum(b.status == "completed" for b in items),
        interrupted=sum(b.status == "interrupted" for b in items),
        running=sum(b.status == "running" for b in items),
        focused_minutes=round(seconds / 60),
        experiments=sum((b.label or "").lower() == "experiment" for b in items),
    )


# ---------------------------------------------------------------- pieces


class _Attribution:
    """Which active commitment a record belongs to (see the module docstring)."""

    def __init__(self, commitments: Sequence[Commitment]) -> None:
        self.ids = {c.id: c for c in commitments}
        self.first_for_entry: dict[str, str] = {}
        for c in commitments:
            kind = ENTRY_KIND_FOR.get(c.kind)
            if kind:
                self.first_for_entry.setdefault(kind, c.id)
        self.first_block = next((c.id for c in commitments if c.kind == "focus_block"), None)

    def entry(self, entry: EntryRecord) -> str | None:
        if entry.commitment_id in self.ids:
            return entry.commitment_id
        return self.first_for_entry.get(entry.kind)

    def block(self, block: BlockRecord) -> str | None:
        tagged = self.ids.get(block.commitment_id or "")
        if tagged is not None and tagged.kind == "focus_block":
            return tagged.id
        return self.first_block

    def times(self, cid: str, entries: Iterable[EntryRecord],
              blocks: Iterable[BlockRecord]) -> list[datetime]:
        """When something for commitment `cid` was logged."""
        # (a commitment no longer active keeps the records tagged with it: its reminders went out)
        found = [e.at for e in entries if self.entry(e) == cid or e.commitment_id == cid]
        item = self.ids.get(cid)
        if item is not None and item.kind == "start_ritual":
            found += [b.started_at for b in blocks]
        else:
            found += [b.started_at for b in blocks if self.block(b) == cid]
        return sorted(found)


def _count(item: Commitment, week: IsoWeek, tz: tzinfo, owner: _Attribution,
           entries: list[EntryRecord], blocks: list[BlockRecord]) -> CommitmentCount:
    moments = owner.times(item.id, entries, blocks)
    days = tuple(sorted({local_day(m, tz) for m in moments}))
    count = len(days) if item.kind in _DAY_KINDS else len(moments)
    return CommitmentCount(
        id=item.id, kind=item.kind, title=item.title, count=count,
        target=_target(item, week), unit=_unit(item), label=item.label, days=days,
        scheduled=item.schedule is not None,
        planned=item.schedule.date if item.schedule and item.schedule.every == "once" else None,
    )


def _target(item: Commitment, week: IsoWeek) -> int | None:
    if item.weekly_target:
        return item.weekly_target
    sched = item.schedule
    if sched is None:
        return None
    if sched.every == "daily":
        return 7
    if sched.every == "weekdays":
        return 5
    if sched.every == "weekly":
        return len(sched.days) or 1
    if sched.every == "once" and sched.date is not None:
        return 1 if week.monday <= sched.date <= week.monday + timedelta(days=6) else None
    return None


def _unit(item: Commitment) -> str:
    if item.kind in _DAY_KINDS:
        return "days"
    return {"focus_block": "blocks", "wins_log": "lines", "pause_cue": "times"}.get(item.kind, "times")


def _note(entry: EntryRecord, tz: tzinfo) -> Note:
    return Note(entry.kind, entry.text, entry.at.astimezone(tz), entry.peer, entry.reply,
                entry.commitment_id)


def _notes(entries: Iterable[EntryRecord], tz: tzinfo, *kinds: str) -> tuple[Note, ...]:
    return tuple(_note(e, tz) for e in entries if e.kind in kinds)


def _block_item(block: BlockRecord, tz: tzinfo) -> BlockItem:
    return BlockItem(block.started_at.astimezone(tz), block.planned_minutes, block.actual_minutes,
                     block.status, block.goal, block.label)


def _reminders(reminders: list[ReminderRecord], active: Sequence[Commitment], owner: _Attribution,
               records: WeekRecords) -> ReminderSummary:
    grace = {c.id: c.grace for c in active}
    times: dict[str, list[datetime]] = {}
    acted = 0
    for i, rem in enumerate(reminders):
        later = [r.sent_at for r in reminders[i + 1:]
                 if r.commitment_id == rem.commitment_id and r.sent_at > rem.sent_at]
        window = timedelta(minutes=max(grace.get(rem.commitment_id, 0), _ACTED_WINDOW_MIN))
        until = min([rem.sent_at + window, *later])
        if rem.commitment_id not in times:
            times[rem.commitment_id] = owner.times(rem.commitment_id, records.entries, records.blocks)
        moments = times[rem.commitment_id]
        if any(rem.sent_at <= m < until for m in moments):
            acted += 1
    return ReminderSummary(sent=len(reminders), acted_on=acted)


def _days(week: IsoWeek, tz: tzinfo, entries: list[EntryRecord],
          blocks: list[BlockRecord]) -> tuple[DayActivity, ...]:
    entry_days = [local_day(e.at, tz) for e in entries]
    block_days = [local_day(b.started_at, tz) for b in blocks]
    return tuple(DayActivity(day, entry_days.count(day), block_days.count(day))
                 for day in week.days())


def _trend(week: IsoWeek, tz: tzinfo, records: WeekRecords) -> tuple[TrendWeek, ...]:
    weeks = [week.shifted(-n) for n in range(HISTORY_WEEKS, -1, -1)]
    out = []
    for each in weeks:
        start, end = each.bounds(tz)
        blocks = [b for b in records.blocks if start <= b.started_at < end]
        entries = sum(start <= e.at < end for e in records.entries)
        out.append(TrendWeek(each, summarise_blocks(blocks).focused_minutes, len(blocks), entries))
    return tuple(out)


def _state(week: IsoWeek, tz: tzinfo, now: datetime) -> str:
    current = week_of(now, tz)
    if week == current:
        return "current"
    return "future" if now < local_midnight(week.monday, tz) else "past"
