"""One injectable clock. Every `now` in habit comes from here, always timezone-aware."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for pacing, not for records)."""

    def sleep(self, seconds: float) -> None:
        """Wait; a fake clock advances instead."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FakeClock:
    """A clock for tests and dry runs: `sleep()` advances time instead of waiting.

    `on_sleep` lets a test act at a given moment (press Ctrl-C, jump past a suspend...).
    """

    def __init__(self, start: datetime, on_sleep=None) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._now = start.astimezone(UTC)
        self._mono = 1000.0
        self.on_sleep = on_sleep
        self.slept = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float, *, wall_only: bool = False) -> None:
        """Move time on; `wall_only` models a suspended laptop (the monotonic clock stood still)."""
        self._now += timedelta(seconds=seconds)
        if not wall_only:
            self._mono += seconds

    def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.advance(seconds)
        self.slept += seconds
        if self.on_sleep is not None:
            self.on_sleep(self)


def local_zone() -> tzinfo:
    """The user's zone (see `resolve_zone`), without the note about a replaced zone."""
    return resolve_zone()[0]


def resolve_zone(environ: dict[str, str] | None = None) -> tuple[tzinfo, str | None]:
    """The user's zone: HABIT_TZ, then TZ, then the system's; never silently UTC.

    HABIT_TZ is habit's own setting, so a name it cannot use is refused (UsageProblem). TZ is the
    whole system's and may hold a POSIX rule (CET-1CEST) or a typo: then the system's own zone is
    used and the second value is one line saying so, naming both.
    """
    from habit.errors import UsageProblem

    env = os.environ if environ is None else environ
    own = env.get("HABIT_TZ", "").strip()
    if own:
        zone = _zone(own)
        if zone is None:
            raise UsageProblem(f"HABIT_TZ={own} is not a time zone name habit knows; set it to a name "
                               "like Europe/Berlin (tzdata's list), or unset it.")
        return zone, None
    system = env.get("TZ", "").strip()
    if system:
        zone = _zone(system)
        if zone is not None:
            return zone, None
        fallback, where = _system_zone()
        return fallback, (f"habit: TZ={system} is not a time zone name habit knows; times are in "
                          f"{fallback} ({where}). Set HABIT_TZ to a name like Europe/Berlin to choose.")
    try:
        from tzlocal import get_localzone

        return get_localzone(), None
    except Exception:  # tzlocal can fail on odd systems; then say which zone is used
        fallback, where = _system_zone()
        return fallback, (f"habit: the system's time zone could not be read; times are in {fallback} "
                          f"({where}). Set HABIT_TZ to a name like Europe/Berlin to choose.")


def _zone(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name.removeprefix(":"))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _system_zone() -> tuple[tzinfo, str]:
    """The zone /etc/localtime points at, or UTC; with where it came from."""
    target = os.path.realpath("/etc/localtime")
    _, found, key = target.partition("zoneinfo/")
    zone = _zone(key) if found else None
    if zone is not None:
        return zone, "the system's zone"
    return UTC, "no system zone was found"


def to_local(moment: datetime, tz: tzinfo) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached display code")
    return moment.astimezone(tz)
