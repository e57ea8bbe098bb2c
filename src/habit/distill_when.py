"""When a commitment happens, read from English: days and day sets, clock times, parts of the day,
cues ("after lunch", "before bed"), weekly counts ("3x per week") and intervals within hours.

Pure functions over text; nothing here knows about transcripts or plans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

NUM_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "twenty-five": 25, "twenty five": 25, "thirty": 30, "forty": 40, "forty-five": 45, "sixty": 60,
    "ninety": 90,
}
NUM = r"(?:\d{1,3}|" + "|".join(sorted(NUM_WORDS, key=len, reverse=True)) + ")"


def number(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else NUM_WORDS.get(word, 0)


WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORT = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3,
          "fri": 4, "sat": 5, "sun": 6}
_FULL_DAY = re.compile(r"\b(" + "|".join(_FULL) + r")s?\b", re.I)
# Short names only where they cannot be ordinary words: capitalised or in a run of days
# ("Mon/Wed", "mon wed fri"), or in notes (`short=True`).
_SHORT_DAY = re.compile(r"\b(" + "|".join(sorted(_SHORT, key=len, reverse=True)) + r")s?\b\.?", re.I)
_SHORT_ALT = "|".join(sorted(_SHORT, key=len, reverse=True))
# "mon wed fri", "Tue & Thu": short names count in a run of two or more.
_SHORT_RUN = re.compile(rf"\b(?:{_SHORT_ALT})\b\.?(?:\s*(?:/|,|&|\+|and)?\s*\b(?:{_SHORT_ALT})\b\.?)+", re.I)
_DAY_RANGE = re.compile(
    r"\b(?P<a>" + "|".join([*_FULL, *_SHORT]) + r")s?\s*(?:-|–|to|through|thru)\s*(?P<b>"
    + "|".join([*_FULL, *_SHORT]) + r")s?\b", re.I)
_WEEKEND = re.compile(r"\b(?:weekends?|sat(?:urday)?s? and sun(?:day)?s?)\b", re.I)
WEEKDAYS_RE = re.compile(
    r"\bweek(?:day|night)s?\b|\b(?:every|each) (?:work|working) ?day\b|\bworkdays?\b", re.I)
DAILY_RE = re.compile(
    r"\b(?:every|each) (?:single )?(?:day|morning|evening|night|afternoon)\b|\bdaily\b|\ba day\b"
    r"|\bper day\b|\bnightly\b", re.I)
WEEKLY_RE = re.compile(r"\b(?:every|each|a|per|once a) week\b|\bweekly\b|/\s?(?:wk|week)\b", re.I)


def _index(word: str) -> int:
    word = word.lower().rstrip(".")
    if word in _SHORT:
        return _SHORT[word]
    return _FULL.index(word.rstrip("s") if word.rstrip("s") in _FULL else word)


def days_in(text: str, *, short: bool = False) -> list[str]:
    """The days of the week named, in week order ("mon wed fri", "Tuesdays and Thursdays", "Mon-Fri")."""
    found: set[int] = set()
    for m in _DAY_RANGE.finditer(text):
        a, b = _index(m.group("a")), _index(m.group("b"))
        if a < b:
            found.update(range(a, b + 1))
    for m in _FULL_DAY.finditer(text):
        found.add(_index(m.group(1)))
    runs = [run.span() for run in _SHORT_RUN.finditer(text)]
    for m in _SHORT_DAY.finditer(text):
        word = m.group(1)
        in_run = any(a <= m.start() < b for a, b in runs)
        if short or word[0].isupper() or in_run:
            found.add(_SHORT[word.lower()])
    if _WEEKEND.search(text):
        found.update((5, 6))
    return [WEEK[i] for i in sorted(found)]


# "4pm", "4:30 pm", "16:00", "08.45", "at 9", "around 3pm", "noon".
_CLOCK = re.compile(
    r"(?P<lead>\b(?:at|by|around|about|from|till|until|before|after|~|@)\s*|~|@)?"
    r"(?<![\d.:£$€])(?P<h>\d{1,2})(?:(?P<sep>[:.h])(?P<m>[0-5]\d))?\s*(?P<ap>[ap]\.?\s?m\b\.?)?"
    r"(?![\d%:.]?\d)(?!\s*(?:min|minutes?|mins?|hours?|hrs?|h\b|x\b|times?|km|k\b|miles?|kg|lbs?|%|pages?"
    r"|steps?|things?|glasses?|days?|weeks?|people|of\b|/))",
    re.IGNORECASE,
)
_NOON = re.compile(r"\b(?:noon|midday)\b", re.I)
_EVENING_HINT = re.compile(r"\b(?:evening|night|tonight|pm|p\.m\.|after work|dinner|supper)\b", re.I)


def clock_time(text: str) -> time | None:
    """The first clock time said, or None; a bare "at 3" reads as the afternoon, "at 9" as morning."""
    for m in _CLOCK.finditer(text):
        hour, minute = int(m.group("h")), int(m.group("m") or 0)
        ampm = (m.group("ap") or "").lower().replace(".", "").replace(" ", "")
        sep = m.group("sep")
        if not ampm and not m.group("m"):
            lead = (m.group("lead") or "").strip().lower()
            if lead not in ("at", "around", "about", "by", "~", "@") or not 1 <= hour <= 12:
                continue  # "3" alone is too often not a time
            if hour <= 6 or (hour <= 11 and _EVENING_HINT.search(text)):
                hour += 12 if hour != 12 else 0
        elif sep == "." and not ampm and not m.group("lead") and len(m.group("h")) < 2:
            continue  # "2.45" alone may be a price or a length; "08.45", "at 8.45" are times
        if ampm == "pm" and hour < 12:
            hour += 12
        if ampm == "am" and hour == 12:
            hour = 0
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return time(hour, minute)
    if _NOON.search(text):
        return time(12, 0)
    return None


# Cues: a moment in the day that a habit hangs on, with the time a reminder is set for.
CUES: list[tuple[re.Pattern[str], time]] = [
    (re.compile(r"\bafter (?:my |the )?lunch(?:break)?\b", re.I), time(13, 30)),
    (re.compile(r"\bbefore (?:my |the )?lunch\b", re.I), time(12, 0)),
    (re.compile(r"\b(?:after|with) (?:my |the )?(?:first |morning )?(?:coffee|tea|breakfast)\b", re.I),
     time(8, 30)),
    (re.compile(r"\b(?:after|before) (?:my |the )?(?:dinner|supper|tea)\b", re.I), time(19, 0)),
    (re.compile(r"\b(?:before (?:I go to )?(?:bed|sleep)|at bedtime|bedtime|lights out)\b", re.I),
     time(21, 30)),
    (re.compile(r"\b(?:after |when I (?:get|come) (?:home|back) from |(?:at the )?end of (?:the |my )?)"
                r"(?:work|school|class(?:es)?|workday|work ?day)\b", re.I), time(17, 30)),
    (re.compile(r"\bwhen I (?:get|come) (?:home|in)\b", re.I), time(17, 30)),
    (re.compile(r"\bbefore (?:work|school|class|I start work)\b", re.I), time(8, 0)),
    (re.compile(r"\b(?:when I wake up|on waking|first thing(?: in the morning)?|after (?:I )?wak\w+"
                r"(?: up)?|after (?:my |the )?(?:shower|alarm))\b", re.I), time(7, 30)),
    (re.compile(r"\b(?:after|when I) (?:brush(?:ing)? my teeth|drop(?:ping)? (?:the )?kids off)\b", re.I),
     time(8, 0)),
]
PARTS_OF_DAY: list[tuple[re.Pattern[str], time]] = [
    (re.compile(r"\b(?:lunch(?:time)?|at midday)\b", re.I), time(12, 30)),
    (re.compile(r"\b(?:at night|tonight|every night|nights)\b", re.I), time(21, 0)),
    (re.compile(r"\bevenings?\b", re.I), time(19, 0)),
    (re.compile(r"\bmornings?\b", re.I), time(8, 30)),
    (re.compile(r"\bafternoons?\b", re.I), time(15, 0)),
]


def cue_in(text: str) -> tuple[str, time] | None:
    for pattern, at in CUES:
        m = pattern.search(text)
        if m:
            return m.group(0), at
    return None


_TIMES = re.compile(
    rf"\b(?P<n>{NUM}|twice|once)\s*(?:x|×|times?)?\s*(?:a|per|each|every|/)\s*(?:week|wk)\b"
    rf"|\b(?P<n2>{NUM})\s*(?:x|×|times)\s*(?:weekly)\b"
    rf"|\b(?P<n3>{NUM})\s+(?:[\w'’]+\s+){{0,5}}?(?:a|per|each|every) week\b", re.I)


def weekly_count(text: str) -> int | None:
    """"3x per week", "three times a week", "twice a week", "2 things every week" → 3, 3, 2, 2."""
    m = _TIMES.search(text)
    if not m:
        return None
    word = (m.group("n") or m.group("n2") or m.group("n3")).lower()
    value = {"twice": 2, "once": 1}.get(word) or number(word)
    return value if 1 <= value <= 50 else None


_INTERVAL = re.compile(
    rf"\bevery (?:(?P<n>{NUM}) (?P<unit>min(?:ute)?s?|hours?)|(?P<one>hour|half hour|half an hour))\b", re.I)
_BETWEEN = re.compile(
    r"\b(?:between|from)\s+(?P<a>\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?)\s*"
    r"(?:and|to|-|–|till|until)\s*"
    r"(?P<b>\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?)", re.I)

@dataclass(frozen=True)
class Interval:
    minutes: int
    between: tuple[time, time]


def interval_in(text: str) -> Interval | None:
    """"every 90 minutes between 9 and 5", "every hour during work hours"."""
    m = _INTERVAL.search(text)
    if not m:
        return None
    if m.group("one"):
        minutes = 60 if m.group("one").lower() == "hour" else 30
    else:
        value = number(m.group("n"))
        minutes = value * 60 if m.group("unit").lower().startswith("hour") else value
    if not 10 <= minutes <= 240:
        return None
    window = (time(9, 0), time(17, 0))
    b = _BETWEEN.search(text)
    if b:
        start, end = _loose(b.group("a"), afternoon=False), _loose(b.group("b"), afternoon=True)
        if start and end and start < end:
            window = (start, end)
    return Interval(minutes, window)


def _loose(text: str, *, afternoon: bool) -> time | None:
    m = re.match(r"(\d{1,2})(?:[:.](\d{2}))?\s*([ap])?", text.strip(), re.I)
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    ap = (m.group(3) or "").lower()
    if (ap == "p" and hour < 12) or (not ap and afternoon and hour <= 8):
        hour += 12
    return time(hour, minute) if hour <= 23 and minute <= 59 else None


def part_of_day(text: str) -> time | None:
    for pattern, at in PARTS_OF_DAY:
        if pattern.search(text):
            return at
    return None
