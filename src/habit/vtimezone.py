"""A VTIMEZONE written as the zone's own yearly rules, read from the tz database's POSIX footer.

icalendar's `Timezone.from_tzinfo` lists every transition as comma-separated RDATE values that stop
in 2037; Mozilla's ical.js (Thunderbird) reads only the first value of each list and vobject goes
wrong from 2029 on. The tz database already states the rule in force (the TZif footer, e.g.
`CET-1CEST,M3.5.0,M10.5.0/3`), so the VTIMEZONE says it the way calendars do themselves:
`RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`.

The rule is checked against zoneinfo for every day of the years it will be read for; where the
footer cannot be said as a yearly BYDAY rule (Jn forms, transitions past midnight such as
Israel's `M3.4.4/26`) or does not match, `build` returns None and the caller keeps the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from importlib import resources
from pathlib import Path

_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,2}(?::\d{2}){0,2}"
_RULE = r"M(\d{1,2})\.([1-5])\.([0-6])(?:/(" + _OFFSET + r"))?"
_FOOTER = re.compile(
    rf"^({_NAME})({_OFFSET})(?:({_NAME})({_OFFSET})?,{_RULE},{_RULE})?$"
)
_BYDAY = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX weekday numbers: 0 is Sunday


@dataclass(frozen=True)
class _Change:
    month: int
    week: int  # 1-4, or 5 for "the last"
    weekday: int  # POSIX: 0 Sunday .. 6 Saturday
    at: timedelta  # local time (before the change) since midnight

    def on(self, year: int) -> datetime:
        """The local wall time of this change in `year` (naive, in the offset it leaves)."""
        first = date(year, self.month, 1)
        shift = (self.weekday - (first.weekday() + 1) % 7) % 7
        day = first + timedelta(days=shift + 7 * (self.week - 1))
        while day.month != self.month:  # week 5 = the last such weekday
            day -= timedelta(days=7)
        return datetime.combine(day, time()) + self.at

    def rrule(self) -> dict[str, list]:
        ordinal = -1 if self.week == 5 else self.week
        return {"FREQ": ["YEARLY"], "BYMONTH": [self.month], "BYDAY": [f"{ordinal}{_BYDAY[self.weekday]}"]}


@dataclass(frozen=True)
class _Rules:
    std_name: str
    std: timedelta  # UTC offset
    dst_name: str | None = None
    dst: timedelta | None = None
    start: _Change | None = None  # into daylight time
    end: _Change | None = None  # back to standard time

    def offset_at(self, moment: datetime) -> timedelta:
        if self.dst is None or self.start is None or self.end is None:
            return self.std
        year = moment.year
        begins = self.start.on(year).replace(tzinfo=UTC) - self.std
        ends = self.end.on(year).replace(tzinfo=UTC) - self.dst
        inside = begins <= moment < ends if begins < ends else not ends <= moment < begins
        return self.dst if inside else self.std


def _duration(text: str) -> timedelta:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])


def _name(text: str) -> str:
    return text.strip("<>")


def parse_footer(footer: str) -> _Rules | None:
    """The rules of a POSIX TZ string as habit can write them, or None."""
    match = _FOOTER.match(footer.strip())
    if not match:
        return None
    std_name, std_off, dst_name, dst_off, *rules = match.groups()
    std = -_duration(std_off)  # POSIX offsets count west of Greenwich
    if dst_name is None:
        return _Rules(_name(std_name), std)
    dst = -_duration(dst_off) if dst_off else std + timedelta(hours=1)
    changes = []
    for month, week, weekday, at in (rules[:4], rules[4:]):
        local = _duration(at) if at else timedelta(hours=2)
        if not timedelta(0) <= local < timedelta(hours=24):  # would move the day: not a BYDAY rule
            return None
        changes.append(_Change(int(month), int(week), int(weekday), local))
    return _Rules(_name(std_name), std, _name(dst_name), dst, changes[0], changes[1])


def _footer(key: str) -> str | None:
    """The last line of the zone's TZif file, found where zoneinfo itself looks."""
    import zoneinfo

    if ".." in key or key.startswith("/"):
        return None
    for base in zoneinfo.TZPATH:
        path = Path(base) / key
        if path.is_file():
            return _last_line(path.read_bytes())
    try:
        data = resources.files("tzdata.zoneinfo").joinpath(key).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None
    return _last_line(data)


def _last_line(data: bytes) -> str | None:
    if not data.startswith(b"TZif") or not data.endswith(b"\n"):
        return None
    return data[:-1].rsplit(b"\n", 1)[-1].decode("ascii", "replace")


def _agrees(rules: _Rules, tz: tzinfo, first: date, years: int) -> bool:
    moment = datetime.combine(first, time(12), tzinfo=UTC)
    for _ in range(years * 366):
        if moment.astimezone(tz).utcoffset() != rules.offset_at(moment):
            return False
        moment += timedelta(days=1)
    return True


def build(tz: tzinfo, *, key: str, first: date, years: int = 11):
    """An icalendar Timezone for `key` written as yearly rules, or None when that cannot be said."""
    footer = _footer(key)
    rules = parse_footer(footer) if footer else None
    if rules is None or not _agrees(rules, tz, first, years):
        return None
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", key)
    if rules.dst is None or rules.start is None or rules.end is None:
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))  # noqa: DTZ001 (VTIMEZONE onsets are local)
        standard.add("tzoffsetfrom", rules.std)
        standard.add("tzoffsetto", rules.std)
        standard.add("tzname", rules.std_name)
        zone.add_component(standard)
        return zone
    year = first.year - 1  # DTSTART is an occurrence of its rule, before the first event
    for part, change, before, after, name in (
        (TimezoneDaylight(), rules.start, rules.std, rules.dst, rules.dst_name),
        (TimezoneStandard(), rules.end, rules.dst, rules.std, rules.std_name),
    ):
        part.add("dtstart", change.on(year))
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("tzname", name)
        part.add("rrule", change.rrule())
        zone.add_component(part)
    return zone
