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


def _is_usage_error(err: BaseException) -> bool:
    """typer's parser errors (unknown option, bad value, missing argument) carry exit code 2."""
    return isinstance(err, typer.TyperException) and getattr(err, "exit_code", 0) == 2


def usage_line(err: typer.TyperException, where: str = "habit") -> str:
    """`habit: <what was wrong> (see habit CMD --help)`: one line instead of a usage block."""
    import re

    from habit.text import one_line

    ctx = getattr(err, "ctx", None)
    where = ctx.command_path if ctx is not None else where
    what = one_line(err.format_message()).rstrip(".")
    what = re.sub(r"^Invalid value for '([^']*)':", r"\1:", what)
    for said, meant in (("is not a valid int", "is not a whole number"),
                        ("is not a valid float", "is not a number")):
        what = what.replace(said, meant)
    if what[1:2].islower():
        what = what[:1].lower() + what[1:]
    if what.startswith("no such option: -") and what[len("no such option: -"):][:1].isdigit():
        what += "; to start the text with a dash, put -- before it"
    return f"habit: {what} (see {where} --help)"


class HabitGroup(TyperGroup):
    """Turns every HabitError into one calm line on stderr and an exit code; never a traceback."""

    def list_commands(self, ctx):  # keep the order commands were added in, not alphabetical
        return list(self.commands)

    def make_context(self, info_name, args, parent=None, **extra):
        try:  # a group's own options (`habit --bogus`) are parsed here, before invoke
            return super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as err:
            if not _is_usage_error(err):
                raise
            where = " ".join(filter(None, (parent.command_path if parent else "", info_name or "habit")))
            typer.echo(usage_line(err, where), err=True)
            raise typer.Exit(2) from None

    def invoke(self, ctx):
        succeeded = False
        try:
            result = super().invoke(ctx)
            succeeded = True
            return result
        except typer.TyperException as err:
            if not _is_usage_error(err):
                raise
            where = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
            typer.echo(usage_line(err, where), err=True)
            raise typer.Exit(2) from None
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
        except (typer.Exit, typer.Abort, SystemExit, BrokenPipeError) as err:
            succeeded = isinstance(err, typer.Exit) and err.exit_code == 0
            raise  # a closed pipe is main()'s
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
                # notes about a save (`after_success`) are true only when the command finished
                for notice in obj.notices + (obj.after_success if succeeded else []):
                    typer.echo(notice, err=True)
                obj.notices.clear()
                obj.after_success.clear()
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
