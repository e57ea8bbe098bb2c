"""`habit plan set / unset / remove`: a user's own commitments without writing TOML."""

from __future__ import annotations

import pytest

from habit.catalog import load_catalog
from habit.config import load_config
from habit.plans import builtin_plans_dir, load_plan


def persona(habit) -> list[str]:
    """The persona of issue #12, one `plan set` per commitment."""
    return [
        habit("plan", "set", "breathe", "--kind", "start_ritual", "--title", "3 minutes of breathing",
              "--every", "weekdays", "--at", "09:15", "--cue", "after my first coffee",
              "--minutes", "3", "--breathing-minutes", "3").stdout,
        habit("plan", "set", "thesis", "--kind", "focus_block", "--title", "20 minutes on my thesis",
              "--after", "breathe", "--minutes", "20").stdout,
        habit("plan", "set", "block-line", "--kind", "wins_log", "--after", "thesis").stdout,
        habit("plan", "set", "call", "--kind", "peer_check", "--title", "Call with Priya",
              "--days", "thu", "--at", "17:30", "--minutes", "10", "--peer", "Priya",
              "--backup", "Tom").stdout,
        habit("plan", "set", "shoulders", "--kind", "pause_cue", "--cue",
              "when I notice my shoulders tense", "--step", "Exhale", "--step", "Name the thought").stdout,
        habit("plan", "set", "proud", "--kind", "proud_journal", "--target", "2").stdout,
    ]


def test_the_persona_end_to_end_create_move_the_call_keep_tom_review(habit, home, store, clock):
    said = persona(habit)
    assert said[0] == ("Added breathe in my-plan: weekdays at 09:15, after my first coffee (3 min)\n")
    assert said[3] == "Added call in my-plan: weekly on thu at 17:30 (10 min; with Priya, backup Tom)\n"
    assert load_config(home).active_plans == ("my-plan",)
    plan = load_plan(home.plans_dir / "my-plan.toml")
    assert plan.own and [c.id for c in plan.commitments] == [
        "breathe", "thesis", "block-line", "call", "shoulders", "proud"]
    assert all(c.source is None for c in plan.commitments)

    moved = habit("plan", "set", "call", "--days", "fri").stdout
    assert moved == "Changed call in my-plan: weekly on fri at 17:30 (10 min; with Priya, backup Tom)\n"
    assert "call                     peer_check       weekly on fri at 17:30" in habit("plan", "list").stdout
    shown = habit("plan", "show", "call").stdout
    assert "with:      Priya (backup: Tom)" in shown and "from:      your own plan" in shown
    [line] = [x for x in habit("schedule").stdout.splitlines() if " call " in x]
    assert line.startswith("Fri 20 Nov 17:30") or line.startswith("tomorrow 17:30"), line
    assert habit("peer", "setup").stdout == (
        "Weekly peer check (call) with Priya, fri 17:30, 10 minutes; backup: Tom.\n")
    habit("log", "outlined section 2")
    review = habit("review").stdout
    assert "  Call with Priya: not yet this week — slot Fri 17:30" in review.splitlines(), review
    clock.sleep(3 * 24 * 3600)  # Sunday: Friday's slot has passed with nothing logged
    review = habit("review", "--week", "2026-W47").stdout
    assert "backup: Tom" in review, review
    for word in ("notebook", "sanity", "knot", "unfit", "runbook", "recipe"):
        assert word not in review


def test_editing_an_example_copies_it_first_and_keeps_its_comments(habit, home):
    habit("plan", "add", "start-ritual-and-peer-check")
    shipped = (builtin_plans_dir() / "start-ritual-and-peer-check.toml").read_text()
    out = habit("plan", "set", "start-ritual", "--at", "09:15").stdout
    assert out.splitlines() == [
        "Copied the example start-ritual-and-peer-check into your data folder; the shipped one "
        "stays as it is.",
        "Changed start-ritual in start-ritual-and-peer-check: weekdays at 09:15 (5 min)",
    ]
    assert (builtin_plans_dir() / "start-ritual-and-peer-check.toml").read_text() == shipped
    copy = (home.plans_dir / "start-ritual-and-peer-check.toml").read_text()
    assert "# Distilled from seeds/000_0b58a16c2af9e31f.txt" in copy
    assert '# "tomorrow before I touch any code": weekday mornings' in copy
    assert 'at = "09:15"' in copy and "chosen" not in copy.split("[commitment.source]")[0].split(
        "[[commitment]]")[1]
    item = load_catalog(home).commitment("start-ritual")
    assert item.schedule.describe() == "weekdays at 09:15"  # no "(time chosen ...)" any more


def test_a_change_that_would_not_validate_writes_nothing(habit, home):
    persona(habit)
    before = (home.plans_dir / "my-plan.toml").read_bytes()
    result = habit("plan", "set", "call", "--minutes", "999", ok=False)
    assert result.exit_code == 3
    assert "minutes: must be a whole number from 1 to 240" in result.stderr
    assert result.stderr.count("\n") == 1
    assert (home.plans_dir / "my-plan.toml").read_bytes() == before


@pytest.mark.parametrize(("args", "message"), [
    (["--kind", "nap"], "--kind nap: use one of"),
    (["--every", "sometimes"], "--every sometimes: use one of"),
    (["--at", "25:00"], "--at 25:00: give a time like 09:15"),
    (["--days", "funday"], "--days funday: give days like mon,wed,fri"),
])
def test_bad_options_are_one_line(habit, home, args, message):
    result = habit("plan", "set", "x", "--kind", "tiny_step", *args, ok=False) if args[0] != "--kind" \
        else habit("plan", "set", "x", *args, ok=False)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not (home.plans_dir / "my-plan.toml").exists()


def test_a_new_id_needs_a_kind(habit):
    result = habit("plan", "set", "walk", "--at", "08:00", ok=False)
    assert "'walk' is a new commitment: say what it is with --kind" in result.stderr


def test_day_sets_and_ranges(habit, home):
    out = habit("plan", "set", "gym", "--kind", "tiny_step", "--days", "mon,wed,fri", "--at",
                "07:00").stdout
    assert out == "Added gym in my-plan: weekly on mon, wed, fri at 07:00\n"
    assert habit("plan", "set", "gym", "--days", "tue-thu").stdout.endswith(
        "weekly on tue, wed, thu at 07:00\n")
    assert 'days = ["tue", "wed", "thu"]' in (home.plans_dir / "my-plan.toml").read_text()


def test_unset_and_remove(habit, home):
    persona(habit)
    assert habit("plan", "unset", "call", "backup").stdout == (
        "Changed call in my-plan: weekly on thu at 17:30 (10 min; with Priya)\n")
    assert habit("plan", "unset", "breathe", "cue").stdout.startswith(
        "Changed breathe in my-plan: weekdays at 09:15 (3 min)")
    refused = habit("plan", "remove", "thesis", ok=False)
    assert "block-line follows thesis" in refused.stderr
    habit("plan", "remove", "block-line")
    out = habit("plan", "remove", "thesis").stdout
    assert out == "Removed thesis from my-plan; everything you logged stays.\n"
    ids = [c.id for c in load_plan(home.plans_dir / "my-plan.toml").commitments]
    assert ids == ["breathe", "call", "shoulders", "proud"]
    assert habit("plan", "remove", "my-plan").stdout.startswith("my-plan is no longer active")
    assert load_config(home).active_plans == ()


def test_a_plan_written_today_keeps_working(home):
    for path in builtin_plans_dir().glob("*.toml"):
        plan = load_plan(path)
        assert not plan.own and all(c.source is not None for c in plan.commitments)
