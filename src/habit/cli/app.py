"""The root `habit` app: one error boundary, the context object, and the command groups."""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup

from habit import __version__
from habit.cli.context import AppContext
from habit.errors import HabitError, PlanProblems


def _debug_wanted(ctx: typer.Context | None) -> bool:
    if os.environ.get("HABIT_DEBUG", "") not in ("", "0"):
        return True
    obj = getattr(ctx, "obj", None) if ctx else None
    return bool(getattr(obj, "debug", False))


class HabitGroup(TyperGroup):
    """Turns every HabitError into one calm line on stderr and an exit code; never a traceback."""

    def list_commands(self, ctx):  # keep the order commands were added in, not alphabetical
        return list(self.commands)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PlanProblems as err:
            for line in err.problems:
                typer.echo(f"habit: {line}", err=True)
            raise typer.Exit(err.exit_code) from None
        except HabitError as err:
            if _debug_wanted(ctx):
                raise
            typer.echo(f"habit: {err}", err=True)
            raise typer.Exit(err.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException, SystemExit, BrokenPipeError):
            raise  # usage errors are typer's to print; a closed pipe is main()'s
        except Exception as err:  # the boundary: anything else is a bug, still one line
            if _debug_wanted(ctx):
                raise
            typer.echo(
                f"habit: something unexpected went wrong ({type(err).__name__}: {err}). "
                "Nothing saved was changed. Run again with HABIT_DEBUG=1 for details.",
                err=True,
            )
            raise typer.Exit(70) from None
        finally:
            obj = ctx.obj
            if isinstance(obj, AppContext):
                for notice in obj.notices:
                    typer.echo(notice, err=True)
                obj.notices.clear()
                obj.close()


class DefaultGroup(HabitGroup):
    """A group that runs its default command when the first word is not a subcommand.

    `habit peer --with Sam "note"` logs a peer check; `habit peer setup ...` configures one.
    """

    default_command = "log"

    def parse_args(self, ctx, args):
        if not args or args[0] not in self.commands or args[0] == self.default_command:
            if not (args and args[0] in ("--help", "-h")):
                args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx):  # the root boundary already handles errors
        return TyperGroup.invoke(self, ctx)


app = typer.Typer(
    cls=HabitGroup,
    name="habit",
    help="A calm habit tracker for the small commitments you made in a session.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"habit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """habit: start rituals, focus blocks, one-line wins and a weekly review.

    Example: habit start-block --minutes 10
    """
    if ctx.obj is None:
        ctx.obj = AppContext.from_environment(debug=debug)
    elif debug:
        ctx.obj.debug = True


def _register() -> None:
    from habit.cli import (
        block_cmds,
        data_cmds,
        distill_cmds,
        log_cmds,
        plan_cmds,
        remind_cmds,
        review_cmds,
        share_cmds,
    )

    # Order here is the order in `habit --help`: the everyday commands first.
    for module in (block_cmds, log_cmds, review_cmds, share_cmds, remind_cmds, plan_cmds,
                   distill_cmds, data_cmds):
        module.register(app)


_register()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # `habit history | head`: the reader left; stop quietly, as other Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
