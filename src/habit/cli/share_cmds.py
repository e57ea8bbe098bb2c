"""`habit share`, `habit peer setup` and `habit calendar`: sharing outward, only when asked."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from habit.cli.context import AppContext

POST_TIMEOUT_S = 5.0
NO_WEBHOOK = ("No webhook is set up; the text stays here. "
              "`habit share setup --webhook URL` to add one.")


# ---------------------------------------------------------------- habit peer setup


def peer_setup(
    ctx: typer.Context,
    name: str | None = typer.Option(None, "--name", "--peer", metavar="NAME",
                                    help="Your peer for the weekly check."),
    backup: str | None = typer.Option(None, "--backup", metavar="NAME",
                                      help='Who steps in when the peer can\'t ("" removes it).'),
    slot: str | None = typer.Option(
        None, "--slot", metavar='"DAY HH:MM"', help='The weekly slot, like "fri 16:00".'
    ),
    minutes: int | None = typer.Option(None, "--minutes", metavar="N", help="How long it is."),
) -> None:
    """Who your weekly peer check is with, the backup and the slot; with no options, show them.

    It edits the peer-check commitment of your plan (options not given keep their value), so
    plan list, schedule, calendar, review, share and the reminders all say the same.
    Example: habit peer setup --name Sam --backup Alex --slot "fri 16:00" --minutes 5
    """
    from habit.share import peer_arrangement, setup_peer

    app_ctx: AppContext = ctx.obj
    if (name, backup, slot, minutes) == (None, None, None, None):
        arrangement = peer_arrangement(app_ctx.catalog())
        if arrangement is None:
            typer.echo("No peer check is active. Set one up: habit peer setup --name NAME "
                       '--slot "thu 17:30" [--backup NAME] [--minutes 10]')
            return
        typer.echo(_arrangement_line(arrangement))
        return
    arrangement = setup_peer(app_ctx.paths, name=name, backup=backup, slot=slot, minutes=minutes)
    typer.echo(_arrangement_line(arrangement))
    typer.echo(f"Saved in {arrangement.plan_id}. The reminder, the review and share use it; "
               "`habit calendar -o habit.ics` puts it in your calendar.")


def _arrangement_line(arrangement) -> str:
    item = arrangement.commitment
    parts = [f"with {item.peer}" if item.peer else "with no peer named yet"]
    when = arrangement.slot
    if when:
        parts.append(f"{when.describe()}, {when.minutes} minutes")
    backup_text = f"; backup: {item.backup}" if item.backup else ""
    return f"Weekly peer check ({item.id}) {', '.join(parts)}{backup_text}."


# ---------------------------------------------------------------- habit share


def share_show(
    ctx: typer.Context,
    week: str | None = typer.Option(None, "--week", metavar="2026-W47", help="Which ISO week."),
    last: bool = typer.Option(False, "--last", help="Last week instead of this one."),
    need: str | None = typer.Option(None, "--need", metavar="TEXT",
                                    help='Line 2, e.g. "permission to slow down".'),
    post: bool = typer.Option(False, "--post", help="Also post it to your webhook, if one is set up."),
) -> None:
    """Print the two-line peer text for the week and copy it to the clipboard.

    Line 1 is what you did (blocks, focused minutes, a win or two), line 2 what you need.
    Without --need you are asked (on a terminal); Enter keeps "permission to slow down".

    Example: habit share --last --need "an hour with the data" --post
    """
    from habit import clipboard
    from habit.review import choose_week
    from habit.share import DEFAULT_NEED, share_week

    app_ctx: AppContext = ctx.obj
    now = app_ctx.clock.now()
    which = choose_week(week, last=last, now=now, tz=app_ctx.tz)
    if need is None and _interactive():
        try:
            need = typer.prompt("What do you need from your peer?", default=DEFAULT_NEED)
        except typer.Abort:  # Ctrl-C or Ctrl-D at the question
            typer.echo("\nStopped; nothing was copied or shared.", err=True)
            raise typer.Exit(130) from None
    text = share_week(app_ctx.reader(), app_ctx.catalog(), week=which, tz=app_ctx.tz, now=now,
                      config=app_ctx.config(), need=need)
    typer.echo(text)
    copied = clipboard.copy(text)
    typer.echo("Copied to the clipboard." if copied else "No clipboard here; copy it from above.",
               err=True)
    if post:
        _post(app_ctx, text)


def _interactive() -> bool:
    """Ask only when both ends are a terminal; a pipe or a script never waits."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _post(app_ctx: AppContext, text: str) -> None:
    from habit.errors import HabitError
    from habit.share import check_webhook
    from habit.webhook import post_text, redact

    webhook = app_ctx.config().share.webhook
    if not webhook:
        raise HabitError(NO_WEBHOOK)
    webhook = check_webhook(webhook)  # config.toml may have been edited by hand (an ftp:// address)
    post_text(webhook, text, timeout=POST_TIMEOUT_S)
    typer.echo(f"Posted to {redact(webhook)}.", err=True)


def share_setup(
    ctx: typer.Context,
    webhook: str | None = typer.Option(
        None, "--webhook", metavar="URL",
        help="Incoming-webhook address (Slack, Mattermost, Discord-compatible). '-' reads it from stdin.",
    ),
    auto_post: bool | None = typer.Option(
        None, "--auto-post/--no-auto-post", help="Post the one-line log after each focus block."
    ),
    remove: bool = typer.Option(False, "--remove", help="Forget the webhook; nothing is posted anymore."),
) -> None:
    """Set up (or remove) the webhook `habit share --post` uses. Without options, shows the set-up.

    Example: habit share setup --webhook https://hooks.slack.com/services/T000/B000/XXXX --auto-post
    """
    from habit.errors import UsageProblem
    from habit.share import is_plain_http, remove_webhook, setup_webhook
    from habit.webhook import redact

    app_ctx: AppContext = ctx.obj
    if remove:
        if webhook is not None or auto_post is not None:
            raise UsageProblem("--remove goes alone; it forgets the webhook and turns auto-post off.")
        had = remove_webhook(app_ctx.paths)
        typer.echo("The webhook is forgotten; nothing leaves this machine." if had
                   else "No webhook was set up; nothing leaves this machine.")
        return
    if webhook == "-":
        webhook = sys.stdin.readline()
    if webhook is None and auto_post is None:
        share = app_ctx.config().share
    else:
        share = setup_webhook(app_ctx.paths, webhook=webhook, auto_post=auto_post)
    if not share.webhook:
        typer.echo(NO_WEBHOOK)
        return
    verb = "is set up" if webhook is None and auto_post is None else "saved"
    typer.echo(f"Webhook {verb}: {redact(share.webhook)}")
    typer.echo(f"Auto-post after each focus block: {'on' if share.auto_post else 'off'}.")
    if is_plain_http(share.webhook):
        typer.echo("Note: this address is plain http, so the text travels unencrypted.")
    typer.echo("`habit share --post` posts the weekly text; `habit share setup --remove` forgets it.")


# ---------------------------------------------------------------- habit calendar


def calendar(
    ctx: typer.Context,
    output: Path | None = typer.Option(
        None, "-o", "--output", metavar="FILE", help="Write to FILE (mode 0600); - for the terminal.",
    ),
    force: bool = typer.Option(False, "--force", help="With -o: replace FILE if it exists."),
) -> None:
    """Export the active schedule as an iCalendar (.ics) file for your calendar program.

    One repeating event per scheduled commitment, in your time zone, with a reminder.
    Importing it again updates the events instead of adding copies.

    Example: habit calendar -o habit.ics
    """
    from habit.calendar_export import export_calendar
    from habit.output import check_target, is_stdout, write_output

    app_ctx: AppContext = ctx.obj
    if not is_stdout(output):
        check_target(output, force=force, example="habit.ics")
    result = export_calendar(app_ctx.catalog(), app_ctx.config(), tz=app_ctx.tz, now=app_ctx.clock.now())
    if is_stdout(output):
        typer.echo(result.ics.decode("utf-8"), nl=False)
        _calendar_notes(result, err=True)
        return
    write_output(output, result.ics, force=force, example="habit.ics")
    typer.echo(f"Wrote {len(result.events)} events to {output}:")
    _calendar_notes(result, err=False)
    typer.echo("Import it into your calendar; importing it again updates the same events.")


def _calendar_notes(result, *, err: bool) -> None:
    seen: dict[str, int] = {}
    for event in result.events:
        seen[event.commitment_id] = seen.get(event.commitment_id, 0) + 1
    if not err:
        shown: set[str] = set()
        for event in result.events:
            if event.commitment_id in shown:
                continue
            shown.add(event.commitment_id)
            count = seen[event.commitment_id]
            extra = f" — {count} events, one per time of day" if count > 1 else ""
            typer.echo(f"  {event.title}: {event.when}{extra}")
    for skip in result.skipped:
        typer.echo(f"Not in the calendar: {skip.commitment_id} ({skip.reason}).", err=err)


# ---------------------------------------------------------------- wiring


def _share_app() -> typer.Typer:
    from habit.cli.app import DefaultGroup

    class ShareGroup(DefaultGroup):
        default_command = "show"

    share_app = typer.Typer(
        cls=ShareGroup,
        help="The two lines for your peer, from the week, copied to the clipboard.\n\n"
        "habit share [--week 2026-W47|--last] [--need TEXT] [--post]; `habit share setup` adds a "
        "webhook. Nothing is posted unless you set one up and ask.\n\n"
        "Example: habit share --need \"permission to slow down\"",
        no_args_is_help=False,
    )
    share_app.command("show")(share_show)
    share_app.command("setup")(share_setup)
    return share_app


def register(app: typer.Typer) -> None:
    """Add `habit share`, `habit calendar` and `habit peer setup` to the root app."""
    app.add_typer(_share_app(), name="share")
    app.command("calendar")(calendar)
    try:
        from habit.cli.log_cmds import peer_app
    except ImportError:  # the peer group is not there yet (log_cmds is another module's)
        return
    peer_app.command("setup")(peer_setup)
