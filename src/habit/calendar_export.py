"""The active schedule as an RFC 5545 iCalendar file, built with the `icalendar` library.

One recurring VEVENT per scheduled commitment, times in the user's zone (TZID plus its VTIMEZONE),
a stable UID per commitment so importing again updates instead of duplicating.

Decisions:
- DTSTART is the first occurrence on or after today (local), so the series starts now.
- `interval` schedules (a cue every N minutes inside a window on weekdays) become one weekly
  event per slot (09:00, 10:30, ... 16:30 for 90 minutes from 09:00 to 17:00; like the reminder
  service, the window's end is a boundary, not a slot). A single RRULE cannot say "every 90
  minutes, 09:00-17:00": BYHOUR x BYMINUTE is a cross product, and FREQ=MINUTELY is not
  supported by common calendars.
  Each slot has its own UID `<id>-HHMM@habit.local`. Jitter is left out (a calendar has no jitter).
- `after` schedules have no time of their own (they follow another commitment): skipped, and said.
  So are one-offs dated before today (a calendar would raise their alarm as overdue).
- The VTIMEZONE is the zone's yearly rules (see vtimezone.py); SEQUENCE rises with each export.
- The peer check uses the peer slot and minutes from config.toml when set.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from habit.catalog import Catalog
from habit.config import Config
from habit.errors import NotFound, UsageProblem
from habit.plans import WEEKDAYS, Commitment, Schedule
from habit.share import peer_slot

PRODID = "-//habit//habit calendar export 1.0//EN"
UID_DOMAIN = "habit.local"
DEFAULT_MINUTES = 5
_BYDAY = {day: day[:2].upper() for day in WEEKDAYS}  # mon -> MO
_WORKDAYS = WEEKDAYS[:5]
# Which command records each kind: shown in the event so the calendar points back to habit.
_RECORDED_BY = {
    "start_ritual": "habit start-block",
    "focus_block": "habit start-block",
    "wins_log": "habit log",
    "peer_check": "habit peer",
    "pause_cue": "habit pause",
    "proud_journal": "habit proud",
    "daily_reflection": "habit reflect",
    "tiny_step": "habit ground",
    "experiment": "habit log --kind experiment",
    "one_off": "habit log",
}
# Kinds that are a meeting or a task keep the time busy; the short cues do not.
_BUSY_KINDS = {"peer_check", "one_off", "focus_block"}
_SEQUENCE_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ExportedEvent:
    uid: str
    commitment_id: str
    title: str
    when: str


@dataclass(frozen=True)
class Skipped:
    commitment_id: str
    reason: str


@dataclass(frozen=True)
class CalendarExport:
    ics: bytes
    events: tuple[ExportedEvent, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class _Slot:
    """One event to write: its start, its rule (None for once) and how it reads."""

    uid: str
    start: datetime
    rrule: dict[str, list[str]] | None
    minutes: int
    when: str


def export_calendar(catalog: Catalog, config: Config, *, tz: tzinfo, now: datetime) -> CalendarExport:
    """Build the .ics for every active commitment that has a time of its own."""
    from icalendar import Calendar

    _check_zone(tz)
    today = now.astimezone(tz).date()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "habit")
    events: list[ExportedEvent] = []
    skipped: list[Skipped] = []
    starts: list[date] = []
    components = []
    for item in catalog.commitments():
        sched = item.schedule
        if sched is None:
            continue
        if sched.every == "after":
            skipped.append(Skipped(item.id, f"follows {sched.after}; it has no time of its own"))
            continue
        if sched.every == "once" and sched.date and sched.date < today:
            skipped.append(Skipped(item.id, f"was dated {sched.date:%d %B %Y}, before today"))
            continue
        for slot in _slots(item, config, tz=tz, today=today):
            components.append(_event(item, slot, config, now=now))
            events.append(ExportedEvent(slot.uid, item.id, _title(item, config), slot.when))
            starts.append(slot.start.date())
    if not events:
        raise NotFound("no active commitment has a time of its own, so there is nothing to put in a "
                       "calendar; `habit plan list` shows the schedules.")
    key = getattr(tz, "key", None)
    if key:  # the VTIMEZONE goes before the events that use it
        calendar.add_component(_vtimezone(tz, key, min(starts) - timedelta(days=7)))
    for component in components:
        calendar.add_component(component)
    return CalendarExport(calendar.to_ical(), tuple(events), tuple(skipped))


def _vtimezone(tz: tzinfo, key: str, first: date):
    """The zone's yearly rules (what ical.js and vobject read right); the transition list otherwise."""
    from icalendar import Timezone

    from habit import vtimezone

    return vtimezone.build(tz, key=key, first=first) or Timezone.from_tzinfo(tz, tzid=key, first_date=first)


def sequence(now: datetime) -> int:
    """SEQUENCE for every event: minutes since 2025, so each later export supersedes the last.

    Calendars apply an update to a known UID only when its SEQUENCE is higher; habit keeps no
    history of past exports, so the export time stands in for a revision count (it fits the
    32-bit integers calendars store until the year 6000).
    """
    return max(0, int((now.astimezone(UTC) - _SEQUENCE_EPOCH).total_seconds() // 60))


def _check_zone(tz: tzinfo) -> None:
    if tz is UTC or getattr(tz, "key", None):
        return
    raise UsageProblem(
        "your time zone has no IANA name, so calendars could not follow its clock changes; "
        "set HABIT_TZ to one, like Europe/Berlin."
    )


# ---------------------------------------------------------------- schedule -> slots


def _slots(item: Commitment, config: Config, *, tz: tzinfo, today: date) -> list[_Slot]:
    sched = item.schedule
    assert sched is not None
    minutes = item.minutes or DEFAULT_MINUTES
    uid = f"{item.id}@{UID_DOMAIN}"
    if item.kind == "peer_check":
        slot = peer_slot(config, item)
        if slot is not None:
            start = _first_on(today, [slot.day], slot.at, tz)
            source = "your peer slot" if slot.from_config else "the plan's slot"
            when = f"weekly on {slot.day} at {slot.at:%H:%M} ({source})"
            return [_Slot(uid, start, _weekly([slot.day]), slot.minutes, when)]
    every = sched.every
    # The note on chosen times is in DESCRIPTION; a calendar has no jitter, so neither does the text.
    when = replace(sched, chosen=False, jitter_minutes=0).describe()
    if every == "once" and sched.date and sched.at:
        start = datetime.combine(sched.date, sched.at, tzinfo=tz)
        return [_Slot(uid, start, None, minutes, when)]
    if every == "daily" and sched.at:
        start = datetime.combine(today, sched.at, tzinfo=tz)
        return [_Slot(uid, start, {"FREQ": ["DAILY"]}, minutes, when)]
    if every == "weekdays" and sched.at:
        start = _first_on(today, _WORKDAYS, sched.at, tz)
        return [_Slot(uid, start, _weekly(_WORKDAYS), minutes, when)]
    if every == "weekly" and sched.at and sched.days:
        start = _first_on(today, list(sched.days), sched.at, tz)
        return [_Slot(uid, start, _weekly(list(sched.days)), minutes, when)]
    if every == "interval":
        days = list(sched.days) or _WORKDAYS
        return [
            _Slot(f"{item.id}-{at:%H%M}@{UID_DOMAIN}", _first_on(today, days, at, tz),
                  _weekly(days), minutes, when)
            for at in interval_times(sched)
        ]
    return []


def interval_times(sched: Schedule) -> list[time]:
    """The local times of an interval schedule's window: start, start + interval, ... before the end."""
    if not (sched.between and sched.interval_minutes):
        return []
    start, end = sched.between
    step = sched.interval_minutes
    first = start.hour * 60 + start.minute
    last = end.hour * 60 + end.minute
    return [time(m // 60, m % 60) for m in range(first, last, step)]


def _weekly(days: list[str] | tuple[str, ...]) -> dict[str, list[str]]:
    return {"FREQ": ["WEEKLY"], "BYDAY": [_BYDAY[d] for d in days]}


def _first_on(today: date, days: list[str] | tuple[str, ...], at: time, tz: tzinfo) -> datetime:
    """The first of `days` on or after today, at the local time `at`."""
    wanted = {WEEKDAYS.index(d) for d in days}
    day = next(today + timedelta(days=n) for n in range(7) if (today + timedelta(days=n)).weekday() in wanted)
    return datetime.combine(day, at, tzinfo=tz)


# ---------------------------------------------------------------- the event


def _title(item: Commitment, config: Config) -> str:
    if item.kind == "peer_check" and config.peer.name:
        return f"{item.title} with {config.peer.name}"
    return item.title


def _event(item: Commitment, slot: _Slot, config: Config, *, now: datetime):
    from icalendar import Alarm, Event

    event = Event()
    event.add("uid", slot.uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("sequence", sequence(now))
    event.add("summary", _title(item, config))
    event.add("dtstart", _in_zone(slot.start))
    event.add("duration", timedelta(minutes=slot.minutes))
    if slot.rrule:
        event.add("rrule", slot.rrule)
    event.add("description", _description(item, config))
    event.add("categories", ["habit"])
    event.add("transp", "OPAQUE" if item.kind in _BUSY_KINDS else "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(0))
    alarm.add("description", _title(item, config))
    event.add_component(alarm)
    return event


def _in_zone(moment: datetime) -> datetime:
    # UTC itself is written as ...Z (no TZID, no VTIMEZONE needed).
    return moment.astimezone(UTC) if moment.tzinfo is UTC else moment


def _description(item: Commitment, config: Config) -> str:
    if item.source is None:
        lines = ["Your own commitment."]
    else:
        lines = [f"\u201c{item.source.quote}\u201d", f"({item.source.file}, line {item.source.line})"]
    if item.steps:
        lines.append("")
        lines.extend(f"- {step}" for step in item.steps)
    for text in (item.phrase, item.question):
        if text:
            lines.extend(["", text])
    if item.kind == "peer_check" and config.peer.backup:
        lines.extend(["", f"Backup: {config.peer.backup}"])
    if item.schedule and item.schedule.chosen and not (item.kind == "peer_check" and config.peer.slot):
        lines.extend(["", "The session named no time; this one was chosen in the plan."])
    command = _RECORDED_BY.get(item.kind)
    if command:
        lines.extend(["", f"In a terminal: {command}"])
    return "\n".join(lines)
