"""Plan files: load TOML into frozen models, listing every problem at once (file, commitment, field).

The format is described in docs/plan-format.md. Nothing here touches the database.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from habit.errors import NotFound, PlanProblems

KINDS: dict[str, str] = {
    "start_ritual": "start ritual",
    "focus_block": "focus block",
    "wins_log": "wins log",
    "peer_check": "peer check",
    "pause_cue": "pause cue",
    "proud_journal": "proud things",
    "daily_reflection": "daily reflection",
    "tiny_step": "tiny step",
    "experiment": "experiment",
    "one_off": "one-off",
}
# Which entry kind records which commitment kind (the "Kinds" table of docs/plan-format.md).
ENTRY_KIND_FOR = {
    "wins_log": "win",
    "peer_check": "peer",
    "pause_cue": "pause",
    "proud_journal": "proud",
    "daily_reflection": "reflection",
    "tiny_step": "step",
    "experiment": "experiment",
}
EVERY = ("daily", "weekdays", "weekly", "once", "interval", "after")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How late a reminder may still go out when the session gave no grace (minutes).
DEFAULT_GRACE = {
    "weekly": 24 * 60,
    "once": 12 * 60,
    "daily": 3 * 60,
    "weekdays": 60,
    "interval": 10,
    "after": 0,
}

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_HHMM_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

_PLAN_KEYS = {"id", "title", "session", "summary", "own"}
_COMMITMENT_KEYS = {
    "id", "kind", "title", "minutes", "weekly_target", "steps", "phrase", "question",
    "template", "reward", "nudge", "breathing_minutes", "grace_minutes", "label",
    "schedule", "source", "cue", "peer", "backup", "own",
}
_SCHEDULE_KEYS = {
    "every", "at", "day", "days", "date", "interval_minutes", "between", "jitter_minutes", "after",
    "chosen",
}
# The days each kind of schedule runs on when it names none.
_DEFAULT_DAYS = {
    "daily": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "interval": WEEKDAYS[:5],
}
_SOURCE_KEYS = {"file", "line", "quote"}
_RANGES = {
    "minutes": (1, 240),
    "weekly_target": (1, 50),
    "breathing_minutes": (1, 30),
    "grace_minutes": (0, 10080),
}


@dataclass(frozen=True)
class Schedule:
    every: str
    at: time | None = None
    day: str | None = None
    date: date | None = None
    interval_minutes: int | None = None
    between: tuple[time, time] | None = None
    jitter_minutes: int = 0
    after: str | None = None
    chosen: bool = False
    days: tuple[str, ...] = ()  # the weekdays it runs on (daily, weekdays, weekly, interval)

    def __post_init__(self) -> None:
        if not self.days:  # one truth for "which days": filled from every/day when not given
            days = _DEFAULT_DAYS.get(self.every, ()) or ((self.day,) if self.day else ())
            object.__setattr__(self, "days", tuple(days))

    def runs_on_weekday(self, weekday: int) -> bool:
        """Monday is 0: whether the schedule's day set holds that weekday."""
        return WEEKDAYS[weekday] in self.days

    def describe(self) -> str:
        at = self.at.strftime("%H:%M") if self.at else ""
        chosen = " (time chosen, not from the session)" if self.chosen else ""
        days = self.days
        if self.every == "daily":
            text = f"daily at {at}"
        elif self.every == "weekdays":
            text = f"weekdays at {at}"
        elif self.every == "weekly":
            text = f"weekly on {', '.join(days)} at {at}"
        elif self.every == "once":
            text = f"once on {self.date} at {at}"
        elif self.every == "interval" and self.between:
            start, end = (t.strftime("%H:%M") for t in self.between)
            jitter = f", ±{self.jitter_minutes} min" if self.jitter_minutes else ""
            on = "weekdays" if days in ((), WEEKDAYS[:5]) else ", ".join(days)
            text = f"every {self.interval_minutes} min, {start}-{end} on {on}{jitter}"
        else:
            text = f"after {self.after}"
        return text + chosen


@dataclass(frozen=True)
class Source:
    file: str
    line: int
    quote: str


@dataclass(frozen=True)
class Commitment:
    id: str
    kind: str
    title: str
    source: Source | None  # None: written by the user themselves (a plan with own = true)
    plan_id: str
    minutes: int | None = None
    weekly_target: int | None = None
    steps: tuple[str, ...] = ()
    phrase: str | None = None
    question: str | None = None
    template: str | None = None
    reward: str | None = None
    nudge: str | None = None
    breathing_minutes: int | None = None
    grace_minutes: int | None = None
    label: str | None = None
    schedule: Schedule | None = None
    cue: str | None = None      # habit stacking: "after my first coffee"
    peer: str | None = None     # peer_check only: who, and who steps in
    backup: str | None = None

    @property
    def is_own(self) -> bool:
        return self.source is None

    def when(self) -> str:
        """The schedule line with its cue: "weekdays at 09:15, after my first coffee"."""
        if self.schedule is None:
            return self.cue or "when you choose"
        text = self.schedule.describe()
        return f"{text}, {self.cue}" if self.cue else text

    @property
    def grace(self) -> int:
        """Minutes a late reminder may still be sent."""
        if self.grace_minutes is not None:
            return self.grace_minutes
        if self.schedule is None:
            return 0
        return DEFAULT_GRACE[self.schedule.every]


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    session: str
    path: Path
    summary: str = ""
    commitments: tuple[Commitment, ...] = field(default_factory=tuple)
    own: bool = False  # written by the user: no session to quote

    def commitment(self, commitment_id: str) -> Commitment:
        for item in self.commitments:
            if item.id == commitment_id:
                return item
        raise NotFound(f"plan {self.id} has no commitment '{commitment_id}'.")


# ---------------------------------------------------------------- loading


def load_plan(path: Path) -> Plan:
    """Parse and validate one plan file; raise PlanProblems listing every problem found."""
    name = str(path)
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise PlanProblems([f"{name}: no such file"]) from None
    except IsADirectoryError:
        raise PlanProblems([f"{name}: is a folder, not a plan file"]) from None
    except OSError as err:
        raise PlanProblems([f"{name}: cannot be read ({err.strerror})"]) from None
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanProblems([f"{name}: is not UTF-8 text"]) from None
    return parse_plan(text, path=path)


def parse_plan(text: str, *, path: Path) -> Plan:
    name = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PlanProblems([f"{name}: {_toml_message(err)}"]) from None
    checker = _Checker(name)
    plan = checker.plan(data, path)
    if checker.problems:
        raise PlanProblems(checker.problems)
    assert plan is not None
    return plan


def _toml_message(err: tomllib.TOMLDecodeError) -> str:
    message = str(err)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if match:
        reason = message[: match.start()].strip()
        return f"line {match.group(1)}: invalid TOML: {reason}"
    return f"invalid TOML: {message}"


class _Checker:
    """Collects problems instead of stopping at the first."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []
        self.own = False

    def problem(self, where: str, field_name: str, message: str) -> None:
        self.problems.append(f"{self.name}: {_shown(where)}: {_shown(field_name)}: {_shown(message)}")

    # -- plan
    def plan(self, data: dict[str, Any], path: Path) -> Plan | None:
        head = data.get("plan")
        for key in sorted(set(data) - {"plan", "commitment"}):
            self.problem("plan", key, "unknown table or key")
        if not isinstance(head, dict):
            self.problems.append(f"{self.name}: plan: missing the [plan] table")
            head = {}
        for key in sorted(set(head) - _PLAN_KEYS):
            self.problem("plan", key, "unknown key")
        plan_id = self.text(head, "id", "plan", required=True) or ""
        if plan_id and not _ID_RE.match(plan_id):
            self.problem("plan", "id", "use lowercase letters, digits and dashes")
        own = head.get("own", False)
        if not isinstance(own, bool):
            self.problem("plan", "own", "must be true or false")
            own = False
        self.own = own
        title = self.text(head, "title", "plan", required=True) or ""
        session = self.text(head, "session", "plan", required=not own) or ""
        summary = self.text(head, "summary", "plan") or ""
        raw_items = data.get("commitment", [])
        if not isinstance(raw_items, list):
            self.problem("plan", "commitment", "use [[commitment]] tables")
            raw_items = []
        items = [self.commitment(raw, index, plan_id) for index, raw in enumerate(raw_items)]
        commitments = tuple(item for item in items if item is not None)
        self.unique_ids(commitments)
        self.after_targets(commitments)
        return Plan(plan_id, title, session, path, summary, commitments, own)

    def unique_ids(self, commitments: Iterable[Commitment]) -> None:
        seen: set[str] = set()
        for item in commitments:
            if item.id in seen:
                self.problem(f"commitment {item.id}", "id", "duplicate id in this plan")
            seen.add(item.id)

    def after_targets(self, commitments: tuple[Commitment, ...]) -> None:
        ids = {item.id for item in commitments}
        for item in commitments:
            sched = item.schedule
            if sched and sched.every == "after" and sched.after not in ids:
                self.problem(
                    f"commitment {item.id}", "schedule.after",
                    f"'{sched.after}' is not a commitment of this plan",
                )

    # -- commitment
    def commitment(self, raw: Any, index: int, plan_id: str) -> Commitment | None:
        if not isinstance(raw, dict):
            self.problem(f"commitment #{index + 1}", "commitment", "must be a table")
            return None
        raw_id = raw.get("id")
        where = f"commitment {raw_id}" if isinstance(raw_id, str) and raw_id else (
            f"commitment #{index + 1}"
        )
        before = len(self.problems)
        for key in sorted(set(raw) - _COMMITMENT_KEYS):
            self.problem(where, key, "unknown key")
        cid = self.text(raw, "id", where, required=True)
        if cid and not _ID_RE.match(cid):
            self.problem(where, "id", "use lowercase letters, digits and dashes")
        kind = self.text(raw, "kind", where, required=True)
        if kind and kind not in KINDS:
            self.problem(where, "kind", f"unknown kind '{kind}'; use one of {', '.join(KINDS)}")
        title = self.text(raw, "title", where, required=True)
        numbers = {key: self.number(raw, key, where) for key in _RANGES}
        texts = {
            key: self.text(raw, key, where)
            for key in ("phrase", "question", "template", "reward", "nudge", "label", "cue",
                        "peer", "backup")
        }
        for key in ("peer", "backup"):
            if texts[key] and kind != "peer_check":
                self.problem(where, key, "only a peer_check names a peer and a backup")
        if texts["peer"] and texts["backup"] and texts["peer"].casefold() == texts["backup"].casefold():
            self.problem(where, "backup", "is the same person as the peer; name someone else")
        steps = self.steps(raw, where)
        schedule = self.schedule(raw.get("schedule"), where) if "schedule" in raw else None
        own = self.own or raw.get("own") is True
        if "own" in raw and not isinstance(raw["own"], bool):
            self.problem(where, "own", "must be true or false")
        source = None if own and "source" not in raw else self.source(raw.get("source"), where)
        if len(self.problems) > before or not (cid and kind and title and (source or own)):
            return None
        return Commitment(
            id=cid, kind=kind, title=title, source=source, plan_id=plan_id,
            steps=steps, schedule=schedule, **numbers, **texts,
        )

    def steps(self, raw: dict[str, Any], where: str) -> tuple[str, ...]:
        value = raw.get("steps", [])
        if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
            self.problem(where, "steps", "must be a list of non-empty strings")
            return ()
        return tuple(value)

    def source(self, raw: Any, where: str) -> Source | None:
        if raw is None:
            self.problem(where, "source", "missing; every commitment quotes the session it came from "
                         "(or mark a plan you wrote yourself with own = true under [plan])")
            return None
        if not isinstance(raw, dict):
            self.problem(where, "source", "must be a table with file, line and quote")
            return None
        for key in sorted(set(raw) - _SOURCE_KEYS):
            self.problem(where, f"source.{key}", "unknown key")
        file = self.text(raw, "file", where, required=True, prefix="source.")
        quote = self.text(raw, "quote", where, required=True, prefix="source.")
        line = raw.get("line")
        if line is None:
            self.problem(where, "source.line", "missing")
        elif not isinstance(line, int) or isinstance(line, bool) or line < 1:
            self.problem(where, "source.line", "must be a line number (1 or more)")
            line = None
        if file and quote and line:
            return Source(file, line, quote)
        return None

    def schedule(self, raw: Any, where: str) -> Schedule | None:
        if not isinstance(raw, dict):
            self.problem(where, "schedule", "must be a table")
            return None
        before = len(self.problems)
        for key in sorted(set(raw) - _SCHEDULE_KEYS):
            self.problem(where, f"schedule.{key}", "unknown key")
        every = raw.get("every")
        if every not in EVERY:
            self.problem(where, "schedule.every", f"'{every}' is not one of {', '.join(EVERY)}")
            return None
        at = self.clock(raw, "at", where, required=every in ("daily", "weekdays", "weekly", "once"))
        day = raw.get("day")
        days = self.day_set(raw, where, every)
        if every == "weekly" and not days and day not in WEEKDAYS:
            self.problem(where, "schedule.day", f"'{day}' is not one of {', '.join(WEEKDAYS)}")
        if every == "weekly" and days and day is None:
            day = days[0]
        if every == "weekly" and not days and day in WEEKDAYS:
            days = (day,)
        on_date = self.date_field(raw, where) if every == "once" else None
        interval = between = None
        jitter = 0
        if every == "interval":
            interval = self.int_in(raw, "interval_minutes", where, 5, 480, required=True)
            between = self.window(raw, where)
            jitter = self.int_in(raw, "jitter_minutes", where, 0, 60) or 0
        after = raw.get("after")
        if every == "after" and not (isinstance(after, str) and after):
            self.problem(where, "schedule.after", "name the commitment this one follows")
        chosen = raw.get("chosen", False)
        if not isinstance(chosen, bool):
            self.problem(where, "schedule.chosen", "must be true or false")
        if len(self.problems) > before:
            return None
        return Schedule(every, at, day, on_date, interval, between, jitter, after, chosen, days)

    def day_set(self, raw: dict, where: str, every: str) -> tuple[str, ...]:
        value = raw.get("days")
        if value is None:
            return ()
        if every not in ("weekly", "interval"):
            self.problem(where, "schedule.days", f"a day set does not apply to every = \"{every}\"")
            return ()
        if not (isinstance(value, list) and value and all(d in WEEKDAYS for d in value)):
            self.problem(where, "schedule.days", f"give days like [\"mon\", \"wed\"] from "
                         f"{', '.join(WEEKDAYS)}")
            return ()
        return tuple(d for d in WEEKDAYS if d in value)  # week order, no repeats

    # -- field helpers
    def text(self, raw: dict, key: str, where: str, *, required: bool = False,
             prefix: str = "") -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.problem(where, prefix + key, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(where, prefix + key, "must be non-empty text")
            return None
        return value

    def number(self, raw: dict, key: str, where: str) -> int | None:
        low, high = _RANGES[key]
        return self.int_in(raw, key, where, low, high)

    def int_in(self, raw: dict, key: str, where: str, low: int, high: int, *,
               required: bool = False) -> int | None:
        value = raw.get(key)
        label = key if key in _RANGES else f"schedule.{key}"
        if value is None:
            if required:
                self.problem(where, label, "missing")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.problem(where, label, f"must be a whole number from {low} to {high}")
            return None
        return value

    def clock(self, raw: dict, key: str, where: str, *, required: bool) -> time | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.problem(where, f"schedule.{key}", "missing (HH:MM)")
            return None
        parsed = parse_hhmm(value)
        if parsed is None:
            self.problem(where, f"schedule.{key}", f"'{value}' is not a time like 09:30")
        return parsed

    def date_field(self, raw: dict, where: str) -> date | None:
        value = raw.get("date")
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(where, "schedule.date", f"'{value}' is not a date like 2026-11-23")
            return None

    def window(self, raw: dict, where: str) -> tuple[time, time] | None:
        value = raw.get("between")
        if not (isinstance(value, list) and len(value) == 2):
            self.problem(where, "schedule.between", "give the window as [\"09:00\", \"17:00\"]")
            return None
        start, end = parse_hhmm(value[0]), parse_hhmm(value[1])
        if start is None or end is None or start >= end:
            self.problem(where, "schedule.between", f"{value} is not a window like 09:00-17:00")
            return None
        return start, end


def _shown(text: str) -> str:
    """Keep each problem on one line: escape newlines and other control characters."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def parse_hhmm(value: Any) -> time | None:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        return None
    match = _HHMM_RE.match(value.strip())
    if not match:
        return None
    return time(int(match.group(1)), int(match.group(2)))


# ---------------------------------------------------------------- where plans live


def builtin_plans_dir() -> Path:
    """The plans shipped with habit: inside the wheel, or plans/ of a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_builtin_plans"
    if packaged.is_dir():
        return packaged
    return here.parents[1] / "plans"


def plan_files(*folders: Path) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.toml")))
    return files


def load_plans(paths: Iterable[Path]) -> list[Plan]:
    """Load several files; every problem from every file is reported together."""
    plans: list[Plan] = []
    problems: list[str] = []
    for path in paths:
        try:
            plans.append(load_plan(path))
        except PlanProblems as err:
            problems.extend(err.problems)
    if problems:
        raise PlanProblems(problems)
    return plans


def check_unique(plans: Iterable[Plan]) -> None:
    """Commitment ids must be unique across the plans that are active together."""
    owner: dict[str, Plan] = {}
    problems = []
    for plan in plans:
        for item in plan.commitments:
            if item.id in owner and owner[item.id].id != plan.id:
                problems.append(
                    f"{plan.path}: commitment {item.id}: id: also used by plan {owner[item.id].id}"
                )
            owner.setdefault(item.id, plan)
    if problems:
        raise PlanProblems(problems)
