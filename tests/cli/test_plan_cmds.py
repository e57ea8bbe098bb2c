"""`habit init` and `habit plan add`: a neutral start, examples by name, activation all or nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from habit.config import load_config
from habit.plans import builtin_plans_dir

OWN_PLAN = """\
[plan]
id = "my-mornings"
title = "My mornings"
session = "my notes"

[[commitment]]
id = "start-ritual"
kind = "start_ritual"
title = "Breathe, then one goal"

[commitment.source]
file = "notes.txt"
line = 1
quote = "breathe first"
"""


def test_a_fresh_home_activates_no_plan(habit, home):
    out = habit("init").stdout
    assert load_config(home).active_plans == ()
    assert "No plan is active yet" in out
    assert "habit plan set" in out
    listed = habit("plan", "list").stdout
    assert listed.startswith("Active plans:\n  (none)\nAvailable plans:")
    assert "start-ritual-and-peer-check" in listed


def test_an_example_is_activated_by_name_and_not_copied(habit, home):
    out = habit("plan", "add", "start-ritual-and-peer-check").stdout
    assert out == "Activated start-ritual-and-peer-check (4 commitments).\n"
    assert load_config(home).active_plans == ("start-ritual-and-peer-check",)
    assert not home.plans_dir.exists() or list(home.plans_dir.iterdir()) == []


def test_init_takes_an_example_name(habit, home):
    out = habit("init", "--plan", "jaw-clench-pause").stdout
    assert "active: jaw-clench-pause" in out
    assert load_config(home).active_plans == ("jaw-clench-pause",)


def test_an_unknown_name_lists_the_examples(habit):
    result = habit("plan", "add", "no-such-plan", ok=False)
    assert result.exit_code == 5
    assert result.stderr.count("\n") == 1
    assert "no plan file or example called 'no-such-plan'" in result.stderr
    assert "start-ritual-and-peer-check" in result.stderr


def test_a_clash_changes_nothing_and_names_both_plans_and_the_way_out(habit, home, tmp_path):
    habit("plan", "add", "start-ritual-and-peer-check")
    before = home.config.read_bytes()
    mine = tmp_path / "mine.toml"
    mine.write_text(OWN_PLAN)
    result = habit("plan", "add", str(mine), ok=False)
    assert result.exit_code == 3
    assert result.stderr == (
        "habit: plan my-mornings and the active plan start-ritual-and-peer-check both have a "
        "commitment 'start-ritual'; nothing was changed. Use --replace start-ritual-and-peer-check "
        "to swap them, or rename the id in my-mornings.\n"
    )
    assert home.config.read_bytes() == before
    assert not (home.plans_dir / "my-mornings.toml").exists()


def test_replace_swaps_the_clashing_plan(habit, home, tmp_path):
    habit("plan", "add", "start-ritual-and-peer-check")
    mine = tmp_path / "mine.toml"
    mine.write_text(OWN_PLAN)
    out = habit("plan", "add", str(mine), "--replace", "start-ritual-and-peer-check").stdout
    assert "no longer active" in out
    assert load_config(home).active_plans == ("my-mornings",)
    assert (home.plans_dir / "my-mornings.toml").read_text() == OWN_PLAN


# Words personal to a seed client; they belong in plans/ and seeds/, never in what habit says.
PERSONAL = re.compile(r"notebook|sanity (cell|test|check)|\bknot\b|unfit|runbook|recipe|"
                      r"unit test", re.I)


def _package_sources() -> list[Path]:
    package = Path(__file__).resolve().parents[2] / "src" / "habit"
    return [p for p in package.rglob("*.py") if "_builtin_plans" not in p.parts]


@pytest.mark.parametrize("path", _package_sources(), ids=lambda p: p.name)
def test_no_personal_seed_wording_in_the_package(path):
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        # distill reads transcripts: its patterns name the objects people talk about.
        if path.name == "distill.py" and line.lstrip().startswith(("r\"", "rf\"", "r'")):
            continue
        if PERSONAL.search(line):
            found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_the_examples_ship_with_the_package():
    names = {p.stem for p in builtin_plans_dir().glob("*.toml")}
    assert "start-ritual-and-peer-check" in names
