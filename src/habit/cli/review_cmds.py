"""`habit review`: the week in plain counts, as text, Markdown or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from habit.cli.context import AppContext

FORMATS = ("text", "markdown", "json")
_SUFFIX_FORMAT = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".txt": "text"}


def review(
    ctx: typer.Context,
    week: str | None = typer.Option(None, "--week", "-w", metavar="YYYY-Www",
                                    help="The ISO week to show, e.g. 2026-W47 (default: this week)."),
    last: bool = typer.Option(False, "--last", help="Show last week."),
    fmt: str | None = typer.Option(None, "--format", "-f", metavar="text|markdown|json",
                                   help="Output format (default: text, or from the -o file's suffix)."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write the review to FILE (mode 0600); - for the terminal."),
    force: bool = typer.Option(False, "--force", help="With -o: replace FILE if it exists."),
) -> None:
    """Look back at one week: counts per commitment, blocks, wins, the peer check, a day strip.

    Weeks are ISO weeks (Monday to Sunday) in your local time zone.

    Example: habit review --last --format markdown -o week.md
    """
    from habit import render
    from habit.errors import UsageProblem
    from habit.output import check_target, is_stdout, write_output
    from habit.review import choose_week, review_week

    app_ctx: AppContext = ctx.obj
    if is_stdout(output):
        output = None
    chosen_fmt = _format(fmt, output, UsageProblem)
    if output is not None:
        check_target(output, force=force, example="week.md")  # refuse before any work
    now = app_ctx.clock.now()
    chosen = choose_week(week, last=last, now=now, tz=app_ctx.tz)
    config = app_ctx.config()
    catalog = app_ctx.catalog()
    store = app_ctx.reader()  # a review never creates files, and reads a read-only copy
    result = review_week(store, chosen, tz=app_ctx.tz, now=now, commitments=catalog.commitments(),
                         peer=config.peer)
    if chosen_fmt == "json":
        body = render.json_text(result)
    elif chosen_fmt == "markdown":
        body = render.markdown(result)
    else:
        body = render.text(result, ascii_only=output is None and not _can_show_unicode())
    if output is None:
        typer.echo(body, nl=False)
        return
    write_output(output, body, force=force, example="week.md")
    typer.echo(f"Wrote the {result.week} review to {output}.")


def _format(fmt: str | None, output: Path | None, problem: type[Exception]) -> str:
    if fmt is None:
        return _SUFFIX_FORMAT.get(output.suffix.lower(), "text") if output else "text"
    chosen = fmt.strip().lower()
    chosen = {"md": "markdown", "txt": "text"}.get(chosen, chosen)
    if chosen not in FORMATS:
        raise problem(f"'{fmt}' is not a review format; use text, markdown or json.")
    return chosen


def _can_show_unicode() -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "▪·–—".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("review")(review)
