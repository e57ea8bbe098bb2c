"""The reminder service over a FakeClock: catch-up and grace, skip-when-done, quiet, DST, suspend."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from habit.clock import FakeClock
from habit.config import Config, PeerConfig
from habit.errors import StoreError
from habit.notify import Delivery, DesktopNotifier
from habit.plans import Commitment, Schedule, Source
from habit.reminders import set_quiet
from habit.schedule import trigger_for
from habit.service import AlreadyRunning, ReminderService, single_instance
from plan_support import BRIEF_PLANS, activate


@pytest.fixture(autouse=True)
def _brief_plans(home):
    """These tests use the examples the brief names; a fresh home activates none."""
    activate(home, *BRIEF_PLANS)

BERLIN = ZoneInfo("Europe/Berlin")
SRC = Source("seeds/x.txt", 1, "quote")


class FakeNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, title: str, message: str) -> Delivery:
        self.sent.append((title, message))
        return Delivery("desktop", "fake")


def item(cid, kind, grace=None, weekly_target=None, steps=(), phrase=None, **sched) -> Commitment:
    return Commitment(id=cid, kind=kind, title=cid.replace("-", " ").capitalize(), source=SRC,
                      plan_id="p", grace_minutes=grace, weekly_target=weekly_target,
                      steps=tuple(steps), phrase=phrase, schedule=Schedule(**sched))


REFLECT = item("reflect", "daily_reflection", grace=180, steps=["Reflect on today's efforts"],
               phrase="You're doing your best.", every="daily", at=time(21, 0))
PROUD = item("proud", "proud_journal", grace=1440, weekly_target=3,
             steps=["Write down something you're proud of"], every="weekly", day="sun", at=time(19, 0))
PEER = item("peer", "peer_check", grace=1440, every="weekly", day="fri", at=time(16, 0))
RITUAL = item("ritual", "start_ritual", grace=60, every="weekdays", at=time(8, 30))


@pytest.fixture
def notifier():
    return FakeNotifier()


@pytest.fixture
def logs():
    return []


@pytest.fixture
def make(ctx, clock, notifier, logs):
    def build(*commitments, config=None, at=None):
        if at is not None:
            clock._now = at.astimezone(UTC)
        service = ReminderService(paths=ctx.paths, clock=clock, tz=BERLIN, notifier=notifier,
                                  store=ctx.store, log=logs.append)
        service.commitments = list(commitments)
        service.config = config or Config()
        service._signature = service._files_signature()  # as load() would leave it
        return service
    return build


def at(*args):
    return datetime(*args, tzinfo=BERLIN)


def set_now(clock, moment):
    clock._now = moment.astimezone(UTC)


# ---------------------------------------------------------------- catch-up and grace


def test_due_while_stopped_is_sent_once_within_grace(make, notifier, store, clock):
    service = make(REFLECT, at=at(2026, 11, 19, 22, 30))
    sent = service.deliver_due()
    assert [o.action for o in sent] == ["sent"]
    assert notifier.sent == [("Reflect", "Reflect on today's efforts — “You're doing your best.”")]
    service.deliver_due()  # started again: the reminder table says it went out
    assert len(notifier.sent) == 1
    [row] = store.reminders()
    assert (row.commitment_id, row.due_at, row.sent_at, row.channel) == (
        "reflect", at(2026, 11, 19, 21, 0), at(2026, 11, 19, 22, 30), "desktop")


def test_due_while_stopped_past_grace_is_dropped_quietly(make, notifier, store, logs):
    service = make(REFLECT, at=at(2026, 11, 20, 0, 1))  # 3 h 1 min after 21:00
    assert service.deliver_due() == []
    assert notifier.sent == [] and store.reminders() == [] and logs == []


def test_stopped_for_days_sends_one_not_a_burst(make, notifier, clock):
    service = make(REFLECT, PROUD, at=at(2026, 11, 22, 21, 30))  # Sunday night, away since Tuesday
    service.deliver_due()
    titles = [t for t, _ in notifier.sent]
    assert titles == ["Reflect", "Proud"]  # the latest slot of each, nothing older


def test_a_late_job_past_grace_sends_nothing(make, notifier):
    service = make(RITUAL, at=at(2026, 11, 20, 9, 31))  # the scheduler woke 61 min late
    assert service.fire("ritual") is None
    assert notifier.sent == []


def test_a_job_on_time_sends(make, notifier):
    service = make(RITUAL, at=at(2026, 11, 20, 8, 30, 0, 300))
    assert service.fire("ritual").action == "sent"
    assert service.fire("ritual").action == "already"  # a second fire of the same slot
    assert len(notifier.sent) == 1


# ---------------------------------------------------------------- skip when done


def test_no_proud_reminder_after_three_of_three(make, notifier, store):
    for day in (16, 17, 18):
        store.add_entry("proud", f"thing {day}", at(2026, 11, day, 12), created_at=at(2026, 11, day, 12))
    service = make(PROUD, at=at(2026, 11, 22, 19, 0))
    assert [o.action for o in service.deliver_due()] == ["done"]
    assert notifier.sent == [] and store.reminders() == []


def test_proud_reminder_says_how_many_so_far(make, notifier, store):
    store.add_entry("proud", "a thing", at(2026, 11, 17, 12), created_at=at(2026, 11, 17, 12))
    store.add_entry("proud", "last week", at(2026, 11, 15, 12), created_at=at(2026, 11, 15, 12))
    make(PROUD, at=at(2026, 11, 22, 19, 0)).deliver_due()
    assert notifier.sent == [("Proud", "1 of 3 so far this week. Write down something you're proud of")]


def test_no_peer_reminder_after_a_peer_entry_this_week(make, notifier, store):
    store.add_entry("peer", "did 3 blocks", at(2026, 11, 18, 9), created_at=at(2026, 11, 18, 9), peer="Sam")
    assert make(PEER, at=at(2026, 11, 20, 16, 0)).deliver_due()[0].action == "done"
    assert notifier.sent == []


def test_peer_reminder_names_the_peer_and_after_the_slot_the_backup(make, notifier, clock):
    config = Config(peer=PeerConfig(name="Sam", backup="Alex", slot="fri 16:00", minutes=5))
    make(PEER, config=config, at=at(2026, 11, 20, 16, 0)).deliver_due()
    assert notifier.sent[-1] == ("Peer", "Peer check at 16:00 with Sam")
    # The service was off at 16:00; it comes back at 17:10, the slot has passed with no check.
    notifier.sent.clear()
    other = make(item("peer2", "peer_check", grace=1440, every="weekly", day="fri", at=time(16, 0)),
                 config=config, at=at(2026, 11, 20, 17, 10))
    other.deliver_due()
    assert notifier.sent == [("Peer2", "Peer check at 16:00 with Sam — backup: Alex")]


def test_no_reflection_reminder_after_one_today_but_yes_after_one_yesterday(make, notifier, store):
    store.add_entry("reflection", "kind", at(2026, 11, 18, 22), created_at=at(2026, 11, 18, 22))
    make(REFLECT, at=at(2026, 11, 19, 21, 0)).deliver_due()
    assert len(notifier.sent) == 1
    store.add_entry("reflection", "kind", at(2026, 11, 20, 20), created_at=at(2026, 11, 20, 20))
    assert make(REFLECT, at=at(2026, 11, 20, 21, 0)).deliver_due()[0].action == "done"
    assert len(notifier.sent) == 1


def test_no_start_ritual_reminder_once_a_block_started_today(make, notifier, store):
    store.start_block(started_at=at(2026, 11, 20, 8, 0), planned_minutes=25, goal="x")
    assert make(RITUAL, at=at(2026, 11, 20, 8, 30)).deliver_due()[0].action == "done"


# ---------------------------------------------------------------- quiet


def test_quiet_holds_then_sends_once_after(make, notifier, store, ctx, clock):
    now = at(2026, 11, 19, 21, 0)
    set_quiet(ctx.paths, now + timedelta(minutes=3))
    service = make(REFLECT, at=now)
    [held] = service.deliver_due()
    assert held.action == "held" and notifier.sent == [] and store.reminders() == []
    set_now(clock, now + timedelta(minutes=3, seconds=1))
    assert [o.action for o in service.deliver_due()] == ["sent"]
    assert len(notifier.sent) == 1


# ---------------------------------------------------------------- DST: no double, no loss


def run_through(service, commitment, start, end, clock):
    """Call the job at every fire time its APScheduler trigger gives between start and end."""
    trigger = trigger_for(commitment, BERLIN)
    prev = None
    while True:
        prev = trigger.get_next_fire_time(prev, start)
        if prev is None or prev > end:
            return
        set_now(clock, prev)
        service.fire(commitment.id)


def test_autumn_fold_sends_the_0230_reminder_once(make, notifier, store, clock):
    late = item("late", "tiny_step", grace=180, every="daily", at=time(2, 30))
    service = make(late, at=at(2026, 10, 24, 0, 0))
    run_through(service, late, at(2026, 10, 24, 0, 0), at(2026, 10, 27, 0, 0), clock)
    # Even a job that fired again at the repeated 02:30 (CET) finds the row and sends nothing.
    set_now(clock, datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN))
    assert service.fire("late").action == "already"
    days = [r.due_at.astimezone(BERLIN).strftime("%m-%d %H:%M %Z") for r in store.reminders()]
    assert days == ["10-24 02:30 CEST", "10-25 02:30 CEST", "10-26 02:30 CET"]
    assert len(notifier.sent) == 3


def test_spring_forward_loses_no_after_midnight_reminder(make, notifier, store, clock):
    early = item("early", "tiny_step", grace=60, every="daily", at=time(0, 30))
    service = make(early, at=at(2026, 3, 27, 12, 0))
    run_through(service, early, at(2026, 3, 27, 12, 0), at(2026, 4, 1, 12, 0), clock)
    days = [r.due_at.astimezone(BERLIN).strftime("%m-%d %H:%M") for r in store.reminders()]
    assert days == ["03-28 00:30", "03-29 00:30", "03-30 00:30", "03-31 00:30", "04-01 00:30"]


# ---------------------------------------------------------------- suspend and reload


def test_after_a_suspend_the_watch_sends_what_is_still_within_grace(make, notifier, clock, logs):
    service = make(RITUAL, at=at(2026, 11, 20, 8, 0))
    service.watch()  # nothing changed
    assert notifier.sent == []
    clock.advance(45 * 60, wall_only=True)  # lid closed 08:00-08:45: the monotonic clock stood still
    service.watch()
    assert [t for t, _ in notifier.sent] == ["Ritual"]
    assert any("clock moved" in line for line in logs)


def test_after_a_long_suspend_the_reminder_is_dropped(make, notifier, clock):
    service = make(RITUAL, at=at(2026, 11, 20, 8, 0))
    service.watch()
    clock.advance(3 * 3600, wall_only=True)  # back at 11:00, past the hour of grace
    service.watch()
    assert notifier.sent == []


def test_a_changed_config_reloads_and_a_broken_plan_keeps_the_old_jobs(ctx, clock, notifier, logs):
    from habit.catalog import initialise

    initialise(ctx.paths, [])
    service = ReminderService(paths=ctx.paths, clock=clock, tz=BERLIN, notifier=notifier,
                              store=ctx.store, log=logs.append)
    service.load()
    before = {c.id for c in service.commitments}
    assert {"start-ritual", "peer-check", "proud-things", "weekly-summary"} <= before
    text = ctx.paths.config.read_text()
    assert '"jaw-clench-pause",' in text
    ctx.paths.config.write_text(text.replace('"jaw-clench-pause",', ""))
    os.utime(ctx.paths.config, ns=(1, 1))
    service.watch()
    assert "jaw-clench-pause" not in {c.id for c in service.commitments}
    assert "Reloaded" in logs[-1]
    ctx.paths.plans_dir.mkdir()
    (ctx.paths.plans_dir / "bad.toml").write_text("[plan\n")
    service.watch()
    assert "could not be read" in logs[-1] and "the earlier reminders stay" in logs[-1]
    assert "start-ritual" in {c.id for c in service.commitments}
    service.watch()  # said once, not every minute
    assert sum("could not be read" in line for line in logs) == 1


def test_peer_slot_from_config_moves_the_job(ctx, clock, notifier, logs):
    from habit.catalog import initialise
    from habit.config import load_config, save_config

    initialise(ctx.paths, [])
    config = load_config(ctx.paths)
    save_config(ctx.paths, Config(active_plans=config.active_plans,
                                  peer=PeerConfig(name="Sam", slot="wed 11:00")))
    service = ReminderService(paths=ctx.paths, clock=clock, tz=BERLIN, notifier=notifier,
                              store=ctx.store, log=logs.append)
    service.load()
    peer = next(c for c in service.commitments if c.id == "peer-check")
    assert (peer.schedule.day, peer.schedule.at) == ("wed", time(11, 0))


# ---------------------------------------------------------------- the scheduler wiring


def test_jobs_carry_grace_coalesce_and_the_zone(make, home):
    service = make(REFLECT, PROUD, RITUAL)
    before = sorted(home.root.rglob("*"))
    scheduler = service.build_scheduler(blocking=False)
    assert sorted(home.root.rglob("*")) == before  # jobs live in memory: no job file is written
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"_watch", "reflect", "proud", "ritual"}
    assert jobs["reflect"].misfire_grace_time == 180 * 60
    assert jobs["proud"].misfire_grace_time == 1440 * 60
    assert all(job.coalesce for job in jobs.values())
    assert scheduler.timezone is BERLIN
    trigger = jobs["ritual"].trigger
    first = trigger.get_next_fire_time(None, at(2026, 11, 20, 9, 0))
    assert first == at(2026, 11, 23, 8, 30)


def test_a_failing_job_logs_one_line_and_keeps_running(make, logs):
    def broken():
        raise StoreError("the data file is busy in another program; nothing new was saved. Try again.")

    service = make(REFLECT)
    service._store = broken
    service._guarded(service.fire)("reflect")  # 14:00: not due, the store is never touched
    set_now(service.clock, at(2026, 11, 19, 21, 0))
    service._guarded(service.fire)("reflect")
    assert logs and "busy" in logs[-1] and "next reminder will try again" in logs[-1]


def test_one_service_per_data_home(ctx):
    from habit.blocklock import service_running

    assert not service_running(ctx.paths)
    held = single_instance(ctx.paths).__enter__()
    assert service_running(ctx.paths)
    assert stat.S_IMODE(ctx.paths.remind_lock.stat().st_mode) == 0o600
    with pytest.raises(AlreadyRunning, match="already running"), single_instance(ctx.paths):
        pass
    held.__exit__(None, None, None)
    assert not service_running(ctx.paths)
    with single_instance(ctx.paths):  # released on exit
        pass


# ---------------------------------------------------------------- weekly summary


def test_weekly_summary_is_written_and_announced(ctx, clock, notifier, logs, store):
    from habit.catalog import initialise

    initialise(ctx.paths, [])
    store.add_entry("win", "ran the sanity cell", at(2026, 11, 19, 10), created_at=at(2026, 11, 19, 10))
    set_now(clock, at(2026, 11, 22, 18, 5))
    service = ReminderService(paths=ctx.paths, clock=clock, tz=BERLIN, notifier=notifier,
                              store=ctx.store, log=logs.append)
    service.load()
    outcomes = {o.commitment_id: o.action for o in service.deliver_due()}
    assert outcomes["weekly-summary"] == "sent"
    target = ctx.paths.reviews_dir / "2026-W47.md"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "ran the sanity cell" in target.read_text()
    title, body = next(n for n in notifier.sent if n[0] == "Your week is ready")
    assert "2026-W47" in body and "2026-W47.md" in body
    service.deliver_due()
    assert sum(n[0] == "Your week is ready" for n in notifier.sent) == 1
    # The file is the summary's record; the reminder table keeps only commitment prompts.
    assert "weekly-summary" not in {r.commitment_id for r in store.reminders()}


# ---------------------------------------------------------------- the fallback notifier


def test_fallback_notifier_prints_with_a_bell_and_says_why_once():
    lines = []

    def no_bus():
        return None, "there is no D-Bus session bus (no desktop session)"

    notifier = DesktopNotifier(lines.append, backend_factory=no_bus)
    first = notifier.send("Reflect", "A kind sentence")
    notifier.send("Proud", "1 of 3")
    assert first == Delivery("terminal", "terminal", "there is no D-Bus session bus (no desktop session)")
    assert lines[0].startswith("(Desktop notifications are not available: there is no D-Bus")
    assert lines[1:] == ["\aReflect — A kind sentence", "\aProud — 1 of 3"]


def test_fallback_when_the_backend_raises():
    class Refusing:
        def notify(self, **kwargs):
            raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    lines = []
    delivery = DesktopNotifier(lines.append, backend_factory=lambda: (Refusing(), "dbus")).send("T", "M")
    assert delivery.channel == "terminal" and "ServiceUnknown" in delivery.reason
    assert lines[-1] == "\aT — M"


def test_the_service_records_the_terminal_channel(ctx, clock, store):
    lines = []
    notifier = DesktopNotifier(lines.append, backend_factory=lambda: (None, "no bus"))
    clock._now = at(2026, 11, 19, 21, 0).astimezone(UTC)
    service = ReminderService(paths=ctx.paths, clock=clock, tz=BERLIN, notifier=notifier,
                              store=ctx.store, log=lines.append)
    service.commitments, service.config = [REFLECT], Config()
    service.deliver_due()
    assert store.reminders()[0].channel == "terminal"
    assert lines[-1] == "Thu 21:00  Reflect — sent (terminal)"


def test_fake_clock_never_sleeps_for_real():
    clock = FakeClock(at(2026, 11, 19, 14))
    clock.sleep(3600)
    assert clock.now() == at(2026, 11, 19, 15)


# ---------------------------------------------------------------- the small idle service


def test_the_idle_service_hands_due_reminders_to_a_short_child(make, clock, ctx, logs):
    ran = []
    service = make(RITUAL, at=at(2026, 11, 20, 8, 0))
    service.spawn, service._runner = ["habit", "remind", "--once"], lambda argv, **kw: ran.append(argv)
    service.dispatch()  # nothing due at 08:00: no child at all
    assert ran == []
    set_now(clock, at(2026, 11, 20, 8, 30))
    service.fire("ritual")
    assert ran == [["habit", "remind", "--once"]]
    set_quiet(ctx.paths, at(2026, 11, 20, 8, 33))
    service.fire("ritual")  # quiet: held here, no child
    assert len(ran) == 1 and "held while quiet, until 08:33" in logs[-1]
    set_quiet(ctx.paths, None)  # `habit quiet off`: the next watch tick sends what was held
    service.watch()
    assert len(ran) == 2 and not any("Reloaded" in line for line in logs)


def test_the_idle_service_never_imports_the_store():
    import subprocess
    import sys

    probe = (
        "import sys\nfrom habit.service import ReminderService\n"
        "import habit.cli.remind_cmds, habit.schedule, habit.reminders, habit.catalog\n"
        "print(' '.join(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_childs_lines_are_relayed_and_the_fallback_note_said_once(make, clock, logs):
    import subprocess

    note = "(Desktop notifications are not available: no bus. Reminders will show here in the terminal.)"
    child = subprocess.CompletedProcess([], 0, stdout=f"{note}\n\aRitual — breathe\n", stderr="")
    service = make(RITUAL, at=at(2026, 11, 20, 8, 30))
    service.spawn, service._runner = ["habit"], lambda argv, **kw: child
    service.dispatch()
    service.dispatch()
    assert logs == [note, "\aRitual — breathe", "\aRitual — breathe"]


@pytest.mark.parametrize("terminal", [True, False])
def test_sighup_hangs_up_in_a_terminal_and_reloads_as_a_service(make, monkeypatch, terminal):
    import signal

    from habit import service as service_module

    reloads = []
    service = make(RITUAL)
    service.request_reload = lambda: reloads.append(1)
    monkeypatch.setattr(service_module, "_in_terminal", lambda: terminal)
    saved = service_module._install_signals(service)
    try:
        if terminal:
            with pytest.raises(service_module._Stop):
                signal.raise_signal(signal.SIGHUP)
        else:
            signal.raise_signal(signal.SIGHUP)
            assert reloads == [1]
    finally:
        service_module._restore_signals(saved)
