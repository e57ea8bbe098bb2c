"""Logs: one function per kind, and log_entry, the one place entry rows are written from.

Every function takes the store and `now` (aware) as arguments and returns plain records, so the
CLI and the reminder service call the very same code. Nothing here
prints, reads the clock or imports SQLAlchemy at module level: `import habit.logs` stays light.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from habit.errors import NotFound, UsageProblem
from habit.records import ENTRY_KINDS, KIND_WORDS
from habit.text import clean_optional, clean_text, is_multiline_kind
from habit.weeks import IsoWeek, day_bounds, local_midnight, parse_week, week_of

if TYPE_CHECKING:
    from habit.clock import Clock
    from habit.plans import Commitment
    from habit.records import EntryRecord, HabitStore

# The plan kind whose commitment an entry of each kind belongs to.
PLAN_KIND_OF = {
    "win": "wins_log", "proud": "proud_journal", "pause": "pause_cue", "peer": "peer_check",
    "reflection": "daily_reflection", "step": "tiny_step", "experiment": "experiment",
}
# `--at 21:31` typed at 21:30:40 is meant as "now", not as the future.
FUTURE_TOLERANCE = timedelta(minutes=1)
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)  # older is a typo, and far dates overflow zone maths

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_DAYS_AGO = re.compile(r"^(\d{1,4})\s*d(ays?)?$")
_WEEK = re.compile(r"^\d{4}-?w\d{1,2}$")


class TimeProblem(UsageProblem):
    """A time or date the user gave that cannot be used; nothing was saved."""


# ---------------------------------------------------------------- times


def parse_at(text: str, *, now: datetime, tz: tzinfo) -> datetime:
    """`--at`: "2026-11-18 21:30", "21:30" (today), "yesterday 21:30", ISO with offset, "now".

    Returns an aware UTC instant; a time in the future or before 1970 is refused with one line.
    """
    try:
        return _parse_at(text, now=now, tz=tz)
    except OverflowError:
        raise TimeProblem(
            f"'{text.strip()}' is too far from today; habit keeps times from 1970 on."
        ) from None


def _parse_at(text: str, *, now: datetime, tz: tzinfo) -> datetime:
    raw = " ".join(text.strip().split())
    word = raw.lower()
    today = now.astimezone(tz).date()
    if word == "now":
        return now.astimezone(UTC)
    day: date | None = None
    rest = word
    for prefix, offset in (("today", 0), ("yesterday", 1)):
        if word.startswith(prefix):
            day, rest = today - timedelta(days=offset), word[len(prefix):].strip()
            break
    match = _HHMM.match(rest)
    if match:
        moment = _local(day or today, int(match.group(1)), int(match.group(2)), tz, raw)
        if day is None and moment > now + FUTURE_TOLERANCE:
            raise TimeProblem(
                f"{raw} today is still ahead; for last night write --at \"yesterday {raw}\"."
            )
    elif day is not None:
        raise TimeProblem(f"'{raw}' needs a time, like --at \"yesterday 21:30\".")
    else:
        moment = _parse_iso(raw, tz)
    return check_not_future(moment, now=now, tz=tz)


def _local(day: date, hour: int, minute: int, tz: tzinfo, raw: str) -> datetime:
    if hour > 23 or minute > 59:
        raise TimeProblem(f"'{raw}' is not a time of day; write it like 21:30.")
    return datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)


def _parse_iso(raw: str, tz: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.upper())
    except ValueError:
        raise TimeProblem(
            f"'{raw}' is not a time habit understands; use \"2026-11-18 21:30\", \"21:30\", "
            "\"yesterday 21:30\" or 2026-11-18T21:30+01:00."
        ) from None
    if len(raw) <= 10:  # a date alone: the time of day matters for the day and week it counts in
        raise TimeProblem(f"'{raw}' needs a time too, like --at \"{raw} 21:30\".")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def check_not_future(moment: datetime, *, now: datetime, tz: tzinfo) -> datetime:
    local = moment.astimezone(tz)  # the date the user typed, in their zone, not the UTC one
    if local.year < EARLIEST.year:
        raise TimeProblem(f"{local:%Y-%m-%d} is before 1970; habit keeps times from 1970 on.")
    if moment > now + FUTURE_TOLERANCE:
        shown = moment.astimezone(tz).strftime("%a %d %b %Y %H:%M")
        raise TimeProblem(f"{shown} is in the future; --at takes a time that has already happened.")
    return moment.astimezone(UTC)


def parse_since(text: str, *, now: datetime, tz: tzinfo) -> datetime:
    """`--since`: a date (2026-11-01), "today", "yesterday", "7d", a week (2026-W47) or a time."""
    try:
        start = _parse_since(text, now=now, tz=tz)
    except OverflowError:
        start = EARLIEST
    return max(start, EARLIEST)  # "since the year 1" simply means everything


def _parse_since(text: str, *, now: datetime, tz: tzinfo) -> datetime:
    raw = " ".join(text.strip().split())
    word = raw.lower()
    today = now.astimezone(tz).date()
    if word in ("today", "yesterday"):
        return local_midnight(today - timedelta(days=word == "yesterday"), tz)
    if match := _DAYS_AGO.match(word):
        return local_midnight(today - timedelta(days=int(match.group(1))), tz)
    if _WEEK.match(word):
        start = parse_week(raw).bounds(tz)[0]
    else:
        try:
            start = local_midnight(date.fromisoformat(raw), tz)
        except ValueError:
            try:
                start = parse_at(raw, now=now, tz=tz)
            except TimeProblem:
                raise TimeProblem(
                    f"'{raw}' is not a date habit understands; use 2026-11-01, today, yesterday, "
                    "7d or 2026-W47."
                ) from None
    if start > now:
        raise TimeProblem(f"{raw} is in the future; nothing is logged there yet.")
    return start


def parse_kinds(text: str | None) -> tuple[str, ...] | None:
    """`--kind win,proud`: known kinds only (a plural "wins" is taken too)."""
    if text is None:
        return None
    kinds = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        kind = part if part in ENTRY_KINDS else part.rstrip("s")
        if kind not in ENTRY_KINDS:
            raise UsageProblem(f"'{part}' is not a kind of entry; use one of: {', '.join(ENTRY_KINDS)}.")
        kinds.append(kind)
    if not kinds:
        raise UsageProblem(f"--kind is empty; use one of: {', '.join(ENTRY_KINDS)}.")
    return tuple(dict.fromkeys(kinds))


# ---------------------------------------------------------------- writing


def log_entry(
    store: HabitStore, kind: str, text: str | None, *, now: datetime, at: datetime | None = None,
    commitment_id: str | None = None, peer: str | None = None, reply: str | None = None,
    block_id: int | None = None, required: bool = True,
) -> EntryRecord:
    """Check and save one entry: the single writer of entry rows (every command, the line at the
    end of a focus block); the store runs habit.db.schema.INSERT_ENTRY."""
    if kind not in ENTRY_KINDS:
        raise UsageProblem(f"'{kind}' is not a kind of entry; use one of: {', '.join(ENTRY_KINDS)}.")
    if now.tzinfo is None or (at is not None and at.tzinfo is None):
        raise ValueError("log times must be timezone-aware")
    words = clean_text(text, what=f"the {KIND_WORDS[kind]}", required=required,
                       multiline=is_multiline_kind(kind))
    peer = clean_optional(peer, what="the peer's name")
    reply = clean_optional(reply, what="the reply")
    when = check_not_future(at, now=now, tz=UTC) if at is not None else now.astimezone(UTC)
    return store.add_entry(
        kind, words, when, created_at=now.astimezone(UTC), commitment_id=commitment_id,
        block_id=block_id, peer=peer, reply=reply,
    )


def log_win(store: HabitStore, text: str, *, now: datetime, at: datetime | None = None,
            commitment_id: str | None = None, kind: str = "win") -> EntryRecord:
    """A line in the wins log (or, with kind, an experiment's outcome or a plain note)."""
    if kind not in ("win", "experiment", "note"):
        raise UsageProblem(f"`habit log --kind` takes win, experiment or note, not '{kind}'.")
    return log_entry(store, kind, text, now=now, at=at, commitment_id=commitment_id)


@dataclass(frozen=True)
class ProudCount:
    count: int
    target: int | None
    week: IsoWeek
    this_week: bool  # the week counted is the current one (so "this week" reads true)

    def describe(self) -> str:
        where = "this week" if self.this_week else f"in {self.week}"
        if self.target is None:
            return f"{self.count} {where}"
        if self.count > self.target:
            return f"{self.count} {where} (the plan asks for {self.target})"
        return f"{self.count} of {self.target} {where}"


@dataclass(frozen=True)
class ProudLogged:
    entry: EntryRecord
    count: ProudCount


def log_proud(store: HabitStore, text: str, *, now: datetime, tz: tzinfo, at: datetime | None = None,
              commitment_id: str | None = None, target: int | None = None) -> ProudLogged:
    """One proud thing; the count is for the local ISO week the entry's time falls in."""
    entry = log_entry(store, "proud", text, now=now, at=at, commitment_id=commitment_id)
    return ProudLogged(entry, proud_count(store, at=entry.at, now=now, tz=tz, target=target))


def proud_count(store: HabitStore, *, at: datetime, now: datetime, tz: tzinfo,
                target: int | None) -> ProudCount:
    week = week_of(at, tz)
    start, end = week.bounds(tz)
    count = store.count_entries("proud", start, end)
    return ProudCount(count, target, week, week == week_of(now, tz))


def log_pause(store: HabitStore, note: str | None, *, now: datetime, at: datetime | None = None,
              commitment_id: str | None = None) -> EntryRecord:
    return log_entry(store, "pause", note, now=now, at=at, commitment_id=commitment_id, required=False)


def log_peer(store: HabitStore, note: str | None, *, now: datetime, at: datetime | None = None,
             peer: str | None = None, reply: str | None = None,
             commitment_id: str | None = None) -> EntryRecord:
    """The weekly peer check happened; the peer's one sentence (reply) can be kept."""
    return log_entry(store, "peer", note, now=now, at=at, peer=peer, reply=reply,
                     commitment_id=commitment_id, required=False)


def log_reflection(store: HabitStore, text: str | None, *, now: datetime, at: datetime | None = None,
                   commitment_id: str | None = None) -> EntryRecord:
    return log_entry(store, "reflection", text, now=now, at=at, commitment_id=commitment_id,
                     required=False)


def log_step(store: HabitStore, text: str | None, *, now: datetime, at: datetime | None = None,
             commitment_id: str | None = None) -> EntryRecord:
    """The grounding pause, and the one tiny step said in words (may be left unsaid)."""
    return log_entry(store, "step", text, now=now, at=at, commitment_id=commitment_id, required=False)


def edit_entry(store: HabitStore, entry_id: int, text: str) -> EntryRecord:
    entry = store.get_entry(entry_id)
    words = clean_text(text, what=f"the {KIND_WORDS.get(entry.kind, entry.kind)}",
                       multiline=is_multiline_kind(entry.kind))
    return store.edit_entry(entry_id, words)


def last_entry(store: HabitStore) -> EntryRecord:
    """The entry saved most recently (by when it was saved, not by --at)."""
    entry = store.last_entry()
    if entry is None:
        raise NotFound("there is nothing to undo yet; no entries are saved.")
    return entry


def undo_entry(store: HabitStore, entry_id: int) -> EntryRecord:
    return store.delete_entry(entry_id)


# ---------------------------------------------------------------- reading


def history(store: HabitStore, *, since: datetime | None = None, kinds: Iterable[str] | None = None,
            limit: int | None = None) -> list[EntryRecord]:
    """Entries oldest first; with a limit, the newest `limit` of them (still oldest first)."""
    if limit is not None and limit < 1:
        raise UsageProblem("--limit takes a number of entries, 1 or more.")
    rows = store.entries(since=since, kinds=kinds, limit=limit, newest_first=True)
    return list(reversed(rows))


def entries_on(store: HabitStore, day: date, *, tz: tzinfo) -> list[EntryRecord]:
    """Entries of one local day (a late-night entry stays on the day it was made)."""
    start, end = day_bounds(day, tz)
    return store.entries(since=start, until=end)


@dataclass(frozen=True)
class Upcoming:
    commitment_id: str
    title: str
    at: datetime  # aware UTC


@dataclass(frozen=True)
class Today:
    day: date
    entries: tuple[EntryRecord, ...]
    upcoming: tuple[Upcoming, ...]


def today(store: HabitStore | None, commitments: Sequence[Commitment], *, now: datetime, tz: tzinfo,
          peer_slot: str | None = None, upcoming: int = 4) -> Today:
    """What was logged today (local day) and the next reminders due, soonest first."""
    from habit.schedule import next_fires, with_peer_slot  # pure maths; no APScheduler here

    day = now.astimezone(tz).date()
    fires = next_fires(with_peer_slot(commitments, peer_slot), now, tz)
    soon = tuple(Upcoming(f.commitment.id, f.commitment.title, f.at) for f in fires
                 if f.at is not None)[:upcoming]
    entries = tuple(entries_on(store, day, tz=tz)) if store is not None else ()  # no data file yet
    return Today(day, entries, soon)


# ---------------------------------------------------------------- scripts from the plans


def commitment_for(commitments: Sequence[Commitment], kind: str) -> Commitment | None:
    """The first active commitment an entry of this kind belongs to, if any."""
    plan_kind = PLAN_KIND_OF.get(kind)
    return next((c for c in commitments if c.kind == plan_kind), None)


@dataclass(frozen=True)
class Script:
    lines: tuple[str, ...]
    commitment_id: str | None


def pause_script(commitments: Sequence[Commitment]) -> Script:
    """The pause cue's script from the active pause_cue commitments' steps, question and phrase.

    The first pause cue with a question gives the steps ("Ask the question" shows the question);
    a pause cue with a phrase adds it as the words to say when sharing work.
    """
    cues = [c for c in commitments if c.kind == "pause_cue"]
    if not cues:
        return Script(("Slow exhale.", "Let the tension go where you notice it.", "Name the thought."), None)
    main = next((c for c in cues if c.question), cues[0])
    lines = []
    for step in main.steps:
        if main.question and "question" in step.lower():
            lines.append(f'Ask: "{main.question}"')
        else:
            lines.append(_sentence(step))
    if main.question and not any(main.question in line for line in lines):
        lines.append(f'Ask: "{main.question}"')
    for cue in cues:
        if cue.phrase and cue is not main:
            lines.append(f'When you share work, say: "{cue.phrase}"')
            break
    return Script(tuple(lines), main.id)


# Said over the day's effort when no plan gives its own words (general, from the sessions).
GENERAL_REFLECTION = "You're doing your best, and that's enough."


def reflection_phrase(commitments: Sequence[Commitment]) -> tuple[str | None, str | None]:
    """(phrase, commitment id) of the active daily reflection."""
    item = commitment_for(commitments, "reflection")
    if item is None:
        return GENERAL_REFLECTION, None
    return item.phrase, item.id


@dataclass(frozen=True)
class Beat:
    text: str
    seconds: float


@dataclass(frozen=True)
class Grounding:
    beats: tuple[Beat, ...]
    say_step: str          # the plan's words for saying the step
    example: str | None    # the plan's own tiny step, as an example
    commitment_id: str | None


BREATHS = 3
BREATH_IN, BREATH_OUT = 4.0, 6.0
SETTLE_SECONDS = 15.0  # feet on the floor; with 3 breaths and the step, about a minute


def grounding(commitment: Commitment | None) -> Grounding:
    """Feet on the floor, three slow breaths, then the one tiny step said in words."""
    steps = commitment.steps if commitment else ()
    feet = steps[0] if steps else "Notice your feet on the floor"
    say = steps[1] if len(steps) > 1 else "Say the step out loud"
    beats = [Beat(_sentence(feet), SETTLE_SECONDS)]
    for n in range(1, BREATHS + 1):
        beats.append(Beat(f"Breath {n} of {BREATHS}: in, slowly...", BREATH_IN))
        beats.append(Beat("...and out.", BREATH_OUT))
    return Grounding(tuple(beats), _sentence(say), commitment.phrase if commitment else None,
                     commitment.id if commitment else None)


def pace(clock: Clock, beats: Iterable[Beat], show: Callable[[str], None], *, wait: bool) -> float:
    """Show each beat and, when `wait`, hold it for its seconds on the injected clock."""
    started = clock.monotonic()
    for beat in beats:
        show(beat.text)
        if wait:
            clock.sleep(beat.seconds)
    return clock.monotonic() - started


def _sentence(step: str) -> str:
    step = step.strip()
    return step if step.endswith((".", "!", "?", '"')) else step + "."


# ---------------------------------------------------------------- JSON


def entry_json(entry: EntryRecord, tz: tzinfo) -> dict[str, Any]:
    """The stable JSON shape of one entry (documented in docs/readme/logging.md)."""
    return {
        "id": entry.id,
        "uid": entry.uid,
        "kind": entry.kind,
        "text": entry.text,
        "at": entry.at.astimezone(UTC).isoformat(),
        "at_local": entry.at.astimezone(tz).isoformat(),
        "created_at": entry.created_at.astimezone(UTC).isoformat(),
        "commitment_id": entry.commitment_id,
        "block_id": entry.block_id,
        "peer": entry.peer,
        "reply": entry.reply,
    }
