"""`habit remind`, `habit schedule`, `habit quiet`: reminders that arrive on their own."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from habit.cli.context import AppContext


def _seconds(app_ctx: AppContext) -> float:
    return app_ctx.config().notifications.seconds


def _service(app_ctx: AppContext, spawn: list[str] | None = None):
    from habit.notify import DesktopNotifier
    from habit.service import ReminderService

    return ReminderService(paths=app_ctx.paths, clock=app_ctx.clock, tz=app_ctx.tz,
                           notifier=DesktopNotifier(typer.echo, expire_seconds=_seconds(app_ctx)),
                           store=app_ctx.store,
                           log=typer.echo, spawn=spawn)


def remind(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Send what is due now, then exit (for cron)."),
    test: bool = typer.Option(False, "--test", help="Send one test notification and say how it went."),
    install: bool = typer.Option(False, "--install",
                                 help="Start reminders at login (systemd, launchd or cron)."),
    uninstall: bool = typer.Option(False, "--uninstall", help="Stop starting reminders at login."),
    from_service: bool = typer.Option(False, "--from-service", hidden=True),
) -> None:
    """Run the reminder service in the foreground; Ctrl-C stops it.

    Reminders follow the active plans' schedules in your time zone. One that came due while
    this was not running is sent once if still within its grace, otherwise left out.

    Example: habit remind --test
    """
    from habit.errors import UsageProblem

    app_ctx: AppContext = ctx.obj
    if sum((once, test, install, uninstall)) > 1:
        raise UsageProblem("use one of --once, --test, --install, --uninstall at a time.")
    if test:
        _test(app_ctx)
    elif install or uninstall:
        _autostart(install)
    elif once:
        service = _service(app_ctx)
        service.load()
        sent = [o for o in service.deliver_due() if o.action != "already"]
        if not sent and not from_service:
            typer.echo("Nothing due right now.")
    else:
        _foreground(app_ctx)


def _foreground(app_ctx: AppContext) -> None:
    import sys

    # The idle service stays small: each due reminder is decided and sent by a short child.
    child = [sys.executable, "-c", "from habit.cli.app import main; main()",
             "remind", "--once", "--from-service"]
    service = _service(app_ctx, spawn=child)

    def ready() -> None:
        zone = getattr(app_ctx.tz, "key", str(app_ctx.tz))
        typer.echo(f"Reminders are on ({len(service.commitments)} scheduled, {zone}). "
                   "Ctrl-C stops them.")
        coming = service.upcoming()
        if coming:
            typer.echo(f"Next: {_when(coming[0].at, app_ctx)}  {coming[0].commitment.title}")

    service.run(ready)
    typer.echo("Reminders stopped.")


def _test(app_ctx: AppContext) -> None:
    from habit.notify import DesktopNotifier

    notifier = DesktopNotifier(typer.echo, expire_seconds=_seconds(app_ctx))
    delivery = notifier.send("habit", "A test reminder: this is how reminders will look.")
    if delivery.channel == "desktop":
        typer.echo(f"Sent a desktop notification through {delivery.backend}.")
        seconds = notifier.expire_seconds
        typer.echo(f"It goes away after {seconds:g} seconds (notifications.seconds in config.toml)."
                   if seconds else "It stays until you click it away (notifications.seconds is 0).")
        if delivery.backend == "notify-send":  # it does not report a missing daemon
            typer.echo("If nothing appeared, check that a notification daemon is running "
                       "(for example dunst or your desktop's own).")
    else:
        typer.echo(f"Shown here in the terminal, because {delivery.reason}.")


def _autostart(install: bool) -> None:
    from habit import autostart

    home = Path.home()
    result = autostart.install(home=home) if install else autostart.uninstall(home=home)
    for note in result.notes:
        typer.echo(note)
    if result.path is not None:
        if not result.changed:
            typer.echo(f"There was nothing installed to remove ({result.path} does not exist).")
            return
        typer.echo(f"{'Wrote' if install else 'Removed'} {result.path}")
    for line in result.done:
        typer.echo(f"Ran: {line}")
    if result.todo:
        if result.path is not None:
            typer.echo("Still to run, in your own session:")
        for line in result.todo:
            typer.echo(f"  {line}")
    elif result.path is not None:
        typer.echo("Reminders will start at each login, and are running now." if install
                   else "Reminders will no longer start at login.")


def schedule(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List when each active commitment will next remind you (a dry run; nothing is sent).

    Example: habit schedule --json
    """
    from habit.reminders import quiet_until
    from habit.schedule import grace_seconds, next_fires, summary_commitment, with_peer_slot

    app_ctx: AppContext = ctx.obj
    config = app_ctx.config()
    items = with_peer_slot(app_ctx.catalog().commitments(), config.peer.slot)
    summary = summary_commitment(config.summary_day, config.summary_at)
    items += [summary] if summary else []
    now = app_ctx.clock.now()
    upcoming = next_fires(items, now, app_ctx.tz)
    quiet = quiet_until(app_ctx.paths, now)
    if as_json:
        rows = [{
            "id": nf.commitment.id, "title": nf.commitment.title, "kind": nf.commitment.kind,
            "plan": nf.commitment.plan_id, "schedule": nf.describe(),
            "next": nf.at.astimezone(app_ctx.tz).isoformat() if nf.at else None,
            "grace_minutes": grace_seconds(nf.commitment) // 60 if nf.at else None,
        } for nf in upcoming]
        payload = {"now": now.astimezone(app_ctx.tz).isoformat(), "commitments": rows,
                   "quiet_until": quiet.astimezone(app_ctx.tz).isoformat() if quiet else None}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if quiet:
        typer.echo(f"Quiet until {_when(quiet, app_ctx)}: reminders due until then are held.")
    for nf in upcoming:
        when = _when(nf.at, app_ctx) if nf.at else "—"
        typer.echo(f"{when:<16} {nf.commitment.id:<24} {nf.describe()}")


def _when(moment, app_ctx: AppContext) -> str:
    local = moment.astimezone(app_ctx.tz)
    today = app_ctx.clock.now().astimezone(app_ctx.tz).date()
    if local.date() == today:
        return f"today {local:%H:%M}"
    return local.strftime("%a %d %b %H:%M")


def quiet(
    ctx: typer.Context,
    length: str | None = typer.Argument(None, metavar="[LENGTH|off]",
                                         help="How long to hold reminders, like 3m, 90s, 1h; or off."),
) -> None:
    """Hold all reminders for a while; ones that come due meanwhile go out after, if still timely.

    Example: habit quiet 3m
    """
    from habit.reminders import parse_duration, quiet_until, set_quiet

    app_ctx: AppContext = ctx.obj
    now = app_ctx.clock.now()
    if length is None:
        until = quiet_until(app_ctx.paths, now)
        typer.echo(f"Quiet until {_when(until, app_ctx)}." if until else "Reminders are not held.")
        return
    if length.strip().lower() in ("off", "end", "stop", "0"):
        set_quiet(app_ctx.paths, None)
        typer.echo("Quiet is off; reminders go out again.")
        return
    until = now + parse_duration(length)
    set_quiet(app_ctx.paths, until)
    typer.echo(f"Quiet until {_when(until, app_ctx)}. `habit quiet off` ends it sooner.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("remind")(remind)
    app.command("schedule")(schedule)
    app.command("quiet")(quiet)
