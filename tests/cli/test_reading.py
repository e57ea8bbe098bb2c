"""Reading never creates; a read-only or immutable data folder can still be read (#15)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.mark.parametrize("args", [("history",), ("today",), ("export",), ("review",), ("share",),
                                  ("history", "--json")])
def test_reading_a_home_with_no_data_creates_nothing(habit, home, args):
    result = habit(*args)
    assert not home.root.exists()
    if args == ("history", "--json"):
        assert result.stdout == "[]\n"
    elif args[0] in ("history", "export"):
        assert f"No habit data in {home.root} yet" in result.output
        assert len(result.output.strip().splitlines()) == 1
    elif args[0] == "today":  # the day's upcoming reminders still show; one line names the folder
        assert f"(no habit data in {home.root} yet)" in result.stdout


@pytest.fixture
def immutable(home, habit):
    """The data folder with one entry, made immutable (chattr +i) for the test."""
    habit("log", "read the stack trace")
    habit.ctx.close()
    if not shutil.which("chattr"):
        pytest.skip("chattr is not available")
    if subprocess.run(["chattr", "+i", str(home.root)], capture_output=True).returncode != 0:
        pytest.skip("this file system or user cannot make a folder immutable")
    yield home.root
    subprocess.run(["chattr", "-i", str(home.root)], check=True)


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_an_immutable_folder_can_be_read_exported_and_backed_up(habit, immutable, tmp_path):
    before = _listing(immutable)
    assert "read the stack trace" in habit("history").stdout
    assert "read the stack trace" in habit("today").stdout
    assert "read the stack trace" in habit("export").stdout
    habit("review")
    habit("backup", "-o", str(tmp_path / "copy.db"))
    assert (tmp_path / "copy.db").stat().st_size > 0
    assert _listing(immutable) == before


def test_writes_to_an_immutable_folder_refuse_in_one_line(habit, immutable):
    before = _listing(immutable)
    for args in (("log", "x"), ("backup",)):
        result = habit(*args, ok=False)
        assert result.exit_code == 4
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "add -o FILE elsewhere" in result.stderr
    assert _listing(immutable) == before
