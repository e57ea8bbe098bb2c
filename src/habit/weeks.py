"""ISO weeks and local days, turned into UTC bounds the store can compare with its index."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from habit.errors import UsageProblem

_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def shifted(self, weeks: int) -> IsoWeek:
        return week_of_date(self.monday + timedelta(weeks=weeks))

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) of the week in UTC: local Monday 00:00 to the next local Monday 00:00."""
        start = local_midnight(self.monday, tz)
        end = local_midnight(self.monday + timedelta(days=7), tz)
        return start, end


def week_of_date(day: date) -> IsoWeek:
    iso = day.isocalendar()
    return IsoWeek(iso.year, iso.week)


def week_of(moment: datetime, tz: tzinfo) -> IsoWeek:
    """The local ISO week an instant belongs to (a late-night entry stays on its local day)."""
    return week_of_date(moment.astimezone(tz).date())


def parse_week(text: str) -> IsoWeek:
    match = _WEEK_RE.match(text.strip())
    if not match:
        raise UsageProblem(f"'{text}' is not a week; write it like 2026-W47.")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise UsageProblem(f"{year} has no week {week}; ISO years have 52 or 53 weeks.") from None
    return IsoWeek(year, week)


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The UTC instant of local 00:00 on `day` (zoneinfo resolves gaps and folds)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    return local_midnight(day, tz), local_midnight(day + timedelta(days=1), tz)


def local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()
