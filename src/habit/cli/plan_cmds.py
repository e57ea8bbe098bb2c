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
    plan: list[Path] = typer.Option(
        [], "--plan", help="Also activate this plan file (repeatable).", dir_okay=False
    ),
) -> None:
    """Create the data folder and config with the default plans. Safe to run again.

    Example: habit init --plan my-session.toml
    """
    from habit.catalog import initialise, load_catalog

    app_ctx: AppContext = ctx.obj
    existed = app_ctx.paths.config.exists()
    config, added = initialise(app_ctx.paths, list(plan))
    app_ctx.store()  # create the data file now, 0600, so the first log is quick
    catalog = load_catalog(app_ctx.paths, config)
    verb = "Already set up" if existed else "Set up"
    typer.echo(f"{verb} in {app_ctx.paths.root}")
    for item in catalog.active:
        typer.echo(f"  active: {item.id} ({len(item.commitments)} commitments)")
    for plan_id in added:
        typer.echo(f"  added: {plan_id}")
    typer.echo("Next: habit start-block, or habit plan list to see every plan.")


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
                when = item.schedule.describe() if item.schedule else "when you choose"
                typer.echo(f"    {item.id:<24} {item.kind:<16} {when}")
    typer.echo("Activate one with: habit init --plan FILE, or habit plan add FILE")


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
def add(ctx: typer.Context, file: Path = typer.Argument(..., metavar="FILE")) -> None:
    """Check a plan file, copy it into your data folder and make it active.

    Example: habit plan add draft.toml
    """
    from habit.catalog import add_plan_file

    app_ctx: AppContext = ctx.obj
    plan = add_plan_file(app_ctx.paths, file)
    typer.echo(f"Activated {plan.id} ({len(plan.commitments)} commitments).")


@plan_app.command("remove")
def remove(ctx: typer.Context, plan_id: str = typer.Argument(..., metavar="PLAN_ID")) -> None:
    """Make a plan inactive. Nothing you logged is removed.

    Example: habit plan remove jaw-clench-pause
    """
    from habit.catalog import deactivate

    app_ctx: AppContext = ctx.obj
    deactivate(app_ctx.paths, plan_id)
    typer.echo(f"{plan_id} is no longer active; everything you logged stays.")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(plan_app, name="plan")
