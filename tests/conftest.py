"""Every test runs with its own HABIT_HOME, a fixed zone, no colour and a fixed width."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from habit.cli.context import AppContext
from habit.clock import FakeClock
from habit.paths import HomePaths

BERLIN = ZoneInfo("Europe/Berlin")
# A Thursday afternoon in ISO week 2026-W47.
T0 = datetime(2026, 11, 19, 14, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    home = tmp_path / "habit-home"
    monkeypatch.setenv("HABIT_HOME", str(home))
    monkeypatch.setenv("HABIT_TZ", "Europe/Berlin")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("HABIT_DEBUG", raising=False)
    time.tzset()  # the process's own zone follows TZ, so no test can read the system's by chance
    yield home
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def home(_isolated) -> HomePaths:
    return HomePaths(_isolated)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def ctx(home, clock) -> AppContext:
    return AppContext(paths=home, clock=clock, tz=BERLIN)


class Habit:
    """Runs `habit ...` in-process against the test's context (fake clock, temp home)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, ok: bool = True):
        from habit.cli.app import app

        result = self.runner.invoke(app, list(args), obj=self.ctx, input=input,
                                    catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result


@pytest.fixture
def habit(ctx) -> Habit:
    return Habit(ctx)


@pytest.fixture
def store(ctx):
    return ctx.store()
