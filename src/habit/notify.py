"""Desktop notifications through plyer, with a terminal fallback that says once why.

Only this module imports plyer. Backend choice mirrors plyer's own order on Linux but avoids its
traps (a stray /app folder taken for Flatpak; a missing session bus found only at send time).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Delivery:
    channel: str  # "desktop" or "terminal"
    backend: str  # e.g. "notify-send", "dbus", "terminal"
    reason: str | None = None  # why it fell back, when it did


class Notifier(Protocol):
    def send(self, title: str, message: str) -> Delivery: ...


def _linux_backend():
    """A plyer notification object for this Linux session, or (None, reason)."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None, "there is no D-Bus session bus (no desktop session)"
    from plyer.platforms.linux import notification as linux

    if os.path.exists("/.flatpak-info"):
        return linux.NotifyDesktopPortals(), "flatpak portal"
    try:
        import dbus  # noqa: F401

        return linux.NotifyDbus(), "dbus"
    except ImportError:
        pass
    if shutil.which("notify-send"):
        return _NotifySend(), "notify-send"
    return None, "no notification tool is installed (install libnotify-bin for notify-send)"


class _NotifySend:
    """notify-send with the timeout passed on (plyer's own path drops it and sends 0: never expire)."""

    def notify(self, *, title: str, message: str, app_name: str, timeout: float) -> None:
        argv = ["notify-send", f"--app-name={app_name}", f"--expire-time={round(timeout * 1000)}",
                "--", title, message]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
        if done.returncode != 0:
            raise RuntimeError((done.stderr.strip() or f"notify-send exited {done.returncode}")[:200])


def _plyer_backend():
    if sys.platform.startswith("linux"):
        return _linux_backend()
    from plyer import notification

    return notification, "plyer"


class DesktopNotifier:
    """Sends through plyer; on any failure prints to the terminal with a bell instead.

    `echo` receives terminal lines (the CLI passes its own writer); the reason for falling back
    is said once per notifier. `expire_seconds` is how long the notice stays (0: until clicked
    away), from config.toml's [notifications].
    """

    def __init__(self, echo: Callable[[str], None], *, expire_seconds: float = 10,
                 backend_factory=_plyer_backend) -> None:
        self.echo = echo
        self.expire_seconds = expire_seconds
        self._factory = backend_factory
        self._backend = None
        self._name: str | None = None
        self._explained = False

    def send(self, title: str, message: str) -> Delivery:
        reason = None
        try:
            if self._backend is None:
                self._backend, self._name = self._factory()
            if self._backend is not None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._backend.notify(title=title, message=message, app_name="habit",
                                         timeout=self.expire_seconds)
                return Delivery("desktop", self._name or "plyer")
            reason = self._name
        except NotImplementedError:
            reason = "plyer has no notification backend on this system"
        except Exception as err:  # D-Bus refusals, missing daemons: fall back, never crash
            reason = f"the desktop refused it ({type(err).__name__}: {err})"
        return self._fallback(title, message, reason or "no desktop notifications")

    def _fallback(self, title: str, message: str, reason: str) -> Delivery:
        if not self._explained:
            self.echo(f"(Desktop notifications are not available: {reason}. "
                      "Reminders will show here in the terminal.)")
            self._explained = True
        self.echo(f"\a{title} — {message}")
        return Delivery("terminal", "terminal", reason)
