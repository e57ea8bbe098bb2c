"""Notices that go away: the timeout from config.toml reaches notify-send and the D-Bus path."""

from __future__ import annotations

import subprocess

import pytest

from habit import notify
from habit.config import NotifyConfig, load_config, save_config
from habit.errors import HabitError
from habit.notify import DesktopNotifier


def test_notify_send_gets_the_timeout_in_milliseconds(monkeypatch):
    ran = []

    def run(argv, **kw):
        ran.append(argv)
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(notify.subprocess, "run", run)
    notifier = DesktopNotifier(print, expire_seconds=7.5, backend_factory=lambda: (notify._NotifySend(), "x"))
    assert notifier.send("-t 0", "--urgency=critical").channel == "desktop"
    # The title and message stay text after "--", never options.
    assert ran == [["notify-send", "--app-name=habit", "--expire-time=7500", "--", "-t 0",
                    "--urgency=critical"]]


def test_a_notify_send_refusal_falls_back_to_the_terminal(monkeypatch):
    monkeypatch.setattr(notify.subprocess, "run", lambda argv, **kw: subprocess.CompletedProcess(
        argv, 1, "", "Failed to connect to the notification server"))
    lines: list[str] = []
    delivery = DesktopNotifier(lines.append, backend_factory=lambda: (notify._NotifySend(), "notify-send")
                               ).send("T", "M")
    assert delivery.channel == "terminal" and lines[-1] == "\aT — M"


def test_the_dbus_path_gets_the_timeout_too():
    seen = {}

    class Backend:
        def notify(self, **kw):
            seen.update(kw)

    DesktopNotifier(print, expire_seconds=3, backend_factory=lambda: (Backend(), "dbus")).send("T", "M")
    assert seen["timeout"] == 3  # plyer's NotifyDbus sends timeout * 1000 as expire_timeout


def test_timeouts_come_from_config_toml(home):
    assert load_config(home).notifications == NotifyConfig(seconds=10, block_end_seconds=0)
    home.root.mkdir(exist_ok=True)
    home.config.write_text("[plans]\nactive = []\n[notifications]\nseconds = 4\nblock_end_seconds = 30\n")
    config = load_config(home)
    assert config.notifications == NotifyConfig(seconds=4, block_end_seconds=30)
    save_config(home, config)
    assert load_config(home).notifications == NotifyConfig(seconds=4, block_end_seconds=30)


@pytest.mark.parametrize("value", ["-1", '"ten"', "true", "100000"])
def test_a_bad_timeout_is_one_clear_line(home, value):
    home.root.mkdir(exist_ok=True)
    home.config.write_text(f"[notifications]\nseconds = {value}\n")
    with pytest.raises(HabitError, match=r"notifications\.seconds in config.toml must be a number"):
        load_config(home)
