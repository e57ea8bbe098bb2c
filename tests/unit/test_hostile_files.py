"""Hostile or broken files: one clear line with what to do, a non-zero exit, the user's file intact.

Each case runs the commands a user would try first: `habit init`, `habit plan list` (which needs
only the plans, so it keeps working when the data file is unusable) and a write (`habit log`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from habit.db.schema import SCHEMA_VERSION

WRITE = ("log", "a small win")
COMMANDS = [("init",), ("plan", "list"), WRITE]


def _one_calm_line(result, *needles: str) -> None:
    assert result.exit_code not in (0, 70), result.output  # 70: the boundary caught a bug
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("habit: "), result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def some_data(habit, home):
    habit("init")
    for n in range(3):
        habit("log", f"win number {n}")
    return home


def _entry_texts(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [t for (t,) in conn.execute("SELECT text FROM entry ORDER BY id")]
    finally:
        conn.close()


# ---------------------------------------------------------------- damaged or foreign files


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_file_that_is_not_sqlite_is_left_untouched(habit, home, command):
    home.root.mkdir(mode=0o700)
    home.db.write_text("my tax notes, not a database\n")
    result = habit(*command, ok=command == ("plan", "list"))
    if command != ("plan", "list"):
        _one_calm_line(result, str(home.db), "not a habit data file", "left untouched")
        assert result.exit_code == 4
    assert home.db.read_text() == "my tax notes, not a database\n"
    assert not home.db.with_name("habit.db-wal").exists()


@pytest.mark.parametrize("keep", [50, 4096, 20_000, -4096])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_truncated_file_is_left_as_it_is(habit, some_data, command, keep):
    db = some_data.db
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    data = db.read_bytes()
    cut = data[:keep]
    assert len(cut) < len(data)
    db.write_bytes(cut)
    result = habit(*command, ok=command == ("plan", "list"))
    if command != ("plan", "list"):
        _one_calm_line(result, str(db), "damaged", "Restore a backup")
    assert db.read_bytes() == cut


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_file_from_a_newer_habit_is_refused(habit, some_data, command):
    with sqlite3.connect(some_data.db) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    sqlite3.connect(some_data.db).execute("PRAGMA wal_checkpoint(TRUNCATE)").connection.close()
    before = some_data.db.read_bytes()
    result = habit(*command, ok=command == ("plan", "list"))
    if command != ("plan", "list"):
        _one_calm_line(result, "newer habit", "Upgrade habit")
        assert result.exit_code == 4
    assert some_data.db.read_bytes() == before
    assert not list(some_data.root.glob("*.bak"))


# ---------------------------------------------------------------- read-only, full disk


def _mount(*args: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make a folder read-only for habit: a mode change, or (as root, who ignores modes) a mount."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    if not (_mount("--bind", str(folder), str(folder))
            and _mount("-o", "remount,ro,bind", str(folder))):
        subprocess.run(["umount", str(folder)], capture_output=True)
        pytest.skip("running as root without permission to mount: cannot make a folder read-only")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_read_only_data_folder(habit, some_data, command):
    before = _snapshot(some_data.root)
    with read_only(some_data.root):
        result = habit(*command, ok=command == ("plan", "list"))
    if command != ("plan", "list"):
        _one_calm_line(result, str(some_data.root))
        assert "writable" in result.stderr
        assert result.exit_code == 4
    assert _snapshot(some_data.root) == before


@pytest.fixture
def tiny_disk(tmp_path) -> Iterator[Path]:
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(mount_point)):
        pytest.skip("cannot mount a small tmpfs here (needs root); the max_page_count test covers it")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        while os.write(fd, b"\0" * 1024):
            pass
    except OSError:
        pass  # no space left: that was the point
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_says_so_and_keeps_what_was_saved(habit, ctx, tiny_disk):
    from habit.paths import HomePaths

    ctx.paths = HomePaths(tiny_disk / "habit")
    habit("init")
    habit("log", "saved before the disk filled up")
    filler = _fill(tiny_disk)
    db_before = ctx.paths.db.read_bytes()

    for command in (WRITE, ("init",)):
        result = habit(*command, ok=False)
        _one_calm_line(result, "disk", "full", "Free some space")
    assert ctx.paths.db.read_bytes() == db_before

    filler.unlink()
    assert _entry_texts(ctx.paths.db) == ["saved before the disk filled up"]
    habit(*WRITE)  # and once there is room again, it just works
    assert _entry_texts(ctx.paths.db)[-1] == "a small win"


def test_a_full_database_page_limit_says_so(habit, some_data, monkeypatch):
    """Anywhere (no mount needed): SQLite's page limit gives the same "disk is full" error."""
    from sqlalchemy import event

    from habit.db import store as store_module

    real = store_module.make_engine

    def capped(db):
        engine = real(db)

        @event.listens_for(engine, "connect")
        def _cap(dbapi_conn, _record):
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

        return engine

    monkeypatch.setattr(store_module, "make_engine", capped)

    from types import SimpleNamespace

    from habit.db import light as entrysql

    def capped_light(*args, **kwargs):  # the light store (plain sqlite3) is capped alike
        conn = sqlite3.connect(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")
        return conn

    monkeypatch.setattr(entrysql, "sqlite3", SimpleNamespace(connect=capped_light,
                                                             Error=sqlite3.Error))
    for n in range(40):  # the file has a little free room inside its last pages: fill that
        result = habit("log", f"{n} " + "z" * 1900, ok=False)
        if result.exit_code != 0:
            break
    _one_calm_line(result, "disk", "full", "nothing new was saved")
    monkeypatch.setattr(store_module, "make_engine", real)
    texts = _entry_texts(some_data.db)
    assert texts[:3] == ["win number 0", "win number 1", "win number 2"]


# ---------------------------------------------------------------- no usable HOME


def _run_without_context(*args: str):
    from habit.cli.app import app

    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_home_and_no_habit_home(monkeypatch, command):
    monkeypatch.delenv("HABIT_HOME")
    monkeypatch.delenv("HOME", raising=False)
    result = _run_without_context(*command)
    _one_calm_line(result, "HOME is not set", "set HOME or HABIT_HOME")
    assert result.exit_code == 4


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_unwritable_home(monkeypatch, tmp_path, command):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.delenv("HABIT_HOME")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    with read_only(home):
        result = _run_without_context(*command)
    if command == ("plan", "list"):
        assert result.exit_code == 0, result.output  # reading the plans needs no data folder
    else:
        _one_calm_line(result, "cannot create the data folder", "set HABIT_HOME")
        assert result.exit_code == 4
    assert list(home.iterdir()) == []


def test_a_backup_onto_a_full_disk_says_so_and_leaves_nothing_behind(habit, some_data, tiny_disk):
    filler = _fill(tiny_disk)
    result = habit("backup", "-o", str(tiny_disk / "copy.db"), ok=False)
    _one_calm_line(result, "full", "no copy was made")
    assert result.exit_code == 4
    assert [p.name for p in tiny_disk.iterdir()] == [filler.name]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_folder_where_the_data_file_should_be(habit, home, command):
    home.db.mkdir(parents=True)
    (home.db / "keep.txt").write_text("mine")
    result = habit(*command, ok=command == ("plan", "list"))
    if command != ("plan", "list"):
        _one_calm_line(result, "is a folder, not a habit data file", "left untouched")
        assert result.exit_code == 4
    assert (home.db / "keep.txt").read_text() == "mine"
