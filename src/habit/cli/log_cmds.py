"""Quick logs and their history: log, proud, pause, peer, reflect, ground, today, history, undo,
edit, and export / import. Each command: parse, one call into `habit.logs` / `habit.exchange`, render.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from habit.cli.context import AppContext

if TYPE_CHECKING:
    from habit.records import EntryRecord

AT_HELP = 'When it happened, if not now: "21:30", "yesterday 21:30", "2026-11-18 21:30".'
JSON_HELP = "Print the saved entry as JSON (fields in the README)."

# `habit peer ...`: `log` is the default command, so `habit peer --with Sam "note"` logs a check;
# others add theirs (`peer_app.command("setup")(...)`). Its group class, DefaultGroup, is set in
# register(): importing habit.cli.app here would make the import order matter.
peer_app = typer.Typer(
    help="Record the weekly peer check (and set up who your peer is).\n\n"
    "habit peer [--with NAME] [--reply TEXT] [--at TIME] [--json] [NOTE] saves that the check\n"
    "happened; NAME defaults to your peer from `habit peer setup`, --reply keeps their one\n"
    "sentence.\n\n"
    'Example: habit peer --with Sam --reply "Slowing down is allowed." "talked through the week"',
    context_settings={"help_option_names": ["-h", "--help"]},
)

SQLITE_MAX_INT = 2**63 - 1  # the largest id or count SQLite can hold


# ---------------------------------------------------------------- helpers


def _is_tty() -> bool:
    """Both ends are a terminal: only then does habit ask a question or pace with pauses."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _app(ctx: typer.Context) -> AppContext:
    return ctx.obj


def _now_and_at(app: AppContext, at: str | None) -> tuple[datetime, datetime | None]:
    from habit.logs import parse_at

    now = app.clock.now()
    return now, (parse_at(at, now=now, tz=app.tz) if at else None)


def _commitments(app: AppContext, *, saving: bool = True) -> list:
    """The active commitments; a plan that cannot be read never stops a log from being saved."""
    from habit.errors import HabitError

    try:
        return app.catalog().commitments()
    except HabitError:
        app.after_success.append(
            "Your plans could not be read (`habit plan check` shows why); the entry was saved "
            "without its plan's words." if saving else
            "Your plans could not be read (`habit plan check` shows why), so their words are left out."
        )
        return []


def _when(moment: datetime, app: AppContext) -> str:
    local = moment.astimezone(app.tz)
    today = app.clock.now().astimezone(app.tz).date()
    days = (local.date() - today).days
    if days in (-1, 0, 1):
        return local.strftime(f"{('yesterday', 'today', 'tomorrow')[days + 1]} %H:%M")
    if local.year == today.year:
        return local.strftime("%a %d %b %H:%M")
    return local.strftime("%a %d %b %Y %H:%M")


@contextmanager
def _reader_may_stop():
    """`habit history | head` closes the pipe early: that is the reader being done, not an error."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own advice: no second error at exit
        raise typer.Exit(0) from None


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _entry_json(entry: EntryRecord, app: AppContext, **extra: Any) -> dict:
    from habit.logs import entry_json

    return {**entry_json(entry, app.tz), **extra}


def _saved(entry: EntryRecord, app: AppContext, what: str) -> str:
    text = f": {entry.text}" if entry.text else ""
    return f"Saved {what} ({_when(entry.at, app)}){text}"


# ---------------------------------------------------------------- quick logs


def log(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="One line: what you did, whatever the outcome."),
    kind: str = typer.Option("win", "--kind", help="win (default), experiment or note."),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Add a line to the wins log, saved at once.

    Example: habit log "outlined section 2; the next step is clear"
    """
    from habit.logs import commitment_for, log_win

    app = _app(ctx)
    now, when = _now_and_at(app, at)
    kind = kind.strip().lower()
    item = commitment_for(_commitments(app), kind)
    entry = log_win(app.quick_store(), text, now=now, at=when, kind=kind,
                    commitment_id=item.id if item else None)
    if as_json:
        return _echo_json(_entry_json(entry, app))
    typer.echo(_saved(entry, app, "your win" if kind == "win" else f"your {kind}"))
    if item is not None and item.reward and when is None:
        typer.echo(item.reward)


def proud(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="One thing you are proud of, however small."),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Write down one thing you're proud of this week; shows the week's count against the plan.

    Example: habit proud "asked for help on the flaky test"
    """
    from habit.logs import commitment_for, log_proud

    app = _app(ctx)
    now, when = _now_and_at(app, at)
    item = commitment_for(_commitments(app), "proud")
    result = log_proud(app.quick_store(), text, now=now, tz=app.tz, at=when,
                       commitment_id=item.id if item else None,
                       target=item.weekly_target if item else None)
    count = result.count
    if as_json:
        return _echo_json(_entry_json(result.entry, app, week=str(count.week), week_count=count.count,
                                      weekly_target=count.target))
    typer.echo(_saved(result.entry, app, "a proud thing"))
    described = count.describe()
    typer.echo(f"{described[0].upper()}{described[1:]}.")


def pause(
    ctx: typer.Context,
    note: str | None = typer.Argument(None, help="Optional: what was happening."),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Your pause cue showed up (a tense jaw, raised shoulders): shows the pause script from your
    plan, or a general one, and records it.

    Example: habit pause "before sending the design doc"
    """
    from habit.logs import log_pause, pause_script

    app = _app(ctx)
    now, when = _now_and_at(app, at)
    script = pause_script(_commitments(app))
    entry = log_pause(app.quick_store(), note, now=now, at=when, commitment_id=script.commitment_id)
    if as_json:
        return _echo_json(_entry_json(entry, app, script=list(script.lines)))
    for line in script.lines:
        typer.echo(line)
    typer.echo("")
    typer.echo(_saved(entry, app, "the pause"))


def peer(
    ctx: typer.Context,
    note: str | None = typer.Argument(None, help="Optional: a word on how it went."),
    with_: str | None = typer.Option(None, "--with", help="Who you met (default: your peer from config)."),
    reply: str | None = typer.Option(None, "--reply", help="Their one non-evaluative sentence, to keep."),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """The weekly peer check happened; keep the peer's one sentence if you like.

    Example: habit peer --with Sam --reply "Slowing down is allowed." "shared my two lines"
    """
    from habit.logs import commitment_for, log_peer

    app = _app(ctx)
    now, when = _now_and_at(app, at)
    name = with_ if with_ is not None else _peer_name(app)
    item = commitment_for(_commitments(app), "peer")
    entry = log_peer(app.store(), note, now=now, at=when, peer=name, reply=reply,
                     commitment_id=item.id if item else None)
    if as_json:
        return _echo_json(_entry_json(entry, app))
    who = f" with {entry.peer}" if entry.peer else ""
    typer.echo(_saved(entry, app, f"your peer check{who}"))
    if entry.reply:
        typer.echo(f'Their words, kept: "{entry.reply}"')


def _peer_name(app: AppContext) -> str | None:
    from habit.errors import HabitError

    try:
        return app.config().peer.name
    except HabitError:
        return None


def reflect(
    ctx: typer.Context,
    text: str | None = typer.Argument(None, help="The one effort you are reflecting on."),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """The daily reflection: the kind sentence from your plan, said over one effort.

    Without TEXT in a terminal, habit asks for the effort (Enter leaves it unsaid).
    Example: habit reflect "plated the new dish even though it wasn't perfect"
    """
    from habit.logs import log_reflection, reflection_phrase

    app = _app(ctx)
    now, when = _now_and_at(app, at)
    phrase, commitment_id = reflection_phrase(_commitments(app))
    if phrase and not as_json:
        typer.echo(phrase)
    if text is None and _is_tty() and not as_json:
        text = typer.prompt("The one effort today (Enter to skip)", default="", show_default=False)
    entry = log_reflection(app.store(), text, now=now, at=when, commitment_id=commitment_id)
    if as_json:
        return _echo_json(_entry_json(entry, app, phrase=phrase))
    typer.echo(_saved(entry, app, "your reflection"))


def ground(
    ctx: typer.Context,
    step: str | None = typer.Option(None, "--step", help="The one tiny step, in words."),
    at: str | None = typer.Option(None, "--at", help=AT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """A grounding pause of about a minute: feet on the floor, three slow breaths, then say the
    one tiny step in words. Recorded when done. Outside a terminal it does not wait or ask.

    Example: habit ground --step "open the draft and write one sentence"
    """
    from dataclasses import replace

    from habit.logs import commitment_for, grounding, log_step, pace

    app = _app(ctx)
    now, when = _now_and_at(app, at)  # a bad --at is said before the minute, not after it
    commitments = _commitments(app)
    item = next((c for c in commitments if c.kind == "tiny_step" and c.phrase), None)
    # A tiny step with a phrase is a grounding one; "highlight one word" has no feet-and-breath step.
    script = grounding(item)
    if item is None and (step_item := commitment_for(commitments, "step")) is not None:
        # Another tiny step is active: the general grounding words, recorded against that step.
        script = replace(script, commitment_id=step_item.id)
    interactive = _is_tty() and not as_json
    try:
        if not as_json:
            pace(app.clock, script.beats, typer.echo, wait=interactive)
            typer.echo(script.say_step)
            if script.example and step is None:
                typer.echo(f'For example: "{script.example}"')
        if step is None and interactive:
            step = typer.prompt("Your one tiny step (Enter to keep it unsaid)", default="",
                                show_default=False)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("\nStopped the grounding pause; nothing was saved. You can start it again any time.")
        raise typer.Exit(130) from None
    entry = log_step(app.store(), step, now=app.clock.now(), at=when,
                     commitment_id=script.commitment_id)
    if as_json:
        return _echo_json(_entry_json(entry, app))
    typer.echo(_saved(entry, app, "the grounding pause"))
    if entry.text:
        typer.echo("Now just that one step.")


# ---------------------------------------------------------------- looking back


def today(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print today as JSON."),
) -> None:
    """What you've logged today, and the next reminders due.

    Example: habit today
    """
    from habit.errors import HabitError
    from habit.logs import KIND_WORDS
    from habit.logs import today as compute_today

    app = _app(ctx)
    slot = None
    try:
        slot = app.config().peer.slot
    except HabitError:  # config trouble must not hide today's entries
        pass
    store = app.reader()  # None on a home with no data file: nothing is created
    result = compute_today(store, _commitments(app, saving=False), now=app.clock.now(), tz=app.tz,
                           peer_slot=slot)
    if as_json:
        return _echo_json({
            "date": result.day.isoformat(),
            "entries": [_entry_json(e, app) for e in result.entries],
            "upcoming": [{"commitment_id": u.commitment_id, "title": u.title,
                          "at": u.at.isoformat(), "at_local": u.at.astimezone(app.tz).isoformat()}
                         for u in result.upcoming],
        })
    typer.echo(result.day.strftime("Today, %A %d %B"))
    if store is None:
        typer.echo(f"  Nothing logged yet today (no habit data in {app.paths.root} yet). "
                   "One line is enough: habit log \"...\"")
    elif not result.entries:
        typer.echo("  Nothing logged yet today. One line is enough: habit log \"...\"")
    for entry in result.entries:
        line = f"  {entry.at.astimezone(app.tz):%H:%M}  {KIND_WORDS[entry.kind]:<11} {_summary(entry)}"
        typer.echo(line.rstrip())
    if result.upcoming:
        typer.echo("Next:")
        for item in result.upcoming:
            typer.echo(f"  {_when(item.at, app):<16} {item.title}")


def _summary(entry: EntryRecord) -> str:
    parts = [entry.text.replace("\n", " / ")] if entry.text else []
    if entry.peer:
        parts.append(f"with {entry.peer}")
    if entry.reply:
        parts.append(f'— "{entry.reply}"')
    return " ".join(parts)


def history(
    ctx: typer.Context,
    since: str | None = typer.Option(None, "--since", help="2026-11-01, yesterday, 7d or 2026-W47."),
    kind: str | None = typer.Option(None, "--kind", help="Only these kinds, e.g. win or win,proud."),
    limit: int | None = typer.Option(None, "--limit", help="At most this many (the newest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the entries as a JSON list."),
) -> None:
    """Your entries, oldest first, with their ids (for edit).

    Without --since, the last 50 are shown.
    Example: habit history --since 7d --kind win
    """
    from habit.logs import history as read_history
    from habit.logs import parse_kinds, parse_since

    app = _app(ctx)
    start = parse_since(since, now=app.clock.now(), tz=app.tz) if since else None
    kinds = parse_kinds(kind)
    if limit is None and start is None:
        limit = 50
    if limit is not None:
        limit = min(limit, SQLITE_MAX_INT)  # more than there can be rows is simply all of them
    store = app.reader()
    if store is None:
        return typer.echo("[]" if as_json else app.nothing_here())
    entries = read_history(store, since=start, kinds=kinds, limit=limit)
    with _reader_may_stop():
        _show_history(entries, app, limit, as_json)


def _show_history(entries: list, app: AppContext, limit: int | None, as_json: bool) -> None:
    from habit.logs import KIND_WORDS

    if as_json:
        return _echo_json([_entry_json(e, app) for e in entries])
    if not entries:
        typer.echo("Nothing logged here yet.")
        return
    day = None
    for entry in entries:
        local = entry.at.astimezone(app.tz)
        if local.date() != day:
            day = local.date()
            typer.echo(local.strftime("%a %d %b %Y"))
        line = f"  #{entry.id:<4} {local:%H:%M}  {KIND_WORDS[entry.kind]:<11} {_summary(entry)}"
        typer.echo(line.rstrip())
    if limit is not None and len(entries) == limit:
        typer.echo(f"(the last {limit}; --since or --limit shows more)")


def undo(
    ctx: typer.Context,
    yes: bool = typer.Option(False, "--yes", "-y", help="Remove it without asking."),
    as_json: bool = typer.Option(False, "--json", help="Print the removed entry as JSON."),
) -> None:
    """Remove the entry saved last, after showing it.

    Example: habit undo
    """
    from habit.errors import UsageProblem
    from habit.logs import KIND_WORDS, last_entry, undo_entry

    app = _app(ctx)
    store = app.store()
    entry = last_entry(store)
    shown = f"#{entry.id}, {KIND_WORDS[entry.kind]} from {_when(entry.at, app)}"
    if entry.text:
        shown += f': "{_summary(entry)}"'

    if not yes:
        if not _is_tty():
            raise UsageProblem(
                f"not a terminal, so habit cannot ask; to remove {shown}, run habit undo --yes"
            )
        typer.echo(f"The last entry: {shown}")
        if not typer.confirm("Remove it?", default=False):
            typer.echo("Kept it; nothing was removed.")
            return
    removed = undo_entry(store, entry.id)
    if as_json:
        return _echo_json(_entry_json(removed, app))
    typer.echo(f"Removed {shown}")


def edit(
    ctx: typer.Context,
    entry_id: int = typer.Argument(..., metavar="ID", help="The entry's id (habit history shows it)."),
    text: str = typer.Argument(..., help="The new text."),
    as_json: bool = typer.Option(False, "--json", help="Print the changed entry as JSON."),
) -> None:
    """Change the text of an entry; its time and kind stay as they were.

    Example: habit edit 12 "outlined section 2 and found the next source"
    """
    from habit.errors import NotFound
    from habit.logs import edit_entry

    app = _app(ctx)
    if not 0 < entry_id <= SQLITE_MAX_INT:  # no row can have it; SQLite would overflow on it
        raise NotFound(f"there is no entry {entry_id}; `habit history` lists them.")
    entry = edit_entry(app.store(), entry_id, text)
    if as_json:
        return _echo_json(_entry_json(entry, app))
    typer.echo(f"Changed #{entry.id} ({_when(entry.at, app)}): {entry.text}")


# ---------------------------------------------------------------- export / import


def export(
    ctx: typer.Context,
    fmt: str = typer.Option("json", "--format", "-f", help="csv or json."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write to FILE (mode 0600); - for the terminal."),
    force: bool = typer.Option(False, "--force", help="With -o: replace FILE if it exists."),
) -> None:
    """Write every entry and block as CSV or JSON (to the screen, or a private file with -o).

    Example: habit export --format csv -o habit.csv
    """
    from habit.errors import UsageProblem
    from habit.exchange import export_data
    from habit.output import check_target, is_stdout, write_output

    app = _app(ctx)
    fmt = fmt.strip().lower()
    if fmt not in ("csv", "json"):
        raise UsageProblem(f"'{fmt}' is not an export format; use --format csv or --format json.")
    if not is_stdout(output):
        check_target(output, force=force, example=f"habit.{fmt}")
    store = app.reader()
    if store is None:
        return typer.echo(app.nothing_here() + " Nothing was exported.", err=True)
    data = export_data(store, fmt, now=app.clock.now())
    if is_stdout(output):
        with _reader_may_stop():
            typer.echo(data, nl=False)
        return
    write_output(output, data, force=force, example=f"habit.{fmt}")
    typer.echo(f"Wrote your data to {output} (readable only by you).")


def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="A file written by habit export."),
    as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Read an export back in. Rows already here (same uid) are skipped, so importing twice is safe.

    Example: habit import habit.json
    """
    from habit.exchange import import_file

    app = _app(ctx)
    result = import_file(app.store(), file)
    if as_json:
        return _echo_json({"blocks_added": result.blocks_added, "blocks_skipped": result.blocks_skipped,
                           "entries_added": result.entries_added,
                           "entries_skipped": result.entries_skipped})
    typer.echo(f"Imported {_count(result.entries_added, 'entry', 'entries')} and "
               f"{_count(result.blocks_added, 'block', 'blocks')}.")
    skipped = result.entries_skipped + result.blocks_skipped
    if skipped:
        were = "was" if skipped == 1 else "were"
        typer.echo(f"{skipped} {were} already here and left as they are.")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# ---------------------------------------------------------------- registration

peer_app.command("log", hidden=True)(peer)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("log")(log)
    app.command("proud")(proud)
    app.command("pause")(pause)
    from habit.cli.app import DefaultGroup

    app.add_typer(peer_app, name="peer", cls=DefaultGroup)
    app.command("reflect")(reflect)
    app.command("ground")(ground)
    app.command("today")(today)
    app.command("history")(history)
    app.command("undo")(undo)
    app.command("edit")(edit)
    app.command("export")(export)
    app.command("import")(import_)
