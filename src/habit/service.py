"""The reminder service behind `habit remind`: jobs from the active plans, sent through the notifier.

Decisions (see FACTS.md):
- An in-memory job store rebuilt from the plans; never APScheduler's SQLAlchemy store.
- Each job carries its commitment's grace as `misfire_grace_time`, with `coalesce=True`.
- Catch-up after a stop comes from our own `reminder` table: on start (and reload, and after a
  suspend) each commitment's latest slot is sent once if still within grace, else dropped quietly.
- The scheduler sleeps on the monotonic clock, which stands still while a laptop is suspended, so
  it would wake late by the suspended time. One slow job (every WATCH_SECONDS) bounds that: it
  stats the plan files and config.toml for changes (the reload), and when the wall clock has
  moved away from the monotonic one (a suspend or a clock change) it runs the catch-up. It touches
  no database and sends nothing when nothing changed.
- The unique (commitment, due) row means a slot is never sent twice, even if two paths race.
- Memory: SQLModel/SQLAlchemy/pydantic cost ~30 MiB resident once imported. The long-running
  service (`spawn` set) never imports them: it only knows the plans and the clock, and when a
  reminder is due it runs `habit remind --once` as a short child that decides and sends. Tests
  and `--once` itself run the same decisions in-process (`spawn=None`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from habit.errors import HabitError
from habit.plans import builtin_plans_dir, plan_files
from habit.reminders import build_message, is_done, quiet_until, summary_message
from habit.schedule import (
    Fire,
    due_now,
    grace_seconds,
    is_timed,
    next_fires,
    summary_commitment,
    trigger_for,
    with_peer_slot,
)

if TYPE_CHECKING:
    from habit.clock import Clock
    from habit.config import Config
    from habit.notify import Delivery, Notifier
    from habit.paths import HomePaths
    from habit.plans import Commitment
    from habit.records import FullStore

WATCH_SECONDS = 60
DRIFT_SECONDS = 90  # wall clock moved this much against the monotonic one: a suspend or a reset
SUMMARY_ID = "weekly-summary"
_WATCH_JOB = "_watch"
_AFTER_QUIET_JOB = "_after-quiet"
_RELOAD_JOB = "_reload"
_CATCH_UP_JOB = "_catch-up"
_FALLBACK_NOTE = "(Desktop notifications are not available"  # habit.notify's one-time note


@dataclass(frozen=True)
class Outcome:
    commitment_id: str
    due: datetime
    action: str  # sent | done | held | already
    title: str = ""
    delivery: Delivery | None = None
    until: datetime | None = None  # for held


class AlreadyRunning(HabitError):
    pass


class ReminderService:
    """Decides and sends; `run()` adds the scheduler. Prints nothing: `log` gets calm lines."""

    def __init__(self, *, paths: HomePaths, clock: Clock, tz: tzinfo, notifier: Notifier,
                 store: Callable[[], FullStore], log: Callable[[str], None],
                 spawn: list[str] | None = None, runner: Callable = subprocess.run) -> None:
        self.paths = paths
        self.clock = clock
        self.tz = tz
        self.notifier = notifier
        self._store = store
        self.log = log
        self.spawn = spawn  # a command that sends what is due (habit remind --once), or None
        self._runner = runner
        self._fallback_said = False
        self.commitments: list[Commitment] = []
        self.config: Config | None = None
        self.scheduler = None
        self._signature: tuple = ()
        self._state_seen: tuple = _stat(paths.state)
        self._offset = self._clock_offset()
        self._lock = threading.RLock()  # one decision at a time: jobs, reloads, catch-up

    # -- what is active
    def load(self) -> None:
        """Read the config and active plans; raise HabitError (plans or config) as they are."""
        from habit.catalog import load_catalog, peer_view
        from habit.config import load_config

        config = load_config(self.paths)
        catalog = load_catalog(self.paths, config)
        items = [c for c in with_peer_slot(catalog.commitments(), config.peer.slot) if is_timed(c)]
        summary = summary_commitment(config.summary_day, config.summary_at)
        if summary is not None:
            items.append(summary)
        else:
            self.log(f"The weekly summary time '{config.summary_day} {config.summary_at}' "
                     "does not read as a day and time (like sun 18:00); no summary will be written.")
        self.config, self.commitments = peer_view(config, catalog), items
        self._signature = self._files_signature()

    def upcoming(self) -> list:
        return [nf for nf in next_fires(self.commitments, self.clock.now(), self.tz) if nf.at]

    # -- deciding and sending
    def deliver_due(self) -> list[Outcome]:
        """Send each commitment's latest reminder if it is within grace and not sent yet."""
        now = self.clock.now()
        outcomes = []
        for item in list(self.commitments):
            fire = due_now(item, now, self.tz)
            if fire is not None:
                outcomes.append(self.deliver(item, fire))
        return outcomes

    def fire(self, commitment_id: str) -> Outcome | None:
        """A scheduler job: the slot that came due for this commitment, if still within grace."""
        item = next((c for c in self.commitments if c.id == commitment_id), None)
        if item is None:
            return None
        fire = due_now(item, self.clock.now(), self.tz)
        if fire is None:
            return None  # past its grace (woke too late): dropped quietly
        if self.spawn is not None:
            self.dispatch()
            return None
        return self.deliver(item, fire)

    def dispatch(self) -> None:
        """Send what is due now: here, or through a short-lived `habit remind --once` child."""
        if self.spawn is None:
            self.deliver_due()
            return
        now = self.clock.now()
        due = [(c, f) for c in self.commitments if (f := due_now(c, now, self.tz)) is not None]
        if not due:
            return
        held = quiet_until(self.paths, now)
        if held is not None:
            self._wake_at(held)
            for item, fire in due:
                self._report(Outcome(item.id, fire.due, "held", item.title, until=held))
            return
        try:
            done = self._runner(self.spawn, check=False, timeout=300, capture_output=True, text=True)
        except (OSError, subprocess.SubprocessError) as err:
            self.log(f"Could not start the sender ({err}); the next reminder will try again.")
            return
        self._relay(getattr(done, "stdout", "") or "", getattr(done, "stderr", "") or "")

    def _relay(self, *outputs: str) -> None:
        """The child's lines, through our log; why notifications fall back is said only once."""
        for output in outputs:
            for line in output.splitlines():
                if line.startswith(_FALLBACK_NOTE):
                    if self._fallback_said:
                        continue
                    self._fallback_said = True
                self.log(line)

    def deliver(self, item: Commitment, fire: Fire) -> Outcome:
        with self._lock:
            now = self.clock.now()
            store = self._store()
            if self._already_sent(item, fire, store):
                return Outcome(item.id, fire.due, "already", item.title)
            held = quiet_until(self.paths, now)
            if held is not None:
                self._wake_at(held)
                return self._report(Outcome(item.id, fire.due, "held", item.title, until=held))
            if is_done(item, store, due=fire.due, tz=self.tz):
                return self._report(Outcome(item.id, fire.due, "done", item.title))
            if item.id == SUMMARY_ID:
                message = self._write_summary(store, fire, now)
            else:
                assert self.config is not None
                message = build_message(item, store=store, config=self.config, due=fire.due,
                                        now=now, tz=self.tz)
            delivery = self.notifier.send(message.title, message.body)
            if item.id != SUMMARY_ID:  # the summary file is its own record; the review counts prompts
                store.add_reminder(commitment_id=item.id, due_at=fire.due, sent_at=now,
                                   channel=delivery.channel, title=message.title, body=message.body)
            return self._report(Outcome(item.id, fire.due, "sent", message.title, delivery))

    def _already_sent(self, item: Commitment, fire: Fire, store: FullStore) -> bool:
        if item.id == SUMMARY_ID:
            return self._summary_path(fire).exists()
        return bool(store.reminders(commitment_id=item.id, since=fire.due,
                                    until=fire.due + timedelta(microseconds=1)))

    def _summary_path(self, fire: Fire) -> Path:
        from habit.weeks import week_of

        return self.paths.reviews_dir / f"{week_of(fire.due, self.tz)}.md"

    def _write_summary(self, store: FullStore, fire: Fire, now: datetime):
        """The week's review as Markdown in the data home (0600); the message says where."""
        from habit.catalog import load_catalog
        from habit.paths import ensure_home, write_private
        from habit.render import markdown
        from habit.review import review_week
        from habit.weeks import week_of

        assert self.config is not None
        week = week_of(fire.due, self.tz)
        commitments = load_catalog(self.paths, self.config).commitments()
        review = review_week(store, week, tz=self.tz, now=now, commitments=commitments,
                             peer=self.config.peer)
        ensure_home(self.paths)
        self.paths.reviews_dir.mkdir(mode=0o700, exist_ok=True)
        target = self._summary_path(fire)
        write_private(target, markdown(review))
        return summary_message(str(week), _home_relative(target))

    def _report(self, outcome: Outcome) -> Outcome:
        when = outcome.due.astimezone(self.tz).strftime("%a %H:%M")
        if outcome.action == "sent" and outcome.delivery is not None:
            how = outcome.delivery.backend
            self.log(f"{when}  {outcome.title} — sent ({how})")
        elif outcome.action == "held" and outcome.until is not None:
            local = outcome.until.astimezone(self.tz)
            until = local.strftime("%H:%M" if local.second == 0 else "%H:%M:%S")
            self.log(f"{when}  {outcome.title} — held while quiet, until {until}")
        elif outcome.action == "done":
            self.log(f"{when}  {outcome.title} — already done for now, no reminder needed")
        return outcome

    # -- watching for changes and suspends (the one slow job)
    def watch(self) -> None:
        offset = self._clock_offset()
        jumped = abs(offset - self._offset) > DRIFT_SECONDS
        self._offset = offset
        state = _stat(self.paths.state)
        if self._files_signature() != self._signature:
            self.reload()
        elif state != self._state_seen:  # `habit quiet` changed: held reminders may go now
            self._state_seen = state
            self.dispatch()
        elif jumped:
            self.log("The clock moved (a suspend or a time change); checking what is still due.")
            self.dispatch()

    def reload(self) -> None:
        with self._lock:
            try:
                self.load()
            except HabitError as err:
                first = str(err).splitlines()[0]
                self._signature = self._files_signature()  # say it once, not every minute
                self.log(f"The plans or config could not be read ({first}); "
                         "the earlier reminders stay in place.")
                return
            self._install_jobs()
            self.log(f"Reloaded the plans and config: {len(self.commitments)} reminders.")
            self.dispatch()

    def _clock_offset(self) -> float:
        return self.clock.now().timestamp() - self.clock.monotonic()

    def _files_signature(self) -> tuple:
        files = [self.paths.config, *plan_files(self.paths.plans_dir),
                 *plan_files(builtin_plans_dir())]
        return tuple(_stat(path) for path in files)

    # -- the scheduler
    def build_scheduler(self, *, blocking: bool = True):
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore

        if blocking:
            from apscheduler.schedulers.blocking import BlockingScheduler as Scheduler
        else:
            from apscheduler.schedulers.background import BackgroundScheduler as Scheduler
        # One worker: decisions and sends happen one at a time, in order.
        self.scheduler = Scheduler(
            timezone=self.tz, jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )
        self.scheduler.add_job(self._guarded(self.watch), "interval", seconds=WATCH_SECONDS,
                               id=_WATCH_JOB, misfire_grace_time=WATCH_SECONDS, coalesce=True)
        self._install_jobs()
        return self.scheduler

    def _install_jobs(self) -> None:
        if self.scheduler is None:
            return
        keep = {_WATCH_JOB, _AFTER_QUIET_JOB, _RELOAD_JOB, _CATCH_UP_JOB}
        for job in self.scheduler.get_jobs():
            if job.id not in keep:
                job.remove()
        for item in self.commitments:
            self.scheduler.add_job(
                self._guarded(self.fire), trigger_for(item, self.tz), args=[item.id], id=item.id,
                name=item.title, misfire_grace_time=grace_seconds(item), coalesce=True,
                replace_existing=True,
            )

    def _wake_at(self, moment: datetime) -> None:
        """After a quiet spell, look again (held reminders still within grace go out once)."""
        if self.scheduler is None:
            return
        self.scheduler.add_job(self._guarded(self.dispatch), "date",
                               run_date=moment.astimezone(self.tz) + timedelta(seconds=1),
                               id=_AFTER_QUIET_JOB, replace_existing=True, misfire_grace_time=3600)

    def _guarded(self, action: Callable) -> Callable:
        """A job must never take the service down: a problem becomes one calm log line."""
        def run(*args):
            try:
                return action(*args)
            except HabitError as err:
                self.log(f"Could not do that just now ({str(err).splitlines()[0]}); "
                         "the next reminder will try again.")
            except Exception as err:  # noqa: BLE001 - the service keeps running
                self.log(f"Something unexpected happened ({type(err).__name__}: {err}); "
                         "reminders keep running.")
            return None
        return run

    def request_reload(self) -> None:
        """SIGHUP: queue a reload on the worker (never inside the signal handler itself)."""
        if self.scheduler is not None:
            threading.Thread(target=self.scheduler.add_job, args=(self._guarded(self.reload),),
                             kwargs={"id": _RELOAD_JOB, "replace_existing": True},
                             daemon=True).start()

    def run(self, ready: Callable[[], None] | None = None) -> None:
        """Block until Ctrl-C or SIGTERM; reload on SIGHUP or a changed plan/config file.

        `ready` is called once the plans are loaded and this is the only service running.
        """
        import logging

        logging.getLogger("apscheduler").setLevel(logging.CRITICAL)  # we log for ourselves
        with single_instance(self.paths):
            self.load()
            if ready is not None:
                ready()
            handlers = _install_signals(self)
            scheduler = None
            try:
                scheduler = self.build_scheduler(blocking=True)
                # The catch-up runs as the first job, so Ctrl-C and SIGTERM are answered meanwhile.
                scheduler.add_job(self._guarded(self.dispatch), id=_CATCH_UP_JOB)
                scheduler.start()
            except (KeyboardInterrupt, _Stop):
                pass
            finally:
                if scheduler is not None and scheduler.running:
                    scheduler.shutdown(wait=False)
                _restore_signals(handlers)


class _Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise _Stop()


def _install_signals(service: ReminderService) -> dict:
    saved = {}
    if threading.current_thread() is not threading.main_thread():
        return saved
    saved[signal.SIGTERM] = signal.signal(signal.SIGTERM, _raise_stop)
    if hasattr(signal, "SIGHUP"):
        # In a terminal, SIGHUP means the terminal closed: stop, as any foreground program does.
        # Run by systemd, launchd or nohup (no terminal), it means "reload", as for daemons.
        on_hup = _raise_stop if _in_terminal() else (lambda signum, frame: service.request_reload())
        saved[signal.SIGHUP] = signal.signal(signal.SIGHUP, on_hup)
    return saved


def _in_terminal() -> bool:
    try:
        return os.isatty(0)
    except OSError:
        return False


def _restore_signals(saved: dict) -> None:
    for signum, handler in saved.items():
        signal.signal(signum, handler)


class single_instance:
    """Only one service per data home: two would race to send the same reminder.

    The flock on remind.lock (0600) is also how `habit forget` knows the service is running
    (habit.blocklock.service_running); the kernel drops it when the process dies.
    """

    def __init__(self, paths: HomePaths) -> None:
        self.paths = paths
        self.path = paths.remind_lock
        self.handle = None

    def __enter__(self) -> single_instance:
        from habit.paths import ensure_home

        ensure_home(self.paths)
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks here; the unique row still guards
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.chmod(self.path, 0o600)  # a lock file left by an older habit with the umask's mode
        self.handle = os.fdopen(fd, "r+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.handle.seek(0)
            pid = self.handle.read().strip() or "?"
            self.handle.close()
            raise AlreadyRunning(
                f"reminders are already running (process {pid}); stop that one first, "
                "or use `habit schedule` to see what is coming."
            ) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(str(os.getpid()))
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            self.handle.close()


def _stat(path: Path) -> tuple:
    try:
        info = path.stat()
        return (str(path), info.st_mtime_ns, info.st_size)
    except OSError:
        return (str(path), None, None)


def _home_relative(path: Path) -> str:
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)

