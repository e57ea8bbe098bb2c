"""Start reminders at login: a systemd user unit (Linux), a launchd agent (macOS), else a crontab line.

`install`/`uninstall` return what was done and what is left for the user to run; they print
nothing. `run` and `which` are injectable so tests never call systemctl or launchctl for real.
"""

from __future__ import annotations

import os
import plistlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from habit.errors import HabitError

UNIT_NAME = "habit-remind.service"
AGENT_LABEL = "org.habit.remind"


@dataclass(frozen=True)
class Result:
    path: Path | None  # the file written or removed (None: nothing to write on this system)
    done: tuple[str, ...] = ()  # what was run successfully
    todo: tuple[str, ...] = ()  # what the user still needs to run (or add), one per line
    notes: tuple[str, ...] = field(default_factory=tuple)
    changed: bool = True  # False when uninstall found nothing installed


Runner = Callable[[list[str]], int]


def _run(argv: list[str]) -> int:
    try:
        return subprocess.run(argv, capture_output=True, timeout=30, check=False).returncode
    except (OSError, subprocess.TimeoutExpired):
        return 1


def habit_command() -> list[str]:
    """How to start this same habit: its console script next to the interpreter, if there."""
    script = Path(sys.executable).with_name("habit")
    if script.exists():
        return [str(script)]
    found = shutil.which("habit")
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-c", "from habit.cli.app import main; main()"]


def _system(platform: str | None) -> str:
    name = platform or sys.platform
    if name.startswith("linux"):
        return "linux"
    if name == "darwin":
        return "macos"
    return "other"


def _kept_env(env: Mapping[str, str]) -> dict[str, str]:
    """Settings the service must see as the user's shell does."""
    return {k: env[k] for k in ("HABIT_HOME", "HABIT_TZ", "TZ") if env.get(k)}


def _zone_note(env: Mapping[str, str]) -> tuple[str, ...]:
    """Said when the service cannot be given the shell's zone: it will use the system's."""
    if env.get("HABIT_TZ") or env.get("TZ"):
        return ()
    try:
        from tzlocal import get_localzone_name

        name = get_localzone_name() or "the system's zone"
    except Exception:  # an unreadable /etc/localtime: still install, say so
        name = "the system's zone"
    return (f"The service will use the system's time zone ({name}); set HABIT_TZ before "
            "`habit remind --install` to choose another.",)


# ---------------------------------------------------------------- systemd


def unit_path(home: Path, env: Mapping[str, str]) -> Path:
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    return base / "systemd" / "user" / UNIT_NAME


def unit_text(command: list[str], env: Mapping[str, str]) -> str:
    lines = [
        "[Unit]",
        "Description=habit reminders (habit remind)",
        "After=graphical-session.target",
        "",
        "[Service]",
        "Type=simple",
        f"ExecStart={_exec_line([*command, 'remind'])}",
        *(f"Environment={_systemd_quote(_specifier_escape(f'{k}={v}'))}"
          for k, v in _kept_env(env).items()),
        "Restart=on-failure",
        "RestartSec=30",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
    ]
    return "\n".join(lines)


def _specifier_escape(text: str) -> str:
    # systemd resolves %h, %u, ... in ExecStart= and Environment=; %% is a literal %.
    return text.replace("%", "%%")


def _exec_line(argv: list[str]) -> str:
    # ExecStart= also expands $NAME and ${NAME} in the arguments ($$ is a literal $), but not in
    # the program's own path (systemd-analyze verify reads "$$" there literally).
    if any(c in "\"'\\" or not c.isprintable() for c in argv[0]):
        # systemd refuses such a program name ("contains special characters"); env runs it.
        argv = [shutil.which("env") or "/usr/bin/env", *argv]
    program, *args = (_specifier_escape(a) for a in argv)
    return " ".join(_systemd_quote(a) for a in [program, *(a.replace("$", "$$") for a in args)])


def _systemd_quote(arg: str) -> str:
    if arg and all(c.isalnum() or c in "/._-=:+@," for c in arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- launchd


def agent_path(home: Path) -> Path:
    return home / "Library" / "LaunchAgents" / f"{AGENT_LABEL}.plist"


def agent_bytes(command: list[str], env: Mapping[str, str], home: Path) -> bytes:
    log = str(home / "Library" / "Logs" / "habit-remind.log")
    plist = {
        "Label": AGENT_LABEL,
        "ProgramArguments": [*command, "remind"],
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "StandardOutPath": log,
        "StandardErrorPath": log,
    }
    kept = _kept_env(env)
    if kept:
        plist["EnvironmentVariables"] = kept
    return plistlib.dumps(plist)


# ---------------------------------------------------------------- cron


def cron_line(command: list[str], env: Mapping[str, str]) -> str:
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in _kept_env(env).items())
    run = " ".join(shlex.quote(a) for a in [*command, "remind", "--once"])
    line = f"{prefix + ' ' if prefix else ''}{run}"
    # cron turns an unescaped % into a newline (the rest becomes stdin); \% is a literal %.
    # $ and spaces are the shell's, and shlex.quote's single quotes keep them literal.
    return "*/5 * * * * " + line.replace("%", "\\%")


# ---------------------------------------------------------------- install / uninstall


def install(*, home: Path, env: Mapping[str, str] | None = None, platform: str | None = None,
            command: list[str] | None = None, run: Runner | None = None,
            which: Callable[[str], str | None] | None = None) -> Result:
    env = os.environ if env is None else env
    run, which = run or _run, which or shutil.which
    command = command or habit_command()
    system = _system(platform)
    if system == "linux":
        path = unit_path(home, env)
        _write(path, unit_text(command, env).encode())
        steps = [["systemctl", "--user", "daemon-reload"],
                 ["systemctl", "--user", "enable", "--now", UNIT_NAME]]
        return replace(_apply(path, steps, run, which), notes=_zone_note(env))
    if system == "macos":
        path = agent_path(home)
        _write(path, agent_bytes(command, env, home))
        return replace(_apply(path, [["launchctl", "load", "-w", str(path)]], run, which),
                       notes=_zone_note(env))
    return Result(None, todo=(cron_line(command, env),), notes=(
        *_zone_note(env),
        "This system has no systemd or launchd here; add this line with `crontab -e` "
        "(it sends what is due every 5 minutes):",
    ))


def uninstall(*, home: Path, env: Mapping[str, str] | None = None, platform: str | None = None,
              run: Runner | None = None,
              which: Callable[[str], str | None] | None = None) -> Result:
    env = os.environ if env is None else env
    run, which = run or _run, which or shutil.which
    system = _system(platform)
    if system == "linux":
        path = unit_path(home, env)
        if not path.exists():
            return Result(path, changed=False)
        disabled = _apply(path, [["systemctl", "--user", "disable", "--now", UNIT_NAME]], run, which)
        _remove(path.parent / "default.target.wants" / UNIT_NAME)  # what disable does, if it could not
        _remove(path)
        if disabled.todo:  # the unit file is gone, so `disable` would no longer work: stop it instead
            return Result(path, todo=(f"systemctl --user stop {UNIT_NAME}",
                                      "systemctl --user daemon-reload"))
        after = _apply(path, [["systemctl", "--user", "daemon-reload"]], run, which)
        return Result(path, disabled.done + after.done, after.todo)
    if system == "macos":
        path = agent_path(home)
        result = _apply(path, [["launchctl", "unload", "-w", str(path)]] if path.exists() else [],
                        run, which)
        return _merge(result, None, _remove(path))
    return Result(None, notes=("Remove the `habit remind --once` line with `crontab -e`.",))


def _merge(result: Result, after: Result | None, existed: bool) -> Result:
    done = result.done + (after.done if after else ())
    todo = result.todo + (after.todo if after else ())
    return Result(result.path, done, todo, (), existed)


def _apply(path: Path, steps: list[list[str]], run: Runner,
           which: Callable[[str], str | None]) -> Result:
    done: list[str] = []
    todo: list[str] = []
    for argv in steps:
        text = " ".join(argv)
        if todo or which(argv[0]) is None or run(argv) != 0:
            todo.append(text)  # once one step could not run, the rest are for the user too
        else:
            done.append(text)
    return Result(path, tuple(done), tuple(todo))


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o644)
    except OSError as err:
        raise HabitError(f"cannot write {path} ({err.strerror}); nothing was installed.") from err


def _remove(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False
    except OSError as err:
        raise HabitError(f"cannot remove {path} ({err.strerror}).") from err
