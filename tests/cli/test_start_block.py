"""`habit start-block` in-process: the FakeClock makes a 25-minute block instant."""

from __future__ import annotations

from datetime import timedelta

import pytest

from habit.cli import block_cmds
from habit.errors import NetworkError
from plan_support import BRIEF_PLANS, activate


@pytest.fixture(autouse=True)
def _brief_plans(home):
    """These tests use the examples the brief names; a fresh home activates none."""
    activate(home, *BRIEF_PLANS)

PHRASE = "This knot is here, and I'm going to do the work anyway."


@pytest.fixture(autouse=True)
def _no_desktop(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("HABIT_SECONDS_PER_MINUTE", raising=False)
    monkeypatch.setattr("habit.clipboard.copy", lambda text: None)


@pytest.fixture
def terminal(monkeypatch):
    """Pretend standard input is a person at a terminal (answers come from `input=`)."""
    monkeypatch.setattr(block_cmds, "_stdin_is_terminal", lambda: True)


def stop_at(clock, minute):
    start = clock.now()

    def hook(c):
        if c.now() >= start + timedelta(minutes=minute):
            c.on_sleep = None
            raise KeyboardInterrupt

    clock.on_sleep = hook


def test_non_interactive_run_is_the_whole_flow_with_no_prompts(habit, ctx, clock):
    start = clock.now()
    result = habit("start-block", "--goal", "run sanity test X")
    out = result.stdout
    for text in ("Start ritual: Two minutes of slow breathing", "in for 4 s, out for 6 s", PHRASE,
                 "Focus block: 25 minutes on “run sanity test X”, until 14:27.",
                 "Block complete: 25 minutes.", "Focus block complete — 25 minutes on",
                 "Logged.", "Now: Stand up, stretch, or sip your coffee.",
                 "For your peer (no clipboard here, copy it from below):",
                 "  ran run sanity test X — 25-minute focus block"):
        assert text in out, out
    assert "One line" not in out and "tiny goal for this block" not in out  # nothing asked
    store = ctx.store()
    [block] = store.blocks()
    assert block.status == "completed" and block.actual_seconds == 1500
    assert block.started_at == start + timedelta(minutes=2)
    [entry] = store.entries()
    assert (entry.kind, entry.text, entry.block_id) == ("win", "ran run sanity test X", block.id)


def test_interactive_goal_then_enter_logs_the_prefilled_line(habit, ctx, terminal):
    result = habit("start-block", input="run sanity test X\n\n")
    assert "One clear, tiny goal for this block" in result.stdout
    assert "> ran run sanity test X;  [Enter keeps it]" in result.stdout
    [entry] = ctx.store().entries()
    assert entry.text == "ran run sanity test X"
    assert ctx.store().blocks()[0].goal == "run sanity test X"


def test_interactive_line_can_be_replaced(habit, ctx, terminal):
    habit("start-block", "--no-ritual", input="tests\nran tests; two were red\n")
    assert ctx.store().entries()[0].text == "ran tests; two were red"


def test_ctrl_c_in_the_block_still_counts_and_still_asks(habit, ctx, clock, terminal):
    stop_at(clock, 12)
    result = habit("start-block", "--no-ritual", "--goal", "x", input="\n")
    assert "Stopped after 12 minutes — that still counts." in result.stdout
    assert "One line, no matter the outcome" in result.stdout
    assert "12 minutes of a 25-minute focus block" in result.stdout
    assert "failed" not in result.stdout.lower() and "missed" not in result.stdout.lower()
    [block] = ctx.store().blocks()
    assert block.status == "interrupted" and block.actual_seconds == 720
    assert ctx.store().entries()[0].text == "ran x"


def test_ctrl_c_in_the_ritual_is_saved_kindly(habit, ctx, clock, terminal):
    stop_at(clock, 1)
    result = habit("start-block", input="\n")
    assert "Stopped during the start ritual, after 1 minute — that still counts." in result.stdout
    [block] = ctx.store().blocks()
    assert block.status == "interrupted" and block.commitment_id == "start-ritual"
    assert ctx.store().entries()[0].text == "ran the start ritual"


def test_ctrl_d_at_the_line_logs_nothing_and_keeps_the_block(habit, ctx, terminal):
    result = habit("start-block", "--no-ritual", "--goal", "x", input="")
    assert "No line logged; the block is saved." in result.stdout
    assert ctx.store().entries() == [] and ctx.store().blocks()[0].status == "completed"


def test_yes_and_log_run_without_prompts_in_a_terminal(habit, ctx, terminal):
    result = habit("start-block", "--yes", "--no-ritual", "--minutes", "10", "--goal", "g",
                   "--log", "ran g; calm")
    assert "One line" not in result.stdout
    assert ctx.store().entries()[0].text == "ran g; calm"
    assert ctx.store().blocks()[0].planned_minutes == 10


def test_a_goal_and_line_given_over_several_lines_are_kept_on_one(habit, ctx):
    habit("start-block", "--no-ritual", "--goal", "run\nsanity  test", "--log", "ran it;\nok")
    assert ctx.store().blocks()[0].goal == "run sanity test"
    assert ctx.store().entries()[0].text == "ran it; ok"


def test_experiment(habit, ctx):
    result = habit("start-block", "--no-ritual", "--experiment", "--goal", "pairing")
    assert "Experiment: 25 minutes" in result.stdout
    assert "Logged as an experiment: whatever happened is data." in result.stdout
    assert ctx.store().entries()[0].kind == "experiment"
    assert ctx.store().blocks()[0].label == "experiment"


def test_nudges_print_the_plans_words(habit):
    result = habit("start-block", "--no-ritual", "--minutes", "3", "--nudge", "60")
    assert result.stdout.count("  Look at the cursor.") == 2


@pytest.mark.parametrize("args, words", [
    (["--minutes", "0"], "--minutes takes a whole number from 1 to 240 (got 0)."),
    (["--minutes", "500"], "--minutes takes a whole number from 1 to 240 (got 500)."),
    (["--nudge", "1"], "--nudge takes seconds from 5 to 3600 (got 1)."),
])
def test_bad_options_are_one_line_and_save_nothing(habit, ctx, args, words):
    result = habit("start-block", *args, ok=False)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"habit: {words}"
    assert result.stdout == ""
    assert not ctx.paths.db.exists() or ctx.store().blocks() == []


def test_clipboard_is_named_when_it_worked(habit, monkeypatch):
    monkeypatch.setattr("habit.clipboard.copy", lambda text: "xclip")
    result = habit("start-block", "--no-ritual", "--goal", "x")
    assert "For your peer (copied to the clipboard with xclip):" in result.stdout


def _share(ctx, auto_post=True):
    ctx.paths.root.mkdir(parents=True, exist_ok=True)
    ctx.paths.config.write_text(
        '[plans]\nactive = ["start-ritual-and-peer-check"]\n'
        f'[share]\nwebhook = "https://hooks.example.com/services/secret1234"\n'
        f"auto_post = {'true' if auto_post else 'false'}\n"
    )


def test_auto_post_sends_the_status_line(habit, ctx, monkeypatch):
    posted = []
    monkeypatch.setattr("habit.webhook.post_text", lambda url, text, **k: posted.append(text))
    _share(ctx)
    result = habit("start-block", "--no-ritual", "--goal", "x")
    assert posted == ["ran x — 25-minute focus block"]
    assert "Posted to https://hooks.example.com/…1234." in result.stdout
    assert "secret" not in result.stdout


def test_a_network_problem_is_one_calm_line_and_keeps_the_log(habit, ctx, monkeypatch):
    def offline(url, text, **k):
        raise NetworkError("could not reach https://hooks.example.com/…1234 (offline); the text "
                           "was not posted (nothing here was changed).")

    monkeypatch.setattr("habit.webhook.post_text", offline)
    _share(ctx)
    result = habit("start-block", "--no-ritual", "--goal", "x")
    assert "Not posted: could not reach" in result.stdout and "Traceback" not in result.output
    assert ctx.store().entries()[0].text == "ran x"


def test_without_auto_post_nothing_is_posted(habit, ctx, monkeypatch):
    monkeypatch.setattr("habit.webhook.post_text", lambda *a, **k: pytest.fail("posted"))
    _share(ctx, auto_post=False)
    habit("start-block", "--no-ritual", "--goal", "x")


def test_no_active_plans_gives_sensible_defaults(habit, ctx):
    ctx.paths.root.mkdir(parents=True, exist_ok=True)
    ctx.paths.config.write_text("[plans]\nactive = []\n")
    result = habit("start-block", "--goal", "one thing")
    assert "Breathe slowly for 2 minutes: in for 4 s, out for 6 s." in result.stdout
    assert PHRASE not in result.stdout and "Now:" not in result.stdout
    assert ctx.store().entries()[0].text == "one thing"
    assert ctx.store().blocks()[0].actual_seconds == 1500


def test_broken_plan_files_do_not_stop_a_block(habit, ctx):
    ctx.paths.plans_dir.mkdir(parents=True, exist_ok=True)
    (ctx.paths.plans_dir / "mine.toml").write_text("[plan\n")
    result = habit("start-block", "--no-ritual", "--goal", "x")
    assert "defaults were used; `habit plan check` lists them" in result.stderr
    assert ctx.store().blocks()[0].status == "completed"


def test_an_orphaned_block_is_closed_by_the_next_run(habit, ctx, clock):
    store = ctx.store()
    orphan = store.start_block(started_at=clock.now() - timedelta(hours=1), planned_minutes=25)
    store.update_block(orphan.id, last_seen_at=clock.now() - timedelta(minutes=50))
    ctx.close()
    result = habit("start-block", "--no-ritual", "--goal", "x")
    assert "was closed as stopped after 10 minutes — that still counts." in result.stderr
    closed = ctx.store().get_block(orphan.id)
    assert closed.status == "interrupted" and closed.actual_seconds == 600
    ctx.close()
    again = habit("start-block", "--no-ritual", "--goal", "y")
    assert "was closed" not in again.stderr  # never twice
    assert ctx.store().get_block(orphan.id).actual_seconds == 600


def test_bad_seconds_per_minute_is_one_line(habit, monkeypatch):
    monkeypatch.setenv("HABIT_SECONDS_PER_MINUTE", "fast")
    result = habit("start-block", ok=False)
    assert result.exit_code == 2 and "HABIT_SECONDS_PER_MINUTE" in result.stderr


def test_help_shows_an_example(habit):
    out = habit("start-block", "--help").stdout
    assert "Example: habit start-block --minutes 10" in out
    for option in ("--goal", "--log", "--yes", "--no-ritual", "--minutes", "--experiment",
                   "--nudge"):
        assert option in out


def test_a_laptop_asleep_past_the_end_is_said_plainly(habit, ctx, clock):
    start = clock.now()

    def lid(c):
        if c.now() >= start + timedelta(minutes=10):
            c.on_sleep = None
            c.advance(3600, wall_only=True)

    clock.on_sleep = lid
    result = habit("start-block", "--no-ritual", "--goal", "x")
    assert ("Block complete: 25 minutes. Its time ended at 14:25 while this computer was asleep."
            in result.stdout)
    assert ctx.store().blocks()[0].actual_seconds == 1500


def test_without_a_desktop_the_end_rings_the_terminal_once_and_says_why(habit):
    out = habit("start-block", "--no-ritual", "--minutes", "1", "--goal", "x").stdout
    assert out.count("Desktop notifications are not available: there is no D-Bus session bus") == 1
    assert "\aFocus block complete — 1 minute on “x”. Your line is ready in the terminal." in out


def test_a_block_running_in_another_terminal_is_left_alone(habit, ctx, clock):
    from habit import blocklock

    store = ctx.store()
    with blocklock.hold(ctx.paths, "elsewhere"):
        other = store.start_block(started_at=clock.now(), planned_minutes=25, uid="elsewhere")
        ctx.close()
        result = habit("start-block", "--no-ritual", "--goal", "x")
        assert "Another focus block is running in another terminal" in result.stdout
        assert "was closed" not in result.stderr
        assert ctx.store().get_block(other.id).status == "running"


def test_terminal_closed_at_the_line_prompt_keeps_the_completed_block(habit, ctx, terminal,
                                                                        monkeypatch):
    import signal

    from habit.timer import TerminalClosed

    def hang_up(prompt, prefill=""):
        if prefill:
            raise TerminalClosed(signal.SIGHUP)
        return "x"

    monkeypatch.setattr(block_cmds, "_ask", hang_up)
    result = habit("start-block", "--no-ritual", ok=False)
    assert result.exit_code == 128 + signal.SIGHUP
    assert "The terminal closed; the block of 25 minutes is saved; no line was logged." in result.stderr
    assert ctx.store().blocks()[0].status == "completed" and ctx.store().entries() == []


def test_a_goal_with_an_escape_sequence_is_refused_before_the_block(habit, ctx):
    result = habit("start-block", "--goal", "x\x1b[2Jy", "--no-ritual", ok=False)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("habit: the goal has a control character (escape)")
    assert len(result.stderr.splitlines()) == 1
    assert not ctx.paths.db.exists() or ctx.store().blocks() == []
