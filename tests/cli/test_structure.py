"""Structure guards: the fast paths stay light, every command explains itself."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "apscheduler", "plyer")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_importing_the_cli_loads_nothing_heavy():
    loaded = _loaded_after("import habit.cli.app")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_help_and_completion_load_nothing_heavy():
    code = (
        "import sys\nfrom habit.cli.app import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
    )
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def _commands():
    from typer.main import get_command

    from habit.cli.app import app

    root = get_command(app)
    found = []

    def walk(group, prefix):
        for name, cmd in group.commands.items():
            if getattr(cmd, "hidden", False):
                continue
            found.append((prefix + [name], cmd))
            if hasattr(cmd, "commands"):
                walk(cmd, prefix + [name])

    walk(root, [])
    return found


@pytest.mark.parametrize("path", [p for p, _ in _commands()], ids=" ".join)
def test_every_command_has_help_with_an_example(habit, path):
    result = habit(*path, "--help")
    assert "Example" in result.stdout or "example" in result.stdout, result.stdout
