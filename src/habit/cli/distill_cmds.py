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
    notes = "notes"
    vtt = "vtt"
    srt = "srt"
    turns = "turns"


def distill(
    ctx: typer.Context,
    transcript: str = typer.Argument(
        ..., metavar="FILE", help="Session notes, a .vtt/.srt caption file or a transcript; - for stdin."),
    client: str = typer.Option(
        None, "--client", metavar="NAME",
        help="The client's speaker name (default: Patient/Client, or the one asked about their plans).",
    ),
    output: Path = typer.Option(
        None, "-o", "--output", metavar="FILE", help="Write the draft plan to FILE (mode 0600); - for stdout."
    ),
    force: bool = typer.Option(False, "--force", help="With -o: replace FILE if it exists."),
    fmt: Format = typer.Option(
        None, "--format", case_sensitive=False,
        help="What FILE is: notes (every line a candidate), vtt, srt or turns (Name: text). "
        "Default: worked out from the file.",
    ),
    table: bool = typer.Option(False, "--table", help="Print a readable summary instead of plan TOML."),
    activate: bool = typer.Option(
        False, "--activate", help="Check the draft and make it an active plan at once (as `plan add`)."),
) -> None:
    """Read session notes or a transcript and propose a draft plan of the client's own commitments.

    Each commitment cites the line it came from. Check the draft, edit it, then activate it.

    Example: habit distill notes.md -o draft.toml && habit plan add draft.toml

    Example: habit distill call.vtt --client Sam --activate
    """
    from habit.distill import distill_file, draft_toml
    from habit.output import check_target, is_stdout, write_output

    app_ctx: AppContext = ctx.obj
    if is_stdout(output):
        output = None
    else:
        check_target(output, force=force, example="draft.toml")
    if transcript == "-" and sys.stdin.isatty():
        typer.echo("Paste the transcript, then press Ctrl-D on a new line.", err=True)
    stdin = sys.stdin.buffer.read() if transcript == "-" else None
    now = app_ctx.clock.now().astimezone(app_ctx.tz)
    draft = distill_file(transcript, client=client, now=now, stdin=stdin,
                         fmt=fmt.value if fmt is not None else None)
    text = _table(draft) if table else draft_toml(draft)
    if activate:
        typer.echo(_activate(app_ctx, draft, output, force=force))
        return
    if output is not None:
        write_output(output, text, force=force, example="draft.toml")
        typer.echo(_saved_line(draft, output), err=True)
    else:
        typer.echo(text, nl=not text.endswith("\n"))
    if draft.is_empty:
        typer.echo(
            "No commitments found: nothing the client said reads as a plan of their own yet. "
            "That is fine — a plan can wait, or be written by hand (see docs/plan-format.md).",
            err=True,
        )


def _activate(app_ctx: AppContext, draft: Draft, output: Path | None, *, force: bool) -> str:
    """Activate the draft through the plan catalog (checks and clash rules included)."""
    import tempfile

    from habit.catalog import activate_plan
    from habit.distill import TranscriptProblem, draft_toml
    from habit.output import write_output

    if draft.is_empty:
        raise TranscriptProblem(
            "no commitments were found, so there is nothing to activate; nothing was changed.")
    text = draft_toml(draft)
    if output is not None:
        write_output(output, text, force=force, example="draft.toml")
        plan = activate_plan(app_ctx.paths, output)
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "draft.toml"
            path.write_text(text, encoding="utf-8")
            plan = activate_plan(app_ctx.paths, path)
    count = len(plan.commitments)
    return (f"Activated {plan.id} ({count} commitment{'s' if count != 1 else ''}). "
            f"See it with: habit plan show {plan.id}")


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
