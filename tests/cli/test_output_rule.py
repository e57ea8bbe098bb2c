"""One output rule for every file the user names (#15), checked on every -o/--output of the app.

The options are found by walking the typer app itself, so a new command with -o cannot escape:
it fails `test_every_output_option_has_a_recipe` until it is added here and obeys the rule.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from plan_support import BRIEF_PLANS, activate

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_0b58a16c2af9e31f.txt"


def _output_commands() -> dict[tuple[str, ...], set[str]]:
    from typer.main import get_command

    from habit.cli.app import app

    found: dict[tuple[str, ...], set[str]] = {}

    def walk(group, prefix):
        for name, cmd in group.commands.items():
            path = (*prefix, name)
            if hasattr(cmd, "commands"):
                walk(cmd, path)
                continue
            opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
            if opts & {"-o", "--output"}:
                found[path] = opts

    walk(get_command(app), ())
    return found


# command path -> (arguments before -o, whether `-` means standard output)
RECIPES: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {
    ("review",): ((), True),
    ("calendar",): ((), True),
    ("export",): ((), True),
    ("distill",): ((str(SEED),), True),
    ("backup",): ((), False),  # a binary database copy has no place on a terminal
}
OUTPUTS = _output_commands()


def test_every_output_option_has_a_recipe():
    assert set(OUTPUTS) == set(RECIPES)


def _with_data(habit):
    activate(habit.ctx.paths, *BRIEF_PLANS)  # the calendar needs scheduled commitments
    habit("log", "read the stack trace")


def _prepared(habit, tmp_path, path) -> tuple[tuple[str, ...], Path]:
    """Some data to write out, the command's own arguments, and an empty folder to write into."""
    _with_data(habit)
    folder = tmp_path / "out"
    folder.mkdir()
    return RECIPES[path][0], folder


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(folder: Path, keep: set[str]) -> set[str]:
    return {p.name for p in folder.iterdir()} - keep


@pytest.mark.parametrize("path", sorted(RECIPES), ids=" ".join)
def test_an_existing_file_is_never_replaced_without_force(habit, tmp_path, path):
    args, folder = _prepared(habit, tmp_path, path)
    precious = folder / "notes.md"
    precious.write_text("my own notes\n")
    precious.chmod(0o644)
    result = habit(*path, *args, "-o", str(precious), ok=False)
    assert result.exit_code != 0
    assert precious.read_text() == "my own notes\n" and _mode(precious) == 0o644
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "already exists" in lines[0], result.stderr
    assert _leftovers(folder, {"notes.md"}) == set()


@pytest.mark.parametrize("path", sorted(RECIPES), ids=" ".join)
def test_a_new_file_is_private_and_whole(habit, tmp_path, path):
    args, folder = _prepared(habit, tmp_path, path)
    target = folder / "new.out"
    habit(*path, *args, "-o", str(target))
    assert target.stat().st_size > 0 and _mode(target) == 0o600
    assert _leftovers(folder, {"new.out"}) == set()  # no temporary file left behind


@pytest.mark.parametrize("path", sorted(p for p in RECIPES if "--force" in OUTPUTS.get(p, ())), ids=" ".join)
def test_force_replaces_atomically_with_a_private_file(habit, tmp_path, path):
    _with_data(habit)
    args, _ = RECIPES[path]
    target = tmp_path / "old.out"
    target.write_text("old\n")
    target.chmod(0o644)
    habit(*path, *args, "-o", str(target), "--force")
    assert target.read_text() != "old\n" and _mode(target) == 0o600
    assert _leftovers(tmp_path, {"old.out", "habit-home"}) == set()


@pytest.mark.parametrize("path", sorted(RECIPES), ids=" ".join)
def test_a_folder_or_a_missing_folder_is_one_line(habit, tmp_path, path):
    _with_data(habit)
    args, _ = RECIPES[path]
    missing = habit(*path, *args, "-o", str(tmp_path / "nowhere" / "x.out"), ok=False)
    assert missing.exit_code != 0 and len(missing.stderr.strip().splitlines()) == 1, missing.stderr
    assert "does not exist" in missing.stderr
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("path", sorted(p for p, (_, dash) in RECIPES.items() if dash), ids=" ".join)
def test_dash_means_standard_output(habit, tmp_path, monkeypatch, path):
    _with_data(habit)
    args, _ = RECIPES[path]
    monkeypatch.chdir(tmp_path)
    result = habit(*path, *args, "-o", "-")
    assert result.stdout.strip()
    assert not (tmp_path / "-").exists()
