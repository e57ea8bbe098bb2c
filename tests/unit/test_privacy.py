"""Privacy: the data folder is 0700, every file habit writes is 0600, and nothing leaves the machine.

The commands run under umask 000, the most careless setting a user could have: any file created
with default permissions would show up here as world-readable.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from habit.config import load_config, save_config
from plan_support import BRIEF_PLANS, activate


@pytest.fixture
def brief_plans(home):
    """These tests use the examples the brief names; a fresh home activates none."""
    activate(home, *BRIEF_PLANS)


def _main_commands(out: Path) -> list[tuple[str, ...]]:
    return [
        ("init",),
        ("log", "sent the email I was avoiding"),
        ("proud", "asked for help"),
        ("pause", "jaw tight before the call"),
        ("peer", "--with", "Sam", "--reply", "Slowing down is allowed.", "talked it through"),
        ("reflect", "cooked the new dish"),
        ("ground", "--step", "open the folder"),
        ("start-block", "-m", "1", "-g", "draft the letter", "--log", "drafted it", "--no-ritual", "-y"),
        ("today",),
        ("history",),
        ("edit", "1", "sent the email"),
        ("undo", "--yes"),
        ("review",),
        ("review", "-o", str(out / "week.md")),
        ("schedule",),
        ("share",),
        ("calendar", "-o", str(out / "habit.ics")),
        ("export", "-o", str(out / "export.json")),
        ("export", "-f", "csv", "-o", str(out / "export.csv")),
        ("import", str(out / "export.json")),
        ("backup",),
        ("backup", "-o", str(out / "backup.db")),
        ("remind", "--once"),
        ("quiet", "1m"),
        ("quiet", "off"),
    ]


@pytest.fixture
def careless_umask():
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach another machine is recorded (and refused); local unix sockets are fine."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(real):
        def connect(self, address):
            if self.family != socket.AF_UNIX:
                attempts.append(f"connect {address!r}")
                raise OSError("network disabled in this test")
            return real(self, address)
        return connect

    def lookup(host, *args, **kwargs):
        attempts.append(f"getaddrinfo {host!r}")
        raise socket.gaierror("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", guard(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(real_connect_ex))
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return attempts


def _modes(folder: Path) -> dict[str, str]:
    found = {}
    for path in [folder, *folder.rglob("*")]:
        found[str(path.relative_to(folder)) or "."] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


def test_every_file_habit_writes_is_private_and_nothing_goes_out(brief_plans, habit, home, tmp_path,
                                                                 careless_umask, no_network, clock):
    out = tmp_path / "elsewhere"
    out.mkdir(mode=0o755)
    for command in _main_commands(out):
        result = habit(*command, ok=False)
        assert result.exit_code == 0, (command, result.output)
    # Sunday 18:00 a few minutes on: the service writes the weekly summary into reviews/
    clock.advance((3 * 24 + 4) * 3600 + 120)
    result = habit("remind", "--once", ok=False)
    assert result.exit_code == 0, result.output

    modes = _modes(home.root)
    expected = {name: "0o700" if (home.root / name).is_dir() else "0o600" for name in modes}
    assert modes == expected
    # the kinds of file the issue names are all there, so the check above covered them
    names = set(modes)
    assert {".", "habit.db", "config.toml", "state.toml", "backups", "reviews/2026-W47.md"} <= names
    assert any(n.startswith("backups/habit-") for n in names)
    written = {p.name for p in out.iterdir()}
    assert {"week.md", "habit.ics", "export.json", "export.csv", "backup.db"} <= written
    for path in out.iterdir():
        assert oct(stat.S_IMODE(path.stat().st_mode)) == "0o600", path
    assert no_network == []


def test_the_wal_and_shm_files_are_private_while_the_store_is_open(store, home, careless_umask, clock):
    store.add_entry("win", "x", clock.now(), created_at=clock.now())
    for name in ("habit.db", "habit.db-wal", "habit.db-shm"):
        assert oct(stat.S_IMODE((home.root / name).stat().st_mode)) == "0o600", name


def test_a_data_folder_that_others_can_read_is_closed_on_first_write(habit, home):
    home.root.mkdir(mode=0o755)
    home.root.chmod(0o755)
    habit("log", "a small win")
    assert oct(stat.S_IMODE(home.root.stat().st_mode)) == "0o700"


def test_sharing_goes_out_only_to_a_configured_webhook(brief_plans, habit, home, no_network):
    habit("init")
    habit("log", "a small win")
    habit("share")
    assert no_network == []  # not set up: nothing sent

    config = load_config(home)
    from dataclasses import replace

    save_config(home, replace(config, share=replace(config.share, webhook="https://hooks.example.invalid/T0/B0/xyz")))
    result = habit("share", "--post", ok=False)
    assert no_network, "with a webhook set, --post should try to reach it"
    assert all("example.invalid" in a for a in no_network)
    assert result.exit_code != 0 and "nothing here was changed" in result.stderr


def test_folders_created_on_the_way_to_the_data_home_are_private_too(ctx, habit, tmp_path, careless_umask):
    from habit.paths import HomePaths

    ctx.paths = HomePaths(tmp_path / "new" / "share" / "habit")
    habit("log", "a small win")
    for folder in (tmp_path / "new", tmp_path / "new" / "share", ctx.paths.root):
        assert oct(stat.S_IMODE(folder.stat().st_mode)) == "0o700", folder
