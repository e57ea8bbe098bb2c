"""`habit distill TRANSCRIPT`: from a session transcript to a draft plan the user checks."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from habit.cli.context import AppContext

if TYPE_CHECKING:
    from habit.distill import Draft


class Format(StrEnum):
    toml = "toml"
    table = "table"


def distill(
    ctx: typer.Context,
    transcript: str = typer.Argument(..., metavar="TRANSCRIPT", help="A transcript file, or - for stdin."),
    client: str = typer.Option(
        None, "--client", metavar="NAME",
        help="The client's speaker name (default: Patient or Client, any case).",
    ),
    output: Path = typer.Option(
        None, "-o", "--output", dir_okay=False, help="Write the draft plan to FILE instead of stdout."
    ),
    force: bool = typer.Option(False, "--force", help="With -o: replace FILE if it exists."),
    fmt: Format = typer.Option(
        Format.toml, "--format", case_sensitive=False,
        help="toml: a draft plan (checked by `habit plan check`); table: a readable summary.",
    ),
) -> None:
    """Read a session transcript and propose a draft plan of the client's own commitments.

    Each commitment cites the line it came from. Check the draft, edit it, then activate it.

    Example: habit distill session.txt -o draft.toml && habit plan add draft.toml
    """
    from habit.distill import distill_file, draft_toml, save_draft

    app_ctx: AppContext = ctx.obj
    if transcript == "-" and sys.stdin.isatty():
        typer.echo("Paste the transcript, then press Ctrl-D on a new line.", err=True)
    stdin = sys.stdin.buffer.read() if transcript == "-" else None
    now = app_ctx.clock.now().astimezone(app_ctx.tz)
    draft = distill_file(transcript, client=client, now=now, stdin=stdin)
    text = draft_toml(draft) if fmt is Format.toml else _table(draft)
    if output is not None:
        save_draft(text, output, force=force)
        typer.echo(_saved_line(draft, output), err=True)
    else:
        typer.echo(text, nl=not text.endswith("\n"))
    if draft.is_empty:
        typer.echo(
            "No commitments found: nothing the client said reads as a plan of their own yet. "
            "That is fine — a plan can wait, or be written by hand (see docs/plan-format.md).",
            err=True,
        )


def _saved_line(draft: Draft, output: Path) -> str:
    count = len(draft.commitments)
    return (f"Wrote a draft with {count} commitment{'s' if count != 1 else ''} to {output}. "
            f"Check it, then: habit plan add {output}")


def _table(draft: Draft) -> str:
    from habit.plans import KINDS, Schedule, parse_hhmm

    count = len(draft.commitments)
    lines = [f"{draft.plan['title']}: {count} commitment{'s' if count != 1 else ''} to check"]
    for item in draft.commitments:
        fields = item.fields
        lines.append("")
        lines.append(f"{item.id} — {fields['title']}")
        facts = [KINDS[item.kind]]
        if fields.get("minutes"):
            facts.append(f"{fields['minutes']} min")
        if fields.get("weekly_target"):
            facts.append(f"{fields['weekly_target']} a week")
        lines.append("  " + " · ".join(facts))
        sched = fields.get("schedule")
        if sched:
            lines.append(f"  when:  {_describe(sched, Schedule, parse_hhmm)}")
        for step in fields.get("steps", []):
            lines.append(f"  step:  {step}")
        for key in ("phrase", "question"):
            if fields.get(key):
                lines.append(f"  {key}: {fields[key]}")
        lines.append(f"  line {item.line}: “{item.quote}”")
    return "\n".join(lines) + "\n"


def _describe(sched: dict, schedule_cls, parse_hhmm) -> str:
    from datetime import date

    between = sched.get("between")
    value = schedule_cls(
        every=sched["every"],
        at=parse_hhmm(sched["at"]) if sched.get("at") else None,
        day=sched.get("day"),
        date=date.fromisoformat(sched["date"]) if sched.get("date") else None,
        interval_minutes=sched.get("interval_minutes"),
        between=(parse_hhmm(between[0]), parse_hhmm(between[1])) if between else None,
        jitter_minutes=sched.get("jitter_minutes", 0),
        after=sched.get("after"),
        chosen=sched.get("chosen", False),
    )
    return value.describe()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("distill")(distill)
