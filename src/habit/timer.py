"""The start ritual and the focus block, run over the injected clock. Prints nothing.

The CLI hands in a `View` (what the person sees and answers); this module decides what happens
and when, writes the block and the wins line, and returns plain data for the CLI to render.

Timing: the block's deadline is `started_at + minutes` on the WALL clock, checked after each short
sleep, so a laptop that sleeps past the end ends the block on wake (at its deadline), and small
sleep overheads never add up to drift. The breathing pacer runs on the monotonic clock.
"""

from __future__ import annotations

import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from habit.errors import HabitError, StoreError, UsageProblem
from habit.logs import log_entry

# Defaults for someone with no plan of these kinds (the plans' own values come first).
DEFAULT_BLOCK_MINUTES = 25
DEFAULT_BREATHING_MINUTES = 2
INHALE_SECONDS = 4.0
EXHALE_SECONDS = 6.0
DEFAULT_TEMPLATE = "{goal}; "
# The same sentence as the ten-minute-block plan's nudge, for when no plan carries one.
DEFAULT_NUDGE = "Look at the cursor."
MIN_MINUTES, MAX_MINUTES = 1, 240
MIN_NUDGE, MAX_NUDGE = 5, 3600

BLOCK_TICK = 0.5  # seconds between wall-clock checks in a block (the display changes once a second)
PACE_TICK = 0.25  # seconds between pacer updates while breathing
HEARTBEAT_SECONDS = 30.0  # how often a running block records that it is still alive
ASLEEP_AFTER = 60.0  # woke this many seconds past the deadline: the computer was asleep


class TerminalClosed(HabitError):
    """Raised by the CLI's SIGHUP/SIGTERM handler: close the block, ask nothing."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__("the terminal closed; the block was saved as stopped.")


@dataclass(frozen=True)
class BlockPlan:
    """Everything one run needs, resolved from the active plans and the options."""

    minutes: int
    ritual: bool
    breathing_minutes: int
    inhale: float
    exhale: float
    ritual_steps: tuple[str, ...]
    phrase: str | None
    block_steps: tuple[str, ...]
    template: str
    reward: str | None
    nudge_text: str
    nudge_every: float | None
    label: str | None
    ritual_commitment: str | None
    block_commitment: str | None
    wins_commitment: str | None
    seconds_per_minute: float = 60.0  # tests shrink minutes (HABIT_SECONDS_PER_MINUTE)

    @property
    def experiment(self) -> bool:
        return self.label == "experiment"

    @property
    def block_seconds(self) -> float:
        return self.minutes * self.seconds_per_minute

    @property
    def breathing_seconds(self) -> float:
        return self.breathing_minutes * self.seconds_per_minute

    @property
    def heartbeat_seconds(self) -> float:
        return max(0.5, HEARTBEAT_SECONDS * self.seconds_per_minute / 60)

    @property
    def entry_kind(self) -> str:
        return "experiment" if self.experiment else "win"

    def minutes_of(self, seconds: float) -> float:
        return seconds / self.seconds_per_minute


def plan_block(
    catalog: Any | None, *, minutes: int | None = None, ritual: bool = True,
    experiment: bool = False, nudge_every: int | None = None, seconds_per_minute: float = 60.0,
) -> BlockPlan:
    """Resolve the texts and lengths from the catalog (None: no usable plans) and the options."""
    if minutes is not None and not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise UsageProblem(
            f"--minutes takes a whole number from {MIN_MINUTES} to {MAX_MINUTES} (got {minutes})."
        )
    if nudge_every is not None and not MIN_NUDGE <= nudge_every <= MAX_NUDGE:
        raise UsageProblem(
            f"--nudge takes seconds from {MIN_NUDGE} to {MAX_NUDGE} (got {nudge_every})."
        )
    start = catalog.first_of_kind("start_ritual") if catalog else None
    block = catalog.first_of_kind("focus_block") if catalog else None
    wins = catalog.first_of_kind("wins_log") if catalog else None
    return BlockPlan(
        minutes=minutes or (block.minutes if block and block.minutes else DEFAULT_BLOCK_MINUTES),
        ritual=ritual,
        breathing_minutes=(start.breathing_minutes if start and start.breathing_minutes
                           else DEFAULT_BREATHING_MINUTES),
        inhale=INHALE_SECONDS,
        exhale=EXHALE_SECONDS,
        ritual_steps=start.steps if start else (),
        phrase=block.phrase if block else None,
        block_steps=block.steps if block else (),
        template=(wins.template if wins and wins.template else DEFAULT_TEMPLATE),
        reward=wins.reward if wins else None,
        nudge_text=_nudge_text(catalog, block),
        nudge_every=float(nudge_every) if nudge_every else None,
        label="experiment" if experiment else (block.label if block else None),
        ritual_commitment=start.id if start else None,
        block_commitment=block.id if block else None,
        wins_commitment=wins.id if wins else None,
        seconds_per_minute=seconds_per_minute,
    )


def _nudge_text(catalog: Any | None, block: Any | None) -> str:
    """The active block's nudge, else any focus block's nudge among all plans, else the default."""
    if block is not None and block.nudge:
        return block.nudge
    for plan in (catalog.plans if catalog else ()):
        for item in plan.commitments:
            if item.kind == "focus_block" and item.nudge:
                return item.nudge
    return DEFAULT_NUDGE


# ---------------------------------------------------------------- what the CLI implements


@dataclass(frozen=True)
class Ending:
    """How the block ended, for the view to say so."""

    block: Any  # store.BlockRecord
    stage: str  # "ritual" or "block"
    minutes: float  # true elapsed minutes (in the plan's minutes)
    asleep_past_end: bool = False  # the computer slept through the deadline

    @property
    def completed(self) -> bool:
        return self.block.status == "completed"


class View(Protocol):
    interactive: bool  # may we ask questions and wait for answers?

    def breathing_started(self, plan: BlockPlan) -> None: ...
    def breath(self, phase: str, fraction: float, elapsed: float, total: float) -> None: ...
    def breathing_done(self) -> None: ...
    def ask_goal(self) -> str: ...
    def show_phrase(self, phrase: str) -> None: ...
    def block_started(self, block: Any, plan: BlockPlan, goal: str) -> None: ...
    def tick(self, elapsed: float, total: float, goal: str) -> None: ...
    def nudge(self, text: str) -> None: ...
    def block_ended(self, ending: Ending) -> None: ...
    def ask_line(self, prefill: str) -> str | None: ...  # None: log nothing
    def problem(self, text: str) -> None: ...  # an answer that cannot be saved; asked again


@dataclass(frozen=True)
class SessionResult:
    block: Any  # store.BlockRecord
    ending: Ending
    goal: str
    entry: Any | None  # store.EntryRecord, or None when no line was logged
    status_line: str
    reward: str | None
    closed_by: int | None = None  # the signal that closed the terminal, if one did


# ---------------------------------------------------------------- texts


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def fill_template(template: str, *, goal: str, minutes: float, stage: str = "block") -> str:
    """The wins line, filled from the plan's template; unknown fields are left empty."""
    what = goal.strip() or ("the start ritual" if stage == "ritual" else "a focus block")
    values: Mapping[str, str] = _Blank(goal=what, minutes=str(round(minutes)), blocks="1")
    try:
        return string.Formatter().vformat(template, (), values)
    except (ValueError, IndexError, KeyError, AttributeError):
        return f"{template.strip()} {what}"  # a malformed template still gives a usable line


def clean_line(text: str) -> str:
    """What is stored: one line, no dangling separator left by the template."""
    return " ".join(text.split()).rstrip(";,").rstrip()


def one_line(raw: str | None, *, what: str) -> str:
    """A goal or wins line as one line; control characters and broken bytes are refused
    (habit.text's rules, so they cannot garble a terminal when shown later)."""
    from habit.text import clean_text

    checked = clean_text(raw, what=what, required=False, multiline=True)  # refuse before folding
    return " ".join(checked.split())


def minutes_phrase(minutes: float) -> str:
    whole = round(minutes)
    if whole < 1:
        return "less than a minute"
    return "1 minute" if whole == 1 else f"{whole} minutes"


def status_line(text: str, ending: Ending, plan: BlockPlan) -> str:
    """The one line for a peer: what was logged, plus what the block was."""
    what = "experiment" if plan.experiment else "focus block"
    if ending.stage == "ritual":
        about = f"{minutes_phrase(ending.minutes)} of the start ritual"
    elif ending.completed:
        about = f"{plan.minutes}-minute {what}"
    else:
        about = f"{minutes_phrase(ending.minutes)} of a {plan.minutes}-minute {what}"
    return f"{text} — {about}" if text else about[0].upper() + about[1:]


# ---------------------------------------------------------------- the run


def run_session(
    store: Any, clock: Any, paths: Any, plan: BlockPlan, view: View, *, notifier: Any,
    goal: str | None = None, log: str | None = None,
) -> SessionResult:
    """Ritual, block, end, wins line. Ctrl-C at any stage still saves the block as stopped."""
    from habit import blocklock

    # Given texts are checked before anything starts, so a refused one saves nothing.
    goal_text = one_line(goal, what="the goal")
    if log is not None:
        log = clean_line(one_line(log, what="the line"))
    ritual_start = clock.now()
    closed_by: int | None = None
    try:
        if plan.ritual:
            _breathe(clock, plan, view)
        if goal is None and view.interactive:
            goal_text = _ask_until_clean(view, view.ask_goal, what="the goal")
        if plan.phrase:
            view.show_phrase(plan.phrase)
    except (KeyboardInterrupt, TerminalClosed) as stop:
        # The person showed up: the ritual is part of the block and it counts.
        closed_by = getattr(stop, "signum", None)
        ending = _close_ritual(store, clock, plan, ritual_start, goal_text)
    else:
        uid = uuid.uuid4().hex
        # Lock first, then write the row: another habit command must never see this block
        # running without its lock and close it as an orphan.
        with blocklock.hold(paths, uid):
            block = store.start_block(
                started_at=clock.now(), planned_minutes=plan.minutes, goal=goal_text,
                label=plan.label, commitment_id=plan.block_commitment, uid=uid,
            )
            try:
                view.block_started(block, plan, goal_text)
                ending = _run_block(store, clock, plan, view, block, goal_text)
            except (KeyboardInterrupt, TerminalClosed) as stop:
                closed_by = getattr(stop, "signum", None)
                ending = _close_block(store, clock, plan, block)
            except Exception:
                _close_block(store, clock, plan, block)  # even a bug must not leave it running
                raise
    if closed_by is not None:  # no terminal to ask in: the block is saved, nothing else
        line = status_line("", ending, plan)
        return SessionResult(ending.block, ending, goal_text, None, line, plan.reward, closed_by)
    return _after(store, clock, plan, view, ending, goal_text, log=log, notifier=notifier)


def _ask_until_clean(view: View, ask: Any, *args: Any, what: str) -> str:
    from habit.text import TextProblem

    while True:
        answer = ask(*args)
        if answer is None:
            return ""
        try:
            return one_line(answer, what=what)
        except TextProblem as problem:
            view.problem(str(problem))


def _breathe(clock: Any, plan: BlockPlan, view: View) -> None:
    total = plan.breathing_seconds
    cycle = plan.inhale + plan.exhale
    view.breathing_started(plan)
    start = clock.monotonic()
    while True:
        elapsed = clock.monotonic() - start
        if elapsed >= total:
            break
        position = elapsed % cycle
        if position < plan.inhale:
            view.breath("in", position / plan.inhale, elapsed, total)
        else:
            view.breath("out", (position - plan.inhale) / plan.exhale, elapsed, total)
        clock.sleep(min(PACE_TICK, total - elapsed))
    view.breathing_done()


def _run_block(store: Any, clock: Any, plan: BlockPlan, view: View, block: Any,
               goal: str) -> Ending:
    total = plan.block_seconds
    deadline = block.started_at + timedelta(seconds=total)
    mono_start = clock.monotonic()
    next_beat = plan.heartbeat_seconds
    next_nudge = plan.nudge_every
    while True:
        now = clock.now()
        # The wall clock decides (it keeps counting through a suspend); the monotonic clock is a
        # backstop in case the wall clock is set back during the block.
        running = clock.monotonic() - mono_start
        if now >= deadline or running >= total:
            break
        elapsed = max(0.0, (now - block.started_at).total_seconds())
        view.tick(elapsed, total, goal)
        if next_nudge is not None and elapsed >= next_nudge:
            view.nudge(plan.nudge_text)
            while next_nudge <= elapsed:
                next_nudge += plan.nudge_every or elapsed
        if elapsed >= next_beat:
            _heartbeat(store, block, now)
            next_beat = elapsed + plan.heartbeat_seconds
        clock.sleep(min(BLOCK_TICK, (deadline - now).total_seconds(), total - running))
    view.tick(total, total, goal)
    now = clock.now()
    done = _finish(store, block.id, status="completed", ended_at=min(now, deadline))
    asleep = (now - deadline).total_seconds() > ASLEEP_AFTER
    return Ending(done, "block", plan.minutes_of(done.actual_seconds or 0), asleep_past_end=asleep)


def _finish(store: Any, block_id: int, *, status: str, ended_at: datetime) -> Any:
    """Close the block even if Ctrl-C is pressed again while saving (closing is idempotent)."""
    while True:
        try:
            return store.finish_block(block_id, status=status, ended_at=ended_at)
        except KeyboardInterrupt:
            continue


def _heartbeat(store: Any, block: Any, now: datetime) -> None:
    try:
        store.update_block(block.id, last_seen_at=now)
    except StoreError:
        pass  # a busy data file must not end a block; the next heartbeat tries again


def _close_block(store: Any, clock: Any, plan: BlockPlan, block: Any) -> Ending:
    """Stopped early: interrupted at this moment, unless the deadline had passed already."""
    now = clock.now()
    deadline = block.started_at + timedelta(seconds=plan.block_seconds)
    if now >= deadline:
        done = _finish(store, block.id, status="completed", ended_at=deadline)
        asleep = (now - deadline).total_seconds() > ASLEEP_AFTER
        return Ending(done, "block", plan.minutes, asleep_past_end=asleep)
    done = _finish(store, block.id, status="interrupted", ended_at=now)
    return Ending(done, "block", plan.minutes_of(done.actual_seconds or 0))


def _close_ritual(store: Any, clock: Any, plan: BlockPlan, started: datetime,
                  goal: str) -> Ending:
    block = store.start_block(
        started_at=started, planned_minutes=plan.minutes, goal=goal, label=plan.label,
        commitment_id=plan.ritual_commitment or plan.block_commitment,
    )
    done = _finish(store, block.id, status="interrupted", ended_at=clock.now())
    return Ending(done, "ritual", plan.minutes_of(done.actual_seconds or 0))


def _after(store: Any, clock: Any, plan: BlockPlan, view: View, ending: Ending, goal: str, *,
           log: str | None, notifier: Any) -> SessionResult:
    view.block_ended(ending)
    if ending.completed:  # after a Ctrl-C the person is at the terminal already
        what = f"“{goal}”" if goal else "your one thing"
        notifier.send("Focus block complete",
                      f"{minutes_phrase(plan.minutes).capitalize()} on {what}. "
                      "Your line is ready in the terminal.")
    prefill = fill_template(plan.template, goal=goal, minutes=ending.minutes, stage=ending.stage)
    closed_by = None
    if log is not None:
        text = log
    elif view.interactive:
        try:
            text = _ask_until_clean(view, view.ask_line, prefill, what="the line")
        except KeyboardInterrupt:
            text = ""
        except TerminalClosed as stop:
            text, closed_by = "", stop.signum
    else:
        text = prefill
    text = clean_line(text)
    entry = None
    if text:
        entry = log_entry(store, plan.entry_kind, text, now=clock.now(), at=ending.block.ended_at,
                          commitment_id=plan.wins_commitment, block_id=ending.block.id)
    return SessionResult(ending.block, ending, goal, entry, status_line(text, ending, plan),
                         plan.reward, closed_by)


# ---------------------------------------------------------------- sharing the status line


@dataclass(frozen=True)
class Shared:
    copied_with: str | None  # the clipboard tool, or None when there is no clipboard
    posted_to: str | None = None  # the redacted webhook, when posted
    post_problem: str | None = None  # one calm line when posting did not go through


def share_status(line: str, share: Any) -> Shared:
    """Copy the line to the clipboard; post it too when the user set up auto-posting."""
    from habit import clipboard, webhook
    from habit.errors import NetworkError

    copied = clipboard.copy(line)
    if not (share is not None and share.auto_post and share.webhook):
        return Shared(copied)
    try:
        webhook.post_text(share.webhook, line)
    except NetworkError as err:
        return Shared(copied, post_problem=str(err))
    return Shared(copied, posted_to=webhook.redact(share.webhook))
