"""`habit backup` and `habit forget`: a safe copy of your data, and deleting all of it."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from habit.cli.context import AppContext
from habit.errors import UsageProblem

CONFIRM_WORD = "forget"


def backup(
    ctx: typer.Context,
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write the copy here (a file name, or a folder to put it in)."
    ),
) -> None:
    """Write a consistent copy of your data file (safe while reminders run).

    Without -o the copy goes to backups/ in the data folder, named by date and time.
    Restore by putting the copy back as habit.db while habit is not running.

    Example: habit backup -o ~/Documents/habit-backup.db
    """
    from habit.data import make_backup

    app_ctx: AppContext = ctx.obj
    result = make_backup(app_ctx.paths, now=app_ctx.clock.now(), tz=app_ctx.tz, target=output)
    typer.echo(
        f"Backed up {_count(result.entries, 'entry', 'entries')}, "
        f"{_count(result.blocks, 'focus block', 'focus blocks')} and "
        f"{_count(result.reminders, 'reminder', 'reminders')} to {result.path} "
        f"({_size(result.size)}, readable only by you)."
    )


def forget(
    ctx: typer.Context,
    all_data: bool = typer.Option(False, "--all", help="Delete everything habit keeps (required)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for the typed confirmation."),
) -> None:
    """Delete all your habit data from this computer, after you type "forget".

    Lists exactly what it removes. Copies you wrote elsewhere with -o stay where they are.

    Example: habit forget --all
    """
    from habit.data import forget_all, plan_forget

    app_ctx: AppContext = ctx.obj
    if not all_data:
        raise UsageProblem("say `habit forget --all` to delete all your data; nothing was removed.")
    plan = plan_forget(app_ctx.paths)
    if not plan.files:
        typer.echo(f"There is no habit data in {plan.root}; nothing to remove.")
        _say_kept(plan.kept)
        return
    if not yes:
        _confirm(plan)
    removed = forget_all(app_ctx.paths, plan)
    typer.echo(f"Removed {len(removed)} files from {plan.root}:")
    for path in removed:
        typer.echo(f"  {path.relative_to(plan.root)}")
    _say_kept(plan.kept)


def _confirm(plan) -> None:
    if not _stdin_is_tty():
        raise UsageProblem(
            "forgetting needs a typed confirmation; run it in a terminal, or add --yes. "
            "Nothing was removed."
        )
    typer.echo(f"This deletes all your habit data in {plan.root}:")
    for path in plan.files:
        typer.echo(f"  {path.relative_to(plan.root)}")
    typer.echo("This cannot be undone. To keep a copy, stop here and run `habit backup -o FILE` "
               "with FILE outside this folder.")
    answer = typer.prompt(f'Type "{CONFIRM_WORD}" to delete it', default="", show_default=False)
    if answer.strip() != CONFIRM_WORD:
        typer.echo("Nothing was removed.", err=True)
        raise typer.Exit(1)


def _say_kept(kept) -> None:
    if kept:
        typer.echo("Left in place (not habit's own): " + ", ".join(str(p) for p in kept))


def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("backup")(backup)
    app.command("forget")(forget)
