from __future__ import annotations

from pathlib import Path

import pytest

from habit.errors import PlanProblems
from habit.plans import KINDS, builtin_plans_dir, load_plan, load_plans, plan_files

ROOT = Path(__file__).resolve().parents[2]
PLAN_FILES = plan_files(ROOT / "plans")


def test_there_is_one_plan_per_seed():
    seeds = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    sessions = sorted(Path(load_plan(p).session).name for p in PLAN_FILES)
    assert len(seeds) == 5
    assert sessions == seeds
    assert builtin_plans_dir() == ROOT / "plans"


def test_seeds_are_unchanged_copies():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for seed in shared.glob("*.txt"):
        assert (ROOT / "seeds" / seed.name).read_bytes() == seed.read_bytes()


@pytest.mark.parametrize("path", PLAN_FILES, ids=lambda p: p.name)
def test_every_plan_validates_and_quotes_its_seed_verbatim(path):
    plan = load_plan(path)
    assert plan.commitments, "a seed plan holds at least one commitment"
    for item in plan.commitments:
        assert item.kind in KINDS
        seed = ROOT / item.source.file
        lines = seed.read_text(encoding="utf-8").splitlines()
        cited = lines[item.source.line - 1]
        assert item.source.quote in cited, f"{item.id}: quote not on line {item.source.line}"
        assert cited.lower().startswith(("patient:", "client:")) or "Patient" not in cited


def test_commitment_ids_are_unique_across_all_plans():
    ids = [c.id for p in load_plans(PLAN_FILES) for c in p.commitments]
    assert len(ids) == len(set(ids))


def test_plans_cover_the_kinds_of_the_brief():
    kinds = {c.kind for p in load_plans(PLAN_FILES) for c in p.commitments}
    for kind in ("start_ritual", "focus_block", "wins_log", "peer_check", "pause_cue",
                 "proud_journal", "daily_reflection", "tiny_step", "experiment"):
        assert kind in kinds


GOOD = '''
[plan]
id = "p"
title = "t"
session = "s.txt"

[[commitment]]
id = "a"
kind = "focus_block"
title = "A block"
minutes = 25
[commitment.schedule]
every = "weekdays"
at = "09:00"
[commitment.source]
file = "s.txt"
line = 3
quote = "I will"
'''


def problems_of(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanProblems) as err:
        load_plan(path)
    return err.value.problems


def test_a_good_plan_loads(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    plan = load_plan(path)
    assert plan.commitments[0].schedule.describe() == "weekdays at 09:00"


def test_invalid_toml_names_file_and_line(tmp_path):
    problems = problems_of(tmp_path, GOOD.replace('minutes = 25', 'minutes = = 25'))
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'bad.toml'}: line 11: invalid TOML")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('kind = "focus_block"', 'kind = "focus"'), "commitment a: kind: unknown kind 'focus'"),
        (('at = "09:00"', 'at = "9 o\'clock"'), "commitment a: schedule.at: '9 o'clock' is not a time"),
        (('every = "weekdays"', 'every = "sometimes"'), "commitment a: schedule.every: 'sometimes'"),
        (("minutes = 25", "minutes = -5"), "commitment a: minutes: must be a whole number from 1 to 240"),
        (("minutes = 25", "minutes = 100000"), "commitment a: minutes: must be a whole number"),
        (('title = "A block"\n', ""), "commitment a: title: missing"),
        (('quote = "I will"\n', ""), "commitment a: source.quote: missing"),
        (("minutes = 25", "minutes = 25\ncolour = 1"), "commitment a: colour: unknown key"),
    ],
)
def test_each_bad_plan_case_has_its_message(tmp_path, change, expected):
    problems = problems_of(tmp_path, GOOD.replace(*change))
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(str(tmp_path / "bad.toml") + ": ") for p in problems)


def test_duplicate_ids_and_every_problem_at_once(tmp_path):
    second = GOOD.split("[[commitment]]")[1].replace('minutes = 25', 'minutes = 0')
    text = GOOD + "\n[[commitment]]" + second.replace('kind = "focus_block"', 'kind = "x"')
    problems = problems_of(tmp_path, text)
    # the second commitment reuses id "a" with two field problems: all are listed
    assert any("minutes: must be a whole number" in p for p in problems)
    assert any("kind: unknown kind 'x'" in p for p in problems)


def test_duplicate_id_reported(tmp_path):
    text = GOOD + "\n[[commitment]]" + GOOD.split("[[commitment]]")[1]
    problems = problems_of(tmp_path, text)
    assert problems == [f"{tmp_path / 'bad.toml'}: commitment a: id: duplicate id in this plan"]


def test_cli_plan_check_lists_problems_without_traceback(habit, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("minutes = 25", "minutes = -1").replace('"focus_block"', '"nope"'))
    result = habit("plan", "check", str(bad), ok=False)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"habit: {bad}: commitment a: ") for line in lines)
    assert "Traceback" not in result.output


def test_cli_plan_check_ok(habit):
    result = habit("plan", "check", *map(str, PLAN_FILES))
    assert result.stdout.count("ok: ") == 5
