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
    """The user's zone: HABIT_TZ, then TZ, then the system's (via tzlocal)."""
    for var in ("HABIT_TZ", "TZ"):
        name = os.environ.get(var, "").lstrip(":")
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    try:
        from tzlocal import get_localzone

        return get_localzone()
    except Exception:  # tzlocal can fail on odd systems; UTC is a safe, stated default
        return UTC


def to_local(moment: datetime, tz: tzinfo) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached display code")
    return moment.astimezone(tz)
