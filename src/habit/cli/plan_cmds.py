"""`habit init` and `habit plan ...`: which commitments are active, and where they came from."""

from __future__ import annotations

from pathlib import Path

import typer

from habit.cli.context import AppContext

plan_app = typer.Typer(
    help="See, check and activate plans (the commitments from a session).\n\n"
    "Example: habit plan show start-ritual"
)


def init(
    ctx: typer.Context,
    plan: list[str] = typer.Option(
        [], "--plan", metavar="FILE|NAME",
        help="Activate this plan: a file, or an example's name like start-ritual-and-peer-check "
        "(repeatable).",
    ),
    replace: list[str] = typer.Option(
        [], "--replace", metavar="PLAN", help="Make this active plan inactive in its place."
    ),
) -> None:
    """Create the data folder and config. A fresh start activates no plan. Safe to run again.

    Example: habit init --plan start-ritual-and-peer-check
    """
    from habit.catalog import initialise, load_catalog

    app_ctx: AppContext = ctx.obj
    existed = app_ctx.paths.config.exists()
    config, added = initialise(app_ctx.paths, list(plan), replace_ids=list(replace))
    app_ctx.store()  # create the data file now, 0600, so the first log is quick
    catalog = load_catalog(app_ctx.paths, config)
    verb = "Already set up" if existed else "Set up"
    typer.echo(f"{verb} in {app_ctx.paths.root}")
    for item in catalog.active:
        typer.echo(f"  active: {item.id} ({len(item.commitments)} commitments)")
    for plan_id in added:
        typer.echo(f"  added: {plan_id}")
    if not catalog.active:
        typer.echo("No plan is active yet. Write your own with habit plan set ID ..., or start "
                   "from an example: habit plan list, then habit plan add NAME.")
    else:
        typer.echo("Next: habit schedule, or habit start-block.")


@plan_app.command("list")
def list_plans(ctx: typer.Context) -> None:
    """Show the active plans and the others available, with their commitments.

    Example: habit plan list
    """
    app_ctx: AppContext = ctx.obj
    catalog = app_ctx.catalog()
    active = set(catalog.active_ids)
    for title, plans in (
        ("Active plans", catalog.active),
        ("Available plans", [p for p in catalog.plans if p.id not in active]),
    ):
        typer.echo(f"{title}:")
        if not plans:
            typer.echo("  (none)")
        for plan in plans:
            typer.echo(f"  {plan.id} — {plan.title}")
            for item in plan.commitments:
                typer.echo(f"    {item.id:<24} {item.kind:<16} {item.when()}")
    typer.echo("Activate one with: habit plan add NAME (or a FILE); write your own with habit plan set.")


@plan_app.command("show")
def show(ctx: typer.Context, commitment_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Show one commitment with its steps, schedule and the session words it came from.

    Example: habit plan show start-ritual
    """
    from habit.cli.render_plan import commitment_lines

    app_ctx: AppContext = ctx.obj
    catalog = app_ctx.catalog()
    try:
        item = catalog.commitment(commitment_id)
    except Exception:
        # A plan id works too: show every commitment of it.
        plan = next((p for p in catalog.plans if p.id == commitment_id), None)
        if plan is None:
            raise
        typer.echo(f"{plan.id} — {plan.title}")
        if plan.summary:
            typer.echo(plan.summary)
        for each in plan.commitments:
            typer.echo("")
            typer.echo("\n".join(commitment_lines(each)))
        return
    typer.echo("\n".join(commitment_lines(item)))


@plan_app.command("check")
def check(files: list[Path] = typer.Argument(..., metavar="FILE...")) -> None:
    """Validate plan files; every problem is listed at once, one line each.

    Example: habit plan check plans/*.toml
    """
    from habit.plans import load_plans

    plans = load_plans(files)
    for plan in plans:
        typer.echo(f"ok: {plan.path} ({plan.id}, {len(plan.commitments)} commitments)")


@plan_app.command("add")
def add(
    ctx: typer.Context,
    ref: str = typer.Argument(..., metavar="FILE|NAME"),
    replace: list[str] = typer.Option(
        [], "--replace", metavar="PLAN", help="Make this active plan inactive in its place."
    ),
) -> None:
    """Activate a plan: a file (checked, then copied into your data folder) or an example's name.

    If a commitment id is already used by an active plan, nothing changes: use --replace PLAN.
    Example: habit plan add start-ritual-and-peer-check
    """
    from habit.catalog import activate_plan

    app_ctx: AppContext = ctx.obj
    plan = activate_plan(app_ctx.paths, ref, replace_ids=list(replace))
    gone = f"; {', '.join(replace)} no longer active" if replace else ""
    typer.echo(f"Activated {plan.id} ({len(plan.commitments)} commitments){gone}.")


@plan_app.command("set")
def set_(
    ctx: typer.Context,
    commitment_id: str = typer.Argument(..., metavar="ID", help="The commitment to change or create."),
    kind: str = typer.Option(None, "--kind", help="start_ritual, focus_block, wins_log, peer_check, "
                             "pause_cue, proud_journal, daily_reflection, tiny_step, one_off, ..."),
    title: str = typer.Option(None, "--title", help="A short title in your words."),
    every: str = typer.Option(None, "--every", help="daily, weekdays, weekly, once, interval, after."),
    days: str = typer.Option(None, "--days", help="A day set: mon,wed,fri or mon-fri (weekly)."),
    at: str = typer.Option(None, "--at", help="The time, HH:MM."),
    cue: str = typer.Option(None, "--cue", help="What it follows in your day: \"after my first coffee\"."),
    after: str = typer.Option(None, "--after", metavar="ID", help="Runs right after this commitment."),
    minutes: int = typer.Option(None, "--minutes", help="How long, 1-240 minutes."),
    breathing: int = typer.Option(None, "--breathing-minutes", help="Breathing in a start ritual."),
    target: int = typer.Option(None, "--target", help="How many a week."),
    peer: str = typer.Option(None, "--peer", help="Peer check: who you meet."),
    backup: str = typer.Option(None, "--backup", help="Peer check: who steps in."),
    phrase: str = typer.Option(None, "--phrase", help="Words to say, shown at the moment."),
    step: list[str] = typer.Option([], "--step", help="A step (repeatable; replaces the steps)."),
    plan: str = typer.Option(None, "--plan", metavar="PLAN",
                             help="Which plan (default: where the id is, else your own my-plan)."),
) -> None:
    """Change or create one commitment without editing TOML; prints its new schedule.

    Options not given keep their value. An example plan is first copied into your data folder.
    Example: habit plan set call --kind peer_check --days thu --at 17:30 --minutes 10 --peer Priya
    """
    from habit.planedit import set_commitment

    app_ctx: AppContext = ctx.obj
    changes = {
        "kind": kind, "title": title, "every": every, "days": days, "at": at, "cue": cue,
        "after": after, "minutes": minutes, "breathing_minutes": breathing, "weekly_target": target,
        "peer": peer, "backup": backup, "phrase": phrase, "steps": step or None,
    }
    edited = set_commitment(app_ctx.paths, commitment_id, changes, plan_id=plan)
    _say_edit(edited, "Added" if edited.created else "Changed")


@plan_app.command("unset")
def unset(
    ctx: typer.Context,
    commitment_id: str = typer.Argument(..., metavar="ID"),
    field: str = typer.Argument(..., metavar="FIELD", help="cue, at, days, peer, backup, steps, "
                                "minutes, target, phrase, schedule, ..."),
) -> None:
    """Remove one field of a commitment (its schedule, cue, backup, ...).

    Example: habit plan unset call backup
    """
    from habit.planedit import unset_field

    app_ctx: AppContext = ctx.obj
    _say_edit(unset_field(app_ctx.paths, commitment_id, field), "Changed")


def _say_edit(edited, verb: str) -> None:
    if edited.copied_from is not None:
        typer.echo(f"Copied the example {edited.plan.id} into your data folder; the shipped one "
                   "stays as it is.")
    item = edited.commitment
    if item is None:
        return
    extra = []
    if item.minutes:
        extra.append(f"{item.minutes} min")
    if item.weekly_target:
        extra.append(f"{item.weekly_target} a week")
    if item.peer:
        extra.append(f"with {item.peer}" + (f", backup {item.backup}" if item.backup else ""))
    more = f" ({'; '.join(extra)})" if extra else ""
    typer.echo(f"{verb} {item.id} in {edited.plan.id}: {item.when()}{more}")


@plan_app.command("remove")
def remove(ctx: typer.Context, ref: str = typer.Argument(..., metavar="PLAN_ID|COMMITMENT_ID")) -> None:
    """Make a plan inactive, or take one commitment out of its plan. Nothing you logged is removed.

    Example: habit plan remove jaw-clench-pause
    """
    from habit.catalog import deactivate
    from habit.config import load_config

    app_ctx: AppContext = ctx.obj
    if ref in load_config(app_ctx.paths).active_plans:
        deactivate(app_ctx.paths, ref)
        typer.echo(f"{ref} is no longer active; everything you logged stays.")
        return
    from habit.errors import NotFound
    from habit.planedit import remove_commitment

    try:
        edited = remove_commitment(app_ctx.paths, ref)
    except NotFound:
        from habit.catalog import load_catalog

        if any(plan.id == ref for plan in load_catalog(app_ctx.paths).plans):
            raise NotFound(f"plan '{ref}' is not active; `habit plan list` shows the active ones.") from None
        raise
    _say_edit(edited, "Removed")
    typer.echo(f"Removed {ref} from {edited.plan.id}; everything you logged stays.")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(plan_app, name="plan")
