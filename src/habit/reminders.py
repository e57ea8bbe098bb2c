"""What a reminder says, whether it is still needed, and the quiet hold (`habit quiet 3m`).

Messages are a title and one line from the plan, made from live state ("1 of 3 so far this week").
Nothing here prints or reads the clock: callers pass `now`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from habit.errors import HabitError, UsageProblem
from habit.paths import HomePaths, ensure_home, write_private
from habit.plans import ENTRY_KIND_FOR
from habit.weeks import day_bounds, local_day, week_of

if TYPE_CHECKING:
    from habit.config import Config
    from habit.plans import Commitment
    from habit.records import HabitStore

MAX_QUIET = timedelta(hours=24)


@dataclass(frozen=True)
class Message:
    title: str
    body: str


# ---------------------------------------------------------------- done for this period?


def period(commitment: Commitment, due: datetime, tz: tzinfo) -> tuple[datetime, datetime] | None:
    """The stretch a reminder covers: the local day, the ISO week, or since a week before a once.

    None for cues that repeat within a day (interval): they are never "done".
    """
    sched = commitment.schedule
    if sched is None or sched.every == "interval":
        return None
    if sched.every == "weekly":
        return week_of(due, tz).bounds(tz)
    if sched.every == "once":
        return due - timedelta(days=7), due + timedelta(days=7)
    return day_bounds(local_day(due, tz), tz)


def done_count(commitment: Commitment, store: HabitStore, since: datetime, until: datetime) -> int:
    """How many times the commitment was recorded in [since, until)."""
    if commitment.kind == "start_ritual":  # the ritual leads into a block
        return len(store.blocks(since=since, until=until))
    kind = ENTRY_KIND_FOR.get(commitment.kind)
    kinds = [kind] if kind else None
    found = store.entries(since=since, until=until, kinds=kinds)
    if kind is None:  # one-offs: only what was tagged with this commitment
        return sum(e.commitment_id == commitment.id for e in found)
    return sum(e.commitment_id in (None, commitment.id) for e in found)


def target(commitment: Commitment) -> int:
    sched = commitment.schedule
    if commitment.weekly_target and sched is not None and sched.every == "weekly":
        return commitment.weekly_target
    return 1


def is_done(commitment: Commitment, store: HabitStore, *, due: datetime, tz: tzinfo) -> bool:
    """True when the reminder would ask for something already done in its period."""
    if commitment.kind == "summary":
        return False
    span = period(commitment, due, tz)
    if span is None:
        return False
    return done_count(commitment, store, *span) >= target(commitment)


# ---------------------------------------------------------------- the words


def build_message(commitment: Commitment, *, store: HabitStore, config: Config, due: datetime,
                  now: datetime, tz: tzinfo) -> Message:
    if commitment.kind == "proud_journal":
        body = _proud_line(commitment, store, due, tz)
    elif commitment.kind == "peer_check":
        body = _peer_line(commitment, store, config, now, tz)
    else:
        body = plan_line(commitment)
    return Message(commitment.title, body)


def plan_line(commitment: Commitment) -> str:
    """One line from the plan's own words: steps, then the phrase or question it carries."""
    steps = " · ".join(commitment.steps[:3])
    said = f"“{commitment.phrase}”" if commitment.phrase else commitment.question
    if commitment.kind == "daily_reflection" and commitment.steps:
        steps = commitment.steps[0]
    parts = [p for p in (steps, said) if p]
    if not parts:
        parts = [commitment.nudge or commitment.reward or commitment.title]
    return " — ".join(parts)


def _proud_line(commitment: Commitment, store: HabitStore, due: datetime, tz: tzinfo) -> str:
    start, end = week_of(due, tz).bounds(tz)
    count = done_count(commitment, store, start, end)
    line = f"{count} of {target(commitment)} so far this week"
    return f"{line}. {commitment.steps[0]}" if commitment.steps else line


def _peer_line(commitment: Commitment, store: HabitStore, config: Config, now: datetime,
               tz: tzinfo) -> str:
    from habit.review import peer_status

    week = week_of(now, tz)
    start, end = week.bounds(tz)
    status = peer_status(week, tz=tz, now=now, peer=config.peer, commitment=commitment,
                         entries=store.entries(since=start, until=end, kinds=["peer"]))
    line = "Peer check"
    if status.slot is not None:
        line += f" at {status.slot.strftime('%H:%M')}"
    if status.peer:
        line += f" with {status.peer}"
    if status.backup_due:
        line += f" — backup: {status.backup_due}"
    return line


def summary_message(week: str, path_text: str) -> Message:
    return Message("Your week is ready", f"The review of {week} is in {path_text}")


# ---------------------------------------------------------------- quiet


def parse_duration(text: str) -> timedelta:
    """'3m', '90s', '1h', '1h30m' or a bare number of minutes."""
    raw = text.strip().lower().replace(" ", "")
    if raw.isdigit():
        raw += "m"
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?", raw)
    if not raw or parts is None or not any(parts.groups()):
        raise UsageProblem(f"'{text}' is not a length of time; write it like 3m, 90s or 1h.")
    hours, minutes, seconds = (int(g or 0) for g in parts.groups())
    length = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if length <= timedelta(0):
        raise UsageProblem("give a length above zero, like 3m; `habit quiet off` ends a quiet spell.")
    if length > MAX_QUIET:
        raise UsageProblem("quiet lasts at most 24h; `habit remind --uninstall` stops reminders.")
    return length


def _read_state(paths: HomePaths) -> dict:
    try:
        return tomllib.loads(paths.state.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}  # a damaged state file only loses the quiet hold; never block reminders


def quiet_until(paths: HomePaths, now: datetime) -> datetime | None:
    """When the current quiet spell ends (aware UTC), or None when reminders are not held."""
    value = _read_state(paths).get("quiet_until")
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    value = value.astimezone(UTC)
    return value if value > now else None


def set_quiet(paths: HomePaths, until: datetime | None) -> None:
    """Hold reminders until `until`, or end the hold (None). Other state keys are kept."""
    import tomli_w

    state = _read_state(paths)
    if until is None:
        state.pop("quiet_until", None)
    else:
        state["quiet_until"] = until.astimezone(UTC).replace(microsecond=0)
    try:
        ensure_home(paths)
        write_private(paths.state, tomli_w.dumps(state))
    except OSError as err:
        raise HabitError(f"cannot write {paths.state} ({err.strerror}); nothing was changed.") from err
