"""`habit start-block`: the start ritual, the focus block, and the one-keystroke wins line.

The flow itself lives in `habit.timer`; this module parses the options, draws what the person
sees (the `View`), and renders the result. rich and the store are imported inside functions so
`habit --help` stays light.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import contextmanager
from typing import Any

import typer

from habit.cli.context import AppContext

PACER_WIDTH = 24


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("start-block")(start_block)


def start_block(
    ctx: typer.Context,
    minutes: int = typer.Option(None, "--minutes", "-m", help="Block length, 1-240 minutes "
                                "(default: the plan's, 25)."),
    goal: str = typer.Option(None, "--goal", "-g", help="The one tiny goal (skips the prompt)."),
    log: str = typer.Option(None, "--log", help="The wins line to log at the end (skips the "
                            "prompt; \"\" logs nothing)."),
    no_ritual: bool = typer.Option(False, "--no-ritual", help="Skip the breathing."),
    experiment: bool = typer.Option(False, "--experiment",
                                    help="Label the block an experiment: the outcome is data."),
    nudge: int = typer.Option(None, "--nudge", metavar="SECONDS",
                              help="Show the plan's nudge (\"Look at the cursor.\") this often."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Ask nothing: use --goal, --log or the "
                             "filled template."),
) -> None:
    """Breathe, name one tiny goal, focus, then log one line — no matter the outcome.

    Ctrl-C stops at any moment; the block is saved as stopped and still counts.

    Example: habit start-block --minutes 10 --goal "outline section 2"
    """
    from habit.errors import PlanProblems, UsageProblem
    from habit.notify import DesktopNotifier
    from habit.timer import TerminalClosed, plan_block, run_session, share_status

    app_ctx: AppContext = ctx.obj
    try:
        catalog = app_ctx.catalog()
    except PlanProblems:
        catalog = None
        app_ctx.notices.append("(Some plan files have problems, so defaults were used; "
                               "`habit plan check` lists them.)")
    plan = plan_block(catalog, minutes=minutes, ritual=not no_ritual, experiment=experiment,
                      nudge_every=nudge, seconds_per_minute=_seconds_per_minute(UsageProblem))
    config = app_ctx.config()
    store = app_ctx.store()  # opening it closes any block a killed process left running
    view = BlockView(interactive=_stdin_is_terminal() and not yes, tz=app_ctx.tz,
                     seconds_per_minute=plan.seconds_per_minute)
    view.say_others(len(store.running_blocks()))
    notifier = DesktopNotifier(view.notice, expire_seconds=config.notifications.block_end_seconds)
    with _signals_close_the_block(TerminalClosed):
        result = run_session(store, app_ctx.clock, app_ctx.paths, plan, view, notifier=notifier,
                             goal=goal, log=log)
    if result.closed_by is not None:
        why = "The terminal closed" if result.closed_by == signal.SIGHUP else "Asked to stop"
        took = _minutes(result.ending.minutes)
        saved = (f"the block of {took} is saved; no line was logged" if result.ending.completed
                 else f"the block was saved as stopped after {took} — that still counts")
        view.quietly(f"{why}; {saved}.", err=True)
        raise typer.Exit(128 + result.closed_by)
    view.finish(result, plan, share_status(result.status_line, config.share))


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _seconds_per_minute(error: type[Exception]) -> float:
    """Hidden, for tests: HABIT_SECONDS_PER_MINUTE=2 makes every minute two seconds long."""
    raw = os.environ.get("HABIT_SECONDS_PER_MINUTE", "")
    if not raw:
        return 60.0
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise error(f"HABIT_SECONDS_PER_MINUTE must be a positive number of seconds (got {raw!r}).")
    return value


@contextmanager
def _signals_close_the_block(closed: type[Exception]):
    """SIGHUP (terminal closed) and SIGTERM end the block as stopped instead of losing it."""

    def handler(signum, _frame):
        raise closed(signum)

    saved = {}
    for sig in (signal.SIGHUP, signal.SIGTERM):
        try:
            saved[sig] = signal.signal(sig, handler)
        except ValueError:  # not the main thread: leave the defaults
            pass
    try:
        yield
    finally:
        for sig, previous in saved.items():
            signal.signal(sig, previous)


def _minutes(minutes: float) -> str:
    from habit.timer import minutes_phrase

    return minutes_phrase(minutes)


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))  # count down like a kitchen timer: 0:00 only at the end
    return f"{seconds // 60}:{seconds % 60:02d}"


class BlockView:
    """What the person sees: a live pacer and bar in a terminal, plain lines anywhere else."""

    def __init__(self, *, interactive: bool, tz: Any, seconds_per_minute: float = 60.0) -> None:
        from rich.console import Console

        self.interactive = interactive
        self.tz = tz
        self.spm = seconds_per_minute
        self.console = Console(highlight=False, soft_wrap=False)
        self.fancy = self.console.is_terminal
        self._live: Any = None
        self._shown: Any = None

    # -- small helpers
    def line(self, text: str = "") -> None:
        self._print(text)

    def notice(self, text: str) -> None:
        """The notifier's terminal fallback: typer, not rich, so the bell (\a) really rings."""
        self._stop_live()
        typer.echo(text)

    def _print(self, text: str = "", *, err: bool = False) -> None:
        if self._live is not None:
            self._live.console.print(text, markup=False, highlight=False)
        elif err:
            typer.echo(text, err=True)
        else:  # a terminal wraps at words; a pipe or file gets whole lines
            self.console.print(text, markup=False, highlight=False, soft_wrap=not self.fancy)

    def quietly(self, text: str, *, err: bool = False) -> None:
        """Say something when the terminal may already be gone."""
        try:
            self._stop_live()
            self._print(text, err=err)
        except (OSError, ValueError):
            pass

    def _start_live(self) -> None:
        if self.fancy and self._live is None:
            from rich.live import Live

            self._live = Live(console=self.console, auto_refresh=False, transient=True,
                              redirect_stdout=False, redirect_stderr=False)
            self._live.start()
            self._shown = None

    def _show(self, key: Any, renderable: Any) -> None:
        if self._live is not None and key != self._shown:  # redraw only when something changed
            self._shown = key
            self._live.update(renderable, refresh=True)

    def _stop_live(self) -> None:
        if self._live is not None:
            live, self._live = self._live, None
            live.stop()

    def _local(self, moment) -> str:
        return moment.astimezone(self.tz).strftime("%H:%M")

    def say_others(self, running: int) -> None:
        if running:
            self.line("(Another focus block is running in another terminal; this one runs "
                      "alongside it.)")

    # -- the ritual
    def breathing_started(self, plan) -> None:
        steps = " · ".join(plan.ritual_steps) or "Slow breathing, then one tiny goal"
        self.line(f"Start ritual: {steps}")
        self.line(f"Breathe slowly for {_minutes(plan.breathing_minutes)}: in for "
                  f"{plan.inhale:g} s, out for {plan.exhale:g} s. Ctrl-C stops at any time.")
        self._start_live()

    def breath(self, phase: str, fraction: float, elapsed: float, total: float) -> None:
        if self._live is None:
            return
        from rich.text import Text

        filled = round((fraction if phase == "in" else 1 - fraction) * PACER_WIDTH)
        cue = "breathe in " if phase == "in" else "breathe out"
        bar = "●" * filled + "·" * (PACER_WIDTH - filled)
        text = f"  {cue}  {bar}   {_clock(elapsed)} of {_clock(total)}"
        self._show(text, Text(text))

    def breathing_done(self) -> None:
        self._stop_live()

    def ask_goal(self) -> str:
        self.line("")
        self._stop_live()
        return _ask("One clear, tiny goal for this block (Enter to skip): ")

    def show_phrase(self, phrase: str) -> None:
        self.line("")
        self.line(f"  “{phrase}”")

    # -- the block
    def block_started(self, block, plan, goal: str) -> None:
        from datetime import timedelta

        until = block.started_at + timedelta(seconds=plan.block_seconds)
        what = "Experiment" if plan.experiment else "Focus block"
        on = f" on “{goal}”" if goal else ""
        self.line("")
        self.line(f"{what}: {_minutes(plan.minutes)}{on}, until {self._local(until)}. "
                  "Ctrl-C stops it; it still counts.")
        for step in plan.block_steps:
            self.line(f"  · {step}")
        self._start_live()

    def tick(self, elapsed: float, total: float, goal: str) -> None:
        if self._live is None:
            return
        from rich.progress_bar import ProgressBar
        from rich.table import Table

        left = _clock((total - elapsed) * 60 / self.spm)
        if (left, goal) == self._shown:
            return
        width = min(self.console.width, 90)
        grid = Table.grid(padding=(0, 2), expand=True)
        grid.width = width
        grid.add_column(no_wrap=True, max_width=max(12, width // 3), overflow="ellipsis")
        grid.add_column(ratio=1)
        grid.add_column(no_wrap=True)
        grid.add_row(f"  {goal or 'focus'}", ProgressBar(total=total, completed=elapsed),
                     f"{left} left")
        self._show((left, goal), grid)

    def nudge(self, text: str) -> None:
        self._print(f"  {text}")

    def block_ended(self, ending) -> None:
        self._stop_live()
        self.line("")
        if ending.completed:
            text = f"Block complete: {_minutes(ending.minutes)}."
            if ending.asleep_past_end:
                text += (f" Its time ended at {self._local(ending.block.ended_at)} while this "
                         "computer was asleep.")
        elif ending.stage == "ritual":
            text = (f"Stopped during the start ritual, after {_minutes(ending.minutes)} — "
                    "that still counts.")
        else:
            text = f"Stopped after {_minutes(ending.minutes)} — that still counts."
        self.line(text)

    def problem(self, text: str) -> None:
        self.line(text[0].upper() + text[1:])

    def ask_line(self, prefill: str) -> str | None:
        self.line("One line, no matter the outcome. Edit it or just press Enter:")
        return _ask("> ", prefill)

    # -- the end
    def finish(self, result, plan, shared) -> None:
        if result.entry is None:
            self.line("No line logged; the block is saved.")
        elif plan.experiment:
            self.line("Logged as an experiment: whatever happened is data.")
        else:
            self.line("Logged.")
        if result.reward:
            self.line(f"Now: {result.reward}")
        self.line("")
        where = (f"copied to the clipboard with {shared.copied_with}" if shared.copied_with
                 else "no clipboard here, copy it from below")
        self.line(f"For your peer ({where}):")
        self.line(f"  {result.status_line}")
        if shared.posted_to:
            self.line(f"Posted to {shared.posted_to}.")
        elif shared.post_problem:
            self.line(f"Not posted: {shared.post_problem}")


def _ask(prompt: str, prefill: str = "") -> str:
    """One editable line. In a real terminal the prefill is typed in for you (readline), so Enter
    accepts it and editing is ordinary line editing; elsewhere a plain prompt with a default."""
    readline = _readline()
    try:
        if readline is not None and prefill:
            readline.set_startup_hook(lambda: readline.insert_text(prefill))
            try:
                return input(prompt)
            finally:
                readline.set_startup_hook(None)
        if prefill:
            answer = input(f"{prompt}{prefill.rstrip()}  [Enter keeps it] ")
            return answer or prefill
        return input(prompt)
    except EOFError:  # Ctrl-D: like Ctrl-C, nothing is asked again and nothing is logged
        typer.echo("")
        return ""


def _readline():
    """readline, only where input() really uses it (the process's own terminal)."""
    if not (sys.stdin is sys.__stdin__ and sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    try:
        import readline
    except ImportError:  # some builds have none: the plain prompt still works
        return None
    return readline
