"""`habit start-block` as a user feels it, with a plan of their own (only it is active): its own
block and breathing minutes, a stop that comes after the deadline, what reaches the clipboard and
the webhook. The FakeClock makes the minutes instant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_start_block import stop_at

from plan_support import activate_only

PLAN = """\
[plan]
id = "mine"
title = "Blocks of my own"
session = "s.txt"

[[commitment]]
id = "my-ritual"
kind = "start_ritual"
title = "My start ritual"
breathing_minutes = 3
steps = ["Three minutes of slow breathing"]
[commitment.source]
file = "s.txt"
line = 1
quote = "I'll breathe first."

[[commitment]]
id = "my-block"
kind = "focus_block"
title = "A 40-minute block"
minutes = 40
[commitment.source]
file = "s.txt"
line = 2
quote = "Forty minutes on one thing."

[[commitment]]
id = "my-line"
kind = "wins_log"
title = "One line after"
template = "did {goal} for {minutes} min; "
[commitment.source]
file = "s.txt"
line = 3
quote = "One line after."
"""


@pytest.fixture(autouse=True)
def _no_desktop(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("HABIT_SECONDS_PER_MINUTE", raising=False)


@pytest.fixture
def copied(monkeypatch):
    texts: list[str] = []
    monkeypatch.setattr("habit.clipboard.copy", lambda text: texts.append(text) or "xclip")
    return texts


@pytest.fixture
def own_plan(habit, home, tmp_path):
    activate_only(habit, home, tmp_path / "mine.toml", PLAN)


def test_the_plans_own_block_and_breathing_minutes_are_used(habit, ctx, clock, own_plan, copied):
    start = clock.now()
    out = habit("start-block", "--goal", "the draft").stdout
    assert "Breathe slowly for 3 minutes" in out
    assert "Focus block: 40 minutes on “the draft”, until 14:43." in out
    assert "Block complete: 40 minutes." in out
    [block] = ctx.store().blocks()
    assert block.started_at == start + timedelta(minutes=3)  # after the plan's 3 breathing minutes
    assert (block.planned_minutes, block.actual_seconds, block.status) == (40, 2400, "completed")
    assert block.commitment_id == "my-block"
    [entry] = ctx.store().entries()
    assert entry.text == "did the draft for 40 min"
    assert copied == ["did the draft for 40 min — 40-minute focus block"]


def test_the_minutes_option_still_wins_over_the_plan(habit, ctx, own_plan, copied):
    habit("start-block", "--no-ritual", "--minutes", "10", "--goal", "x")
    [block] = ctx.store().blocks()
    assert (block.planned_minutes, block.actual_seconds) == (10, 600)


def test_a_block_stopped_after_its_deadline_is_completed_at_the_deadline(habit, ctx, clock,
                                                                         own_plan, copied):
    start = clock.now()
    stop_at(clock, 40)  # Ctrl-C arrives as the 40 minutes run out, before the end is noticed
    out = habit("start-block", "--no-ritual", "--goal", "x").stdout
    assert "Block complete: 40 minutes." in out and "Stopped after" not in out
    [block] = ctx.store().blocks()
    assert block.status == "completed"
    assert block.ended_at == start + timedelta(minutes=40) and block.actual_seconds == 2400


def test_the_clipboard_gets_the_status_line_and_the_webhook_its_address(habit, ctx, own_plan,
                                                                       copied, monkeypatch):
    posted = []
    monkeypatch.setattr("habit.webhook.post_text",
                        lambda url, text, **k: posted.append((url, text)))
    ctx.paths.config.write_text(ctx.paths.config.read_text() + (
        '[share]\nwebhook = "https://hooks.example.com/services/T0/B1/secret1234"\n'
        "auto_post = true\n"))
    out = habit("start-block", "--no-ritual", "--minutes", "5", "--goal", "x").stdout
    line = "did x for 5 min — 5-minute focus block"
    assert copied == [line]
    assert posted == [("https://hooks.example.com/services/T0/B1/secret1234", line)]
    assert "copied to the clipboard with xclip" in out and "secret1234" not in out
