"""End to end: `habit remind` sends a due reminder through plyer to a real notification daemon.

A private session bus (dbus-daemon), Xvfb for dunst, dunst as the notification server, and
dbus-monitor recording every org.freedesktop.Notifications call. Tools come from
scripts/test-deps.sh; without them the test skips and says which is missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from e2e_support import wait_for

pytestmark = pytest.mark.e2e

TOOLS = ("dbus-daemon", "dbus-monitor", "dbus-send", "Xvfb", "dunst", "dunstctl", "notify-send")
HABIT = Path(sys.executable).with_name("habit")

PLAN = """\
[plan]
id = "e2e-reminders"
title = "A plan for the end-to-end test"
session = "seeds/e2e.txt"

[[commitment]]
id = "e2e-reflection"
kind = "daily_reflection"
title = "A kind sentence, end to end"
steps = ["Reflect on today's efforts"]
phrase = "You're doing your best, and that's enough."
grace_minutes = 60

[commitment.schedule]
every = "daily"
at = "{at}"

[commitment.source]
file = "seeds/e2e.txt"
line = 1
quote = "I can try."
"""


def _missing() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]




@pytest.fixture
def desktop(tmp_path):
    """A display, a session bus and dunst; yields the environment and the monitor log."""
    missing = _missing()
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (sh scripts/test-deps.sh installs them as root)")
    procs: list[subprocess.Popen] = []
    try:
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp"],
                                pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        procs.append(xvfb)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            display = pipe.readline().strip()
        if not display:
            pytest.skip("Xvfb did not start here")
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(bus)
        address = bus.stdout.readline().strip()
        env = {**os.environ, "DISPLAY": f":{display}", "DBUS_SESSION_BUS_ADDRESS": address}
        # idle_threshold 0: dunst would otherwise hold notices on screen while nobody types.
        rc = tmp_path / "dunstrc"
        rc.write_text("[global]\n    idle_threshold = 0\n")
        procs.append(subprocess.Popen(["dunst", "-config", str(rc)], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))

        def dunst_owns_the_name():
            probe = subprocess.run(
                ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                 "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                 "string:org.freedesktop.Notifications"],
                env=env, capture_output=True, text=True)
            return "boolean true" in probe.stdout

        wait_for(dunst_owns_the_name, 10, "dunst to own org.freedesktop.Notifications")
        log = tmp_path / "monitor.log"
        with log.open("w") as out:
            procs.append(subprocess.Popen(
                ["dbus-monitor", "--session", "interface='org.freedesktop.Notifications'"],
                env=env, stdout=out, stderr=subprocess.DEVNULL))
        wait_for(lambda: log.stat().st_size > 0, 5, "dbus-monitor to attach")
        yield env, log
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_habit_remind_delivers_a_due_reminder_to_the_daemon(desktop, tmp_path):
    env, log = desktop
    if not HABIT.exists():
        pytest.skip(f"the habit console script is not installed next to {sys.executable}")
    home = tmp_path / "home"
    plan = tmp_path / "plan.toml"
    due = datetime.now(UTC) - timedelta(minutes=1)  # came due a minute ago: within its grace
    plan.write_text(PLAN.format(at=due.strftime("%H:%M")))
    env = {**env, "HABIT_HOME": str(home), "HABIT_TZ": "UTC", "TZ": "UTC", "NO_COLOR": "1"}
    # Only this test's plan is active: another plan's reminder in its grace window (a daily
    # 21:00, say) would be sent too, and what is counted below would depend on the hour.
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text('[plans]\nactive = []\n\n[notifications]\nseconds = 2\n')
    subprocess.run([str(HABIT), "plan", "add", str(plan)], env=env, check=True, capture_output=True)

    out_path = tmp_path / "remind.out"
    with out_path.open("w") as out:
        # No terminal, as under systemd: SIGHUP then means "reload" (in a terminal: hang up).
        service = subprocess.Popen([str(HABIT), "remind"], env=env, stdin=subprocess.DEVNULL,
                                   stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: "sent (" in out_path.read_text(), 20, "the reminder to go out")
            wait_for(lambda: "A kind sentence, end to end" in log.read_text(), 5,
                      "the daemon to see the Notify call")
            service.send_signal(signal.SIGHUP)  # reload on request, and nothing sent twice
            wait_for(lambda: "Reloaded the plans and config" in out_path.read_text(), 10,
                      "the reload after SIGHUP")
        finally:
            service.send_signal(signal.SIGTERM)
            code = service.wait(timeout=10)
    printed = out_path.read_text()
    assert code == 0, printed
    assert "A kind sentence, end to end — sent (notify-send)" in printed, printed
    assert printed.rstrip().endswith("Reminders stopped."), printed
    assert "Desktop notifications are not available" not in printed

    calls = log.read_text()
    assert "member=Notify" in calls
    assert 'string "habit"' in calls  # app name
    assert 'string "A kind sentence, end to end"' in calls
    assert "You're doing your best, and that's enough." in calls

    assert printed.count("— sent (") == 1, printed

    with sqlite3.connect(home / "habit.db") as db:
        rows = db.execute("SELECT commitment_id, channel FROM reminder").fetchall()
    assert rows == [("e2e-reflection", "desktop")]

    # The reminder asked the daemon to take it away after the configured 2 s (0 would be never).
    assert _expire_timeouts(calls, "A kind sentence, end to end") == [2000]

    # The reminder itself went away by itself; then the test notice comes and goes.
    wait_for(lambda: _dunst_count(env, "displayed") == 0, 10, "the reminder to expire")
    shown_before = _dunst_count(env, "history")
    test = subprocess.run([str(HABIT), "remind", "--test"], env=env, capture_output=True, text=True)
    assert test.stdout.splitlines()[:2] == [
        "Sent a desktop notification through notify-send.",
        "It goes away after 2 seconds (notifications.seconds in config.toml).",
    ], test.stdout
    wait_for(lambda: "A test reminder" in log.read_text(), 5, "the test notification")
    assert _expire_timeouts(log.read_text(), "A test reminder") == [2000]
    # It came and went by itself: dunst moved it to its history, nothing is left on screen.
    wait_for(lambda: _dunst_count(env, "displayed") == 0 and _dunst_count(env, "history") > shown_before,
             10, "the test notice to expire")
    text = log.read_text()
    for word in ("fail", "missed", "broken", "overdue", "late"):
        assert word not in text.lower(), word


def _dunst_count(env, which: str) -> int:
    done = subprocess.run(["dunstctl", "count", which], env=env, capture_output=True, text=True, timeout=10)
    return int(done.stdout.strip())


def _expire_timeouts(monitor_log: str, text: str) -> list[int]:
    """The expire_timeout (the last argument, int32) of each Notify call that carries this text."""
    found = []
    for call in monitor_log.split("method call")[1:]:
        if "member=Notify" in call and text in call:
            found.append(int(call.split("int32 ")[-1].split()[0]))
    return found
