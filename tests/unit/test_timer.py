"""The ritual and block loop under a FakeClock: a 25-minute block runs instantly, Ctrl-C anywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from habit import blocklock
from habit.catalog import load_catalog
from habit.errors import NetworkError, UsageProblem
from habit.timer import (
    DEFAULT_NUDGE,
    TerminalClosed,
    clean_line,
    fill_template,
    minutes_phrase,
    plan_block,
    run_session,
    share_status,
)
from plan_support import BRIEF_PLANS, activate


@pytest.fixture(autouse=True)
def _brief_plans(home):
    """These tests use the examples the brief names; a fresh home activates none."""
    activate(home, *BRIEF_PLANS)


class FakeView:
    """Records what the person would have seen; answers prompts from a script."""

    def __init__(self, *, interactive=True, goal="run sanity test X", line=None, on=None):
        self.interactive = interactive
        self.goal = goal
        self.line = line  # None: press Enter on the prefilled line
        self.on = on or {}  # method name -> exception to raise there
        self.calls: list[tuple] = []
        self.prefills: list[str] = []

    def _hit(self, name, *args):
        self.calls.append((name, *args))
        if name in self.on:
            raise self.on[name]

    def names(self):
        return [c[0] for c in self.calls]

    def breathing_started(self, plan):
        self._hit("breathing_started")

    def breath(self, phase, fraction, elapsed, total):
        self.calls.append(("breath", phase, round(fraction, 3), elapsed, total))

    def breathing_done(self):
        self._hit("breathing_done")

    def ask_goal(self):
        self._hit("ask_goal")
        return self.goal

    def show_phrase(self, phrase):
        self._hit("show_phrase", phrase)

    def block_started(self, block, plan, goal):
        self._hit("block_started", goal)

    def tick(self, elapsed, total, goal):
        self.calls.append(("tick", elapsed, total))

    def nudge(self, text):
        self._hit("nudge", text)

    def block_ended(self, ending):
        self._hit("block_ended", ending.block.status, ending.stage)

    def ask_line(self, prefill):
        self.prefills.append(prefill)
        self._hit("ask_line", prefill)
        if isinstance(self.line, list):
            return self.line.pop(0)
        return prefill if self.line is None else self.line

    def problem(self, text):
        self.calls.append(("problem", text))


class FakeNotifier:
    def __init__(self):
        self.sent = []

    def send(self, title, message):
        self.sent.append((title, message))


@pytest.fixture
def catalog(home):
    return load_catalog(home)  # the brief's examples, activated by the fixture


def run(store, clock, home, plan, view, **kw):
    notifier = kw.pop("notifier", FakeNotifier())
    return run_session(store, clock, home, plan, view, notifier=notifier, **kw), notifier


def at_minute(clock, start, minute, action):
    """An on_sleep hook that acts once when the clock reaches `minute` after `start`."""
    done = []

    def hook(c):
        if not done and c.now() >= start + timedelta(minutes=minute):
            done.append(True)
            action(c)

    clock.on_sleep = hook


def raise_(exc):
    def act(_c):
        raise exc

    return act


# ---------------------------------------------------------------- the whole flow


def test_whole_flow_runs_a_25_minute_block_instantly(store, clock, home, catalog):
    plan = plan_block(catalog)
    view = FakeView()
    start = clock.now()
    result, notifier = run(store, clock, home, plan, view)

    block = store.get_block(result.block.id)
    assert block.status == "completed"
    assert block.planned_minutes == 25 and block.goal == "run sanity test X"
    assert block.commitment_id == "focus-block"
    # two minutes of breathing, then the block to the second
    assert block.started_at == start + timedelta(minutes=2)
    assert block.ended_at == block.started_at + timedelta(minutes=25)
    assert block.actual_seconds == 25 * 60
    assert clock.now() == block.ended_at

    names = view.names()
    order = ["breathing_started", "breathing_done", "ask_goal", "show_phrase", "block_started",
             "block_ended", "ask_line"]
    assert [n for n in names if n in order] == order
    assert ("show_phrase", "This knot is here, and I'm going to do the work anyway.") in view.calls
    assert view.prefills == ["ran run sanity test X; "]

    entry = result.entry
    assert (entry.kind, entry.text, entry.block_id) == ("win", "ran run sanity test X", block.id)
    assert entry.commitment_id == "wins-log" and entry.at == block.ended_at
    assert result.reward == "Stand up, stretch, or sip your coffee."
    assert result.status_line == "ran run sanity test X — 25-minute focus block"
    assert len(notifier.sent) == 1 and "25 minutes on “run sanity test X”" in notifier.sent[0][1]
    assert not blocklock.lock_path(home, block.uid).exists()


def test_pacer_alternates_4s_in_and_6s_out_over_the_breathing_minutes(store, clock, home, catalog):
    view = FakeView()
    run(store, clock, home, plan_block(catalog, minutes=1), view)
    breaths = [c for c in view.calls if c[0] == "breath"]
    assert breaths[0][1:3] == ("in", 0.0)
    assert all(total == 120 for *_, total in breaths)
    assert max(c[3] for c in breaths) < 120
    # at 4 s the exhale starts full, at 10 s the next inhale
    by_time = {c[3]: (c[1], c[2]) for c in breaths}
    assert by_time[2.0] == ("in", 0.5)
    assert by_time[4.0] == ("out", 0.0)
    assert by_time[7.0] == ("out", 0.5)
    assert by_time[10.0] == ("in", 0.0)
    phases = [c[1] for c in breaths]
    changes = sum(1 for a, b in zip(phases, phases[1:], strict=False) if a != b)
    assert changes == 2 * 12 - 1  # twelve 10-second breaths in two minutes


def test_block_display_ticks_at_most_twice_a_second(store, clock, home, catalog):
    view = FakeView()
    run(store, clock, home, plan_block(catalog, minutes=10, ritual=False), view, goal="g")
    ticks = [c for c in view.calls if c[0] == "tick"]
    assert len(ticks) <= 10 * 60 * 2 + 1
    assert ticks[-1][1:] == (600, 600)


def test_no_ritual_skips_breathing_but_still_shows_the_phrase(store, clock, home, catalog):
    view = FakeView()
    start = clock.now()
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), view)
    assert "breathing_started" not in view.names() and "show_phrase" in view.names()
    assert result.block.started_at == start


def test_the_plans_block_length_and_the_minutes_option(store, clock, home, catalog):
    result, _ = run(store, clock, home, plan_block(catalog, minutes=10, ritual=False),
                    FakeView(), goal="x")
    assert result.block.planned_minutes == 10 and result.block.actual_seconds == 600


# ---------------------------------------------------------------- Ctrl-C at each stage


def test_ctrl_c_during_breathing_saves_the_ritual_as_stopped(store, clock, home, catalog):
    start = clock.now()
    at_minute(clock, start, 1, raise_(KeyboardInterrupt()))
    view = FakeView()
    result, notifier = run(store, clock, home, plan_block(catalog), view)
    block = store.get_block(result.block.id)
    assert block.status == "interrupted" and block.commitment_id == "start-ritual"
    assert block.started_at == start and block.actual_seconds == 60
    assert result.ending.stage == "ritual" and round(result.ending.minutes) == 1
    assert "ask_goal" not in view.names() and "block_started" not in view.names()
    assert view.prefills == ["ran the start ritual; "]  # still offered, no matter the outcome
    assert result.entry.text == "ran the start ritual" and result.entry.block_id == block.id
    assert result.status_line == "ran the start ritual — 1 minute of the start ritual"
    assert notifier.sent == []  # the person is at the terminal; no desktop pop-up
    assert store.running_blocks() == []


def test_ctrl_c_at_the_goal_prompt_saves_the_ritual(store, clock, home, catalog):
    view = FakeView(on={"ask_goal": KeyboardInterrupt()})
    result, _ = run(store, clock, home, plan_block(catalog), view)
    assert result.block.status == "interrupted" and result.block.actual_seconds == 120
    assert result.ending.stage == "ritual" and "ask_line" in view.names()


def test_ctrl_c_during_the_block_saves_true_minutes_and_offers_the_line(store, clock, home,
                                                                         catalog):
    view = FakeView(line="ran half of it; felt foggy")
    start = clock.now()
    at_minute(clock, start, 2 + 12, raise_(KeyboardInterrupt()))
    result, notifier = run(store, clock, home, plan_block(catalog), view)
    block = store.get_block(result.block.id)
    assert block.status == "interrupted" and block.actual_seconds == 12 * 60
    assert block.ended_at == start + timedelta(minutes=14)
    assert result.ending.stage == "block" and round(result.ending.minutes) == 12
    assert view.prefills == ["ran run sanity test X; "]
    assert result.entry.text == "ran half of it; felt foggy"
    assert result.status_line == "ran half of it; felt foggy — 12 minutes of a 25-minute focus block"
    assert notifier.sent == []
    assert not blocklock.lock_path(home, block.uid).exists()


def test_ctrl_c_at_the_wins_prompt_keeps_the_block_and_logs_nothing(store, clock, home, catalog):
    view = FakeView(on={"ask_line": KeyboardInterrupt()})
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), view)
    assert store.get_block(result.block.id).status == "completed"
    assert result.entry is None and store.entries() == []
    assert result.status_line == "25-minute focus block"


def test_a_cleared_line_logs_nothing(store, clock, home, catalog):
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), FakeView(line="  "))
    assert result.entry is None and result.block.status == "completed"


def test_terminal_closed_during_the_block_closes_it_without_asking(store, clock, home, catalog):
    start = clock.now()
    at_minute(clock, start, 5, raise_(TerminalClosed(1)))
    view = FakeView()
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), view)
    assert result.closed_by == 1 and result.entry is None
    assert "ask_line" not in view.names() and "block_ended" not in view.names()
    block = store.get_block(result.block.id)
    assert block.status == "interrupted" and block.actual_seconds == 300


def test_terminal_closed_during_the_ritual_still_saves_it(store, clock, home, catalog):
    at_minute(clock, clock.now(), 1, raise_(TerminalClosed(15)))
    result, _ = run(store, clock, home, plan_block(catalog), FakeView())
    assert result.closed_by == 15 and result.block.status == "interrupted"
    assert store.entries() == []


# ---------------------------------------------------------------- timing


def test_a_suspend_past_the_end_ends_the_block_on_wake_at_its_deadline(store, clock, home,
                                                                      catalog):
    start = clock.now()
    at_minute(clock, start, 10, lambda c: c.advance(3600, wall_only=True))  # lid closed an hour
    view = FakeView()
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), view)
    assert result.block.status == "completed"
    assert result.block.ended_at == start + timedelta(minutes=25)
    assert result.ending.asleep_past_end
    # it ended on wake: no further sleeping after the jump
    assert clock.now() < start + timedelta(minutes=70, seconds=1)


def test_a_suspend_inside_the_block_does_not_lengthen_it(store, clock, home, catalog):
    start = clock.now()
    mono = clock.monotonic()
    at_minute(clock, start, 5, lambda c: c.advance(600, wall_only=True))
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), FakeView())
    assert result.block.ended_at == start + timedelta(minutes=25)
    assert clock.now() == start + timedelta(minutes=25)
    assert clock.monotonic() - mono == pytest.approx(15 * 60)
    assert not result.ending.asleep_past_end


def test_no_drift_when_every_sleep_oversleeps(store, clock, home, catalog):
    """Each real sleep overshoots a little; the wall-clock deadline keeps the end true."""
    start = clock.now()
    clock.on_sleep = lambda c: c.advance(0.013)
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), FakeView())
    deadline = start + timedelta(minutes=25)
    assert result.block.ended_at == deadline and result.block.actual_seconds == 1500
    assert abs((clock.now() - deadline).total_seconds()) < 1.0


def test_a_wall_clock_set_back_does_not_stretch_the_block(store, clock, home, catalog):
    start = clock.now()
    mono = clock.monotonic()
    at_minute(clock, start, 5, lambda c: c.advance(-600, wall_only=True))
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), FakeView())
    assert result.block.status == "completed"
    assert clock.monotonic() - mono == pytest.approx(25 * 60)


def test_heartbeat_records_the_block_as_alive_about_every_30_seconds(store, clock, home, catalog):
    seen = []

    def hook(c):
        running = store.running_blocks()
        if running:
            seen.append((c.now() - running[0].last_seen_at).total_seconds())

    clock.on_sleep = hook
    run(store, clock, home, plan_block(catalog, minutes=3, ritual=False), FakeView())
    assert seen and max(seen) <= 31
    assert len({round(s) for s in seen}) > 1  # it does move


def test_the_block_holds_its_lock_while_running(store, clock, home, catalog):
    alive = []
    clock.on_sleep = lambda c: alive.extend(
        blocklock.is_alive(home, b.uid) for b in store.running_blocks())
    run(store, clock, home, plan_block(catalog, minutes=1, ritual=False), FakeView())
    assert alive and all(alive)


# ---------------------------------------------------------------- nudges, labels, scripts


def test_nudges_at_the_interval_with_the_plans_words(store, clock, home, catalog):
    view = FakeView()
    run(store, clock, home, plan_block(catalog, minutes=10, ritual=False, nudge_every=60), view)
    nudges = [c for c in view.calls if c[0] == "nudge"]
    assert len(nudges) == 9 and {c[1] for c in nudges} == {"Look at the cursor."}


def test_nudge_text_comes_from_a_plan_when_one_has_it(home, catalog):
    from dataclasses import replace

    assert plan_block(catalog).nudge_text == "Look at the cursor."
    plans = tuple(
        replace(p, commitments=tuple(replace(c, nudge="Eyes on the first line.")
                                     if c.kind == "focus_block" else c for c in p.commitments))
        for p in catalog.plans
    )
    assert plan_block(replace(catalog, plans=plans)).nudge_text == "Eyes on the first line."
    assert plan_block(None).nudge_text == DEFAULT_NUDGE


def test_experiment_labels_the_block_and_logs_an_experiment(store, clock, home, catalog):
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False, experiment=True),
                    FakeView(interactive=False), goal="try pairing")
    assert result.block.label == "experiment" and result.entry.kind == "experiment"
    assert result.status_line == "ran try pairing — 25-minute experiment"


def test_non_interactive_never_asks_and_logs_the_filled_template(store, clock, home, catalog):
    view = FakeView(interactive=False)
    result, _ = run(store, clock, home, plan_block(catalog), view)
    assert "ask_goal" not in view.names() and "ask_line" not in view.names()
    assert result.block.goal == "" and result.entry.text == "ran a focus block"


def test_goal_and_log_options_skip_the_prompts(store, clock, home, catalog):
    view = FakeView()
    result, _ = run(store, clock, home, plan_block(catalog), view, goal="tests",
                    log="ran tests; two red")
    assert "ask_goal" not in view.names() and "ask_line" not in view.names()
    assert result.block.goal == "tests" and result.entry.text == "ran tests; two red"


def test_an_empty_log_option_logs_nothing(store, clock, home, catalog):
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), FakeView(), log="")
    assert result.entry is None and result.block.status == "completed"


def test_defaults_without_any_plan(store, clock, home):
    plan = plan_block(None)
    assert (plan.minutes, plan.breathing_minutes, plan.inhale, plan.exhale) == (25, 2, 4.0, 6.0)
    assert plan.phrase is None and plan.reward is None and plan.block_commitment is None
    view = FakeView(interactive=False)
    result, _ = run(store, clock, home, plan, view, goal="one thing")
    assert result.entry.text == "one thing" and result.block.actual_seconds == 1500
    assert "show_phrase" not in view.names()


@pytest.mark.parametrize("minutes", [0, -5, 241, 10_000])
def test_minutes_out_of_range_is_a_usage_problem(catalog, minutes):
    with pytest.raises(UsageProblem, match="--minutes takes a whole number from 1 to 240"):
        plan_block(catalog, minutes=minutes)


@pytest.mark.parametrize("seconds", [0, 4, 3601])
def test_nudge_out_of_range_is_a_usage_problem(catalog, seconds):
    with pytest.raises(UsageProblem, match="--nudge"):
        plan_block(catalog, nudge_every=seconds)


# ---------------------------------------------------------------- texts


def test_fill_template():
    assert fill_template("ran {goal}; ", goal="X", minutes=25) == "ran X; "
    assert fill_template("{minutes} min: {goal} {unknown}", goal="X", minutes=11.6) == "12 min: X "
    assert fill_template("ran {goal; ", goal="X", minutes=1) == "ran {goal; X"
    assert fill_template("ran {goal}", goal=" ", minutes=1, stage="ritual") == "ran the start ritual"


def test_clean_line_and_minutes_phrase():
    assert clean_line("  ran X;  ") == "ran X"
    assert clean_line("ran X; felt ok") == "ran X; felt ok"
    assert clean_line("ran X;\n  two lines ") == "ran X; two lines"
    assert minutes_phrase(0.3) == "less than a minute"
    assert minutes_phrase(1.2) == "1 minute"
    assert minutes_phrase(11.6) == "12 minutes"


# ---------------------------------------------------------------- sharing


class Share:
    def __init__(self, webhook=None, auto_post=False):
        self.webhook, self.auto_post = webhook, auto_post


def test_share_copies_and_does_not_post_unless_asked(monkeypatch):
    posted = []
    monkeypatch.setattr("habit.clipboard.copy", lambda text: "xclip")
    monkeypatch.setattr("habit.webhook.post_text", lambda *a, **k: posted.append(a))
    shared = share_status("ran X", Share(webhook="https://hooks.example.com/abc/secret1234"))
    assert shared.copied_with == "xclip" and shared.posted_to is None and posted == []


def test_share_posts_when_auto_post_is_set(monkeypatch):
    posted = []
    monkeypatch.setattr("habit.clipboard.copy", lambda text: None)
    monkeypatch.setattr("habit.webhook.post_text", lambda url, text, **k: posted.append(text))
    shared = share_status("ran X", Share("https://hooks.example.com/abc/secret1234", True))
    assert posted == ["ran X"] and shared.copied_with is None
    assert shared.posted_to == "https://hooks.example.com/…1234"


def test_share_network_problem_is_one_calm_line(monkeypatch):
    def refuse(url, text, **k):
        raise NetworkError("could not reach https://hooks.example.com/…1234 (offline); the text "
                           "was not posted (nothing here was changed).")

    monkeypatch.setattr("habit.clipboard.copy", lambda text: None)
    monkeypatch.setattr("habit.webhook.post_text", refuse)
    shared = share_status("ran X", Share("https://hooks.example.com/abc/secret1234", True))
    assert shared.posted_to is None and "nothing here was changed" in shared.post_problem


def test_fake_clock_is_what_the_loop_sleeps_on(store, clock, home, catalog, monkeypatch):
    """No real sleeping: a 25-minute block plus the ritual is only fake time."""
    def real_sleep(seconds):
        raise AssertionError(f"the block loop slept for real ({seconds} s)")

    monkeypatch.setattr("time.sleep", real_sleep)
    run(store, clock, home, plan_block(catalog), FakeView())
    assert clock.slept == pytest.approx(27 * 60)


def test_the_lock_is_taken_before_the_row_is_written(store, clock, home, catalog, monkeypatch):
    """Another command must never see this block running without its lock (and close it)."""
    locked_at_write = []
    real = store.start_block

    def start_block(**kw):
        locked_at_write.append(blocklock.is_alive(home, kw["uid"]))
        return real(**kw)

    monkeypatch.setattr(store, "start_block", start_block)
    run(store, clock, home, plan_block(catalog, minutes=1, ritual=False), FakeView())
    assert locked_at_write == [True]


def test_an_unexpected_error_in_the_view_still_closes_the_block(store, clock, home, catalog):
    class Boom(Exception):
        pass

    clock.on_sleep = lambda c: (_ for _ in ()).throw(Boom()) if c.slept >= 300 else None
    with pytest.raises(Boom):
        run(store, clock, home, plan_block(catalog, ritual=False), FakeView())
    [block] = store.blocks()
    assert block.status == "interrupted" and block.actual_seconds == 300


def test_a_second_ctrl_c_while_saving_does_not_leave_the_block_running(store, clock, home, catalog,
                                                                      monkeypatch):
    at_minute(clock, clock.now(), 3, raise_(KeyboardInterrupt()))
    real = store.finish_block
    presses = []

    def impatient(block_id, **kw):
        if not presses:
            presses.append(1)
            raise KeyboardInterrupt  # pressed again before the save began
        return real(block_id, **kw)

    monkeypatch.setattr(store, "finish_block", impatient)
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), FakeView())
    assert result.block.status == "interrupted" and result.block.actual_seconds == 180
    assert store.running_blocks() == []


@pytest.mark.parametrize("goal, log, words", [
    ("x\x1b[2Jy", None, "the goal has a control character (escape)"),
    ("ok", "bell\x07", "the line has a control character (bell)"),
    ("ok", "\udcff", "the line has bytes that are not valid text"),
])
def test_given_texts_that_cannot_be_saved_are_refused_before_anything_starts(
        store, clock, home, catalog, goal, log, words):
    from habit.text import TextProblem

    start = clock.now()
    with pytest.raises(TextProblem, match=words.replace("(", r"\(").replace(")", r"\)")):
        run(store, clock, home, plan_block(catalog), FakeView(), goal=goal, log=log)
    assert store.blocks() == [] and clock.now() == start


def test_a_typed_line_with_a_control_character_is_asked_again(store, clock, home, catalog):
    view = FakeView(line=["ran x\x1b[31m red", "ran x; fine"])
    result, _ = run(store, clock, home, plan_block(catalog, ritual=False), view, goal="x")
    assert [c[1] for c in view.calls if c[0] == "problem"] == [
        "the line has a control character (escape) at character 6. Nothing was saved; retype it "
        "without that character."]
    assert result.entry.text == "ran x; fine"
