"""`habit backup` and `habit forget --all`, as a user runs them."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import timedelta

import pytest

from habit import blocklock
from habit.cli import data_cmds


def _entries(db) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT uid, kind, text FROM entry ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture
def some_data(habit, store, clock, home):
    habit("init")
    for n, text in enumerate(["sent the email", "asked for help", "'; DROP TABLE entry; --"]):
        store.add_entry("win", text, clock.now() - timedelta(hours=n), created_at=clock.now())
    block = store.start_block(started_at=clock.now(), planned_minutes=10)
    store.finish_block(block.id, status="completed", ended_at=clock.now() + timedelta(minutes=10))
    return home


def test_backup_writes_a_private_timestamped_copy_with_every_row(habit, some_data):
    result = habit("backup")
    copy = some_data.backups_dir / "habit-2026-11-19_140000.db"
    size = f"{copy.stat().st_size / 1024:.0f} KiB"
    assert result.stdout == (
        f"Backed up 3 entries, 1 focus block and 0 reminders to {copy} ({size}, readable only by you).\n"
    )
    assert _entries(copy) == _entries(some_data.db)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(some_data.backups_dir.stat().st_mode) == 0o700
    # a single self-contained file: no -wal or -shm beside it
    assert sorted(p.name for p in some_data.backups_dir.iterdir()) == [copy.name]


def test_a_second_backup_in_the_same_second_does_not_replace_the_first(habit, some_data):
    habit("backup")
    second = habit("backup")
    assert "habit-2026-11-19_140000-2.db" in second.stdout
    assert len(list(some_data.backups_dir.iterdir())) == 2


def test_backup_to_a_chosen_file_or_folder(habit, some_data, tmp_path):
    habit("backup", "-o", str(tmp_path / "mine.db"))
    assert _entries(tmp_path / "mine.db") == _entries(some_data.db)
    habit("backup", "-o", str(tmp_path))
    assert _entries(tmp_path / "habit-2026-11-19_140000.db") == _entries(some_data.db)


def test_backup_never_overwrites_an_existing_file(habit, some_data, tmp_path):
    precious = tmp_path / "precious.db"
    precious.write_text("my own notes")
    result = habit("backup", "-o", str(precious), ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        f"habit: {precious} already exists; habit will not overwrite it. Choose another name.\n"
    )
    assert precious.read_text() == "my own notes"


def test_backup_into_a_missing_folder_says_so(habit, some_data, tmp_path):
    result = habit("backup", "-o", str(tmp_path / "nope" / "x.db"), ok=False)
    assert result.exit_code == 2
    assert "does not exist" in result.stderr and result.stderr.count("\n") == 1


def test_backup_with_no_data_yet_creates_nothing(habit, home):
    result = habit("backup", ok=False)
    assert result.exit_code == 4
    assert result.stderr == f"habit: there is no data to back up yet at {home.db}.\n"
    assert not home.root.exists()


# ---------------------------------------------------------------- forget


def test_forget_needs_all(habit, some_data):
    result = habit("forget", ok=False)
    assert result.exit_code == 2
    assert some_data.db.exists()


def test_forget_without_a_terminal_or_yes_removes_nothing(habit, some_data):
    before = sorted(p for p in some_data.root.rglob("*"))
    result = habit("forget", "--all", ok=False)
    assert result.exit_code == 2
    assert result.stderr == (
        "habit: forgetting needs a typed confirmation; run it in a terminal, or add --yes. "
        "Nothing was removed.\n"
    )
    assert sorted(p for p in some_data.root.rglob("*")) == before


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(data_cmds, "_stdin_is_tty", lambda: True)


def test_forget_asks_for_the_word_and_anything_else_keeps_everything(habit, some_data, terminal):
    result = habit("forget", "--all", input="yes\n", ok=False)
    assert result.exit_code == 1
    assert "habit.db" in result.stdout and 'Type "forget"' in result.stdout
    assert result.stderr == "Nothing was removed.\n"
    assert len(_entries(some_data.db)) == 3


def test_forget_after_the_typed_word_removes_exactly_habits_files(habit, some_data, terminal):
    habit("backup")
    (some_data.root / "notes-of-mine.txt").write_text("keep me")
    (some_data.reviews_dir).mkdir()
    os.close(os.open(some_data.reviews_dir / "2026-W47.md", os.O_CREAT | os.O_WRONLY, 0o600))

    result = habit("forget", "--all", input="forget\n")

    root = some_data.root
    listed = [line.strip() for line in result.stdout.split("Removed")[1].splitlines()[1:]]
    expected = ["config.toml", "habit.db", "habit.db-shm", "habit.db-wal",
                "reviews/2026-W47.md", "backups/habit-2026-11-19_140000.db"]
    assert sorted(listed[: len(expected)]) == sorted(expected)
    assert f"Left in place (not habit's own): {root / 'notes-of-mine.txt'}" in result.stdout
    assert sorted(p.name for p in root.iterdir()) == ["notes-of-mine.txt"]


def test_forget_with_yes_and_an_empty_home(habit, home):
    result = habit("forget", "--all", "--yes")
    assert result.stdout == f"There is no habit data in {home.root}; nothing to remove.\n"


def test_forget_removes_the_home_folder_when_only_habits_files_were_in_it(habit, some_data):
    result = habit("forget", "--all", "--yes")
    assert result.stdout.startswith(f"Removed 4 files from {some_data.root}:\n")
    assert not some_data.root.exists()


def test_forget_leaves_a_habit_db_that_is_not_sqlite(habit, home):
    home.root.mkdir()
    home.db.write_text("my tax notes")
    result = habit("forget", "--all", "--yes")
    assert home.db.read_text() == "my tax notes"
    assert str(home.db) in result.stdout


def test_forget_refuses_while_a_block_is_running(habit, some_data, store, clock):
    block = store.start_block(started_at=clock.now(), planned_minutes=10, uid="a" * 32)
    with blocklock.hold(some_data, block.uid):
        result = habit("forget", "--all", "--yes", ok=False)
    assert result.exit_code == 1
    assert "a focus block is running" in result.stderr
    assert some_data.db.exists() and some_data.config.exists()


def test_backup_into_a_folder_habit_cannot_write(habit, some_data, tmp_path):
    from tests.unit.test_hostile_files import read_only

    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder):
        result = habit("backup", "-o", str(folder / "copy.db"), ok=False)
    assert result.exit_code == 4
    assert result.stderr.startswith(f"habit: cannot write {folder / 'copy.db'} (")
    assert result.stderr.endswith("no copy was made. Choose a folder you can write.\n")
    assert list(folder.iterdir()) == []


def test_a_file_that_appears_while_the_copy_is_made_is_not_replaced(store, tmp_path, monkeypatch):
    from habit.errors import StoreError

    target = tmp_path / "copy.db"
    real_connect = __import__("sqlite3").connect

    def connect_and_race(*args, **kwargs):  # someone else creates the file meanwhile
        target.write_text("theirs")
        return real_connect(*args, **kwargs)

    monkeypatch.setattr("habit.db.store.sqlite3.connect", connect_and_race)
    with pytest.raises(StoreError, match="already exists"):
        store.backup_to(target)
    assert target.read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_forget_refuses_while_the_reminder_service_is_running(habit, some_data):
    from habit.service import single_instance

    with single_instance(some_data):  # exactly what `habit remind` holds for its whole life
        result = habit("forget", "--all", "--yes", ok=False)
    assert result.exit_code == 1
    assert "the reminder service is running" in result.stderr and "Nothing was removed" in result.stderr
    assert some_data.db.exists() and some_data.config.exists()
    # once it has stopped, its lock file is just one of habit's own, removed with the rest
    result = habit("forget", "--all", "--yes")
    assert "remind.lock" in result.stdout and not some_data.root.exists()


def test_forget_removes_the_socket_an_older_habit_left(habit, some_data):
    (some_data.root / "habit.sock").write_bytes(b"")
    result = habit("forget", "--all", "--yes")
    assert "habit.sock" in result.stdout and not some_data.root.exists()


def test_restoring_a_backup_as_the_readme_says_brings_back_exactly_that_copy(habit, some_data, store,
                                                                             clock, tmp_path):
    habit("backup", "-o", str(tmp_path / "copy.db"))
    saved = _entries(tmp_path / "copy.db")
    store.add_entry("win", "logged after the backup", clock.now(), created_at=clock.now())
    store.close()
    for name in ("habit.db-wal", "habit.db-shm"):
        (some_data.root / name).unlink(missing_ok=True)
    (some_data.db).write_bytes((tmp_path / "copy.db").read_bytes())
    result = habit("history")
    assert "logged after the backup" not in result.stdout
    assert _entries(some_data.db) == saved


def test_backup_of_a_file_that_is_not_habits_creates_nothing(habit, home):
    home.root.mkdir()
    home.db.write_text("my tax notes")
    result = habit("backup", ok=False)
    assert result.exit_code == 4 and "not a habit data file" in result.stderr
    assert sorted(p.name for p in home.root.iterdir()) == ["habit.db"]
