"""Your data as a whole: a consistent backup copy, and forgetting everything habit keeps.

What `forget_all` removes, exactly (and nothing else), all inside the data home:
  habit.db and its -wal / -shm / -journal companions, the copies written before an upgrade
  (habit.db.v<N>.bak), config.toml, state.toml, remind.lock (held by `habit remind` while it
  runs), habit.sock (a socket an older habit's service left),
  plans/*.toml (your copies of plan files), reviews/* (weekly summaries habit wrote),
  backups/habit-*.db (backups made by `habit backup` without -o), blocks/*.lock,
  and unfinished temporary files of habit's own (.<name>.tmp-<pid>).
Then each of those folders, and the data home itself, if nothing else is left in them.
A habit.db that is not a SQLite file is not habit's: it is left alone and named.
Backups and exports written elsewhere (with -o) are not touched: habit does not track them.
"""

from __future__ import annotations

import fnmatch
import sqlite3
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from habit.errors import HabitError, StoreError, UsageProblem
from habit.paths import DB_NAME, HomePaths, ensure_home

_SQLITE_MAGIC = b"SQLite format 3\x00"
# (folder relative to the data home, file-name patterns habit writes there)
_OWN_FILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (".", (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", f"{DB_NAME}.v*.bak",
           "config.toml", "state.toml", "remind.lock", "habit.sock", ".*.tmp-*")),
    ("plans", ("*.toml", ".*.tmp-*")),
    ("reviews", ("*",)),
    ("backups", ("habit-*.db", "habit-*.db-wal", "habit-*.db-shm", ".*.tmp-*")),
    ("blocks", ("*.lock",)),
)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    entries: int
    blocks: int
    reminders: int
    size: int


@dataclass(frozen=True)
class ForgetPlan:
    root: Path
    files: tuple[Path, ...]  # what will be removed, in order
    kept: tuple[Path, ...]  # in the data home but not habit's: left in place


# ---------------------------------------------------------------- backup


def backup_path(paths: HomePaths, now: datetime, tz: tzinfo, target: Path | None = None) -> Path:
    """Where a backup goes: -o FILE as given (a folder gets a timestamped name inside it)."""
    name = f"habit-{now.astimezone(tz):%Y-%m-%d_%H%M%S}.db"
    if target is None:
        folder = paths.backups_dir
        candidate = folder / name
        n = 2
        while candidate.exists():  # two backups in one second: never overwrite the first
            candidate = folder / f"{name[:-3]}-{n}.db"
            n += 1
        return candidate
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / name
    if target.exists() or target.is_symlink():
        raise UsageProblem(f"{target} already exists; habit will not overwrite it. Choose another name.")
    if not target.parent.is_dir():
        raise UsageProblem(f"the folder {target.parent} does not exist; create it or choose another.")
    if target.resolve().parent == paths.root.resolve() and target.name.startswith(DB_NAME):
        raise UsageProblem(f"{target} is where habit keeps its live data; choose another name.")
    return target


def make_backup(paths: HomePaths, *, now: datetime, tz: tzinfo, target: Path | None = None) -> BackupResult:
    """Copy the data file with SQLite's online backup API (safe while the service writes)."""
    from habit.db.store import open_for_reading

    if not paths.db.exists():
        raise StoreError(f"there is no data to back up yet at {paths.db}.")
    path = backup_path(paths, now, tz, target)
    store = open_for_reading(paths)  # a damaged or foreign file stops here, before any mkdir
    assert store is not None  # checked above
    try:
        if target is None:
            try:
                ensure_home(paths)
            except StoreError as err:
                raise StoreError(f"{err} To back up a read-only copy, add -o FILE elsewhere.") from err
            _private_dir(paths.backups_dir)
        store.backup_to(path)
    finally:
        store.close()
    return _describe_backup(path)


def _describe_backup(path: Path) -> BackupResult:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise StoreError(f"the copy at {path} did not read back cleanly; your data file is unchanged.")
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("entry", "block", "reminder")]
    finally:
        conn.close()
    return BackupResult(path, *counts, size=path.stat().st_size)


def _private_dir(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create {folder} ({err.strerror}); use -o to write elsewhere.") from err


# ---------------------------------------------------------------- forget


def plan_forget(paths: HomePaths) -> ForgetPlan:
    """List exactly which files `forget_all` would remove; changes nothing."""
    root = paths.root
    files: list[Path] = []
    kept: list[Path] = []
    if not root.is_dir():
        return ForgetPlan(root, (), ())
    for sub, patterns in _OWN_FILES:
        folder = root if sub == "." else root / sub
        if folder.is_symlink():
            kept.append(folder)  # points elsewhere: not followed, not removed
            continue
        if not folder.is_dir():
            continue
        for item in sorted(folder.iterdir()):
            if sub == "." and item.name in {s for s, _ in _OWN_FILES}:
                continue  # habit's own folders: their contents are sorted out below
            ours = not item.is_dir() and any(fnmatch.fnmatchcase(item.name, p) for p in patterns)
            if not ours or (item == paths.db and _is_foreign(item)):
                kept.append(item)
            else:
                files.append(item)
    return ForgetPlan(root, tuple(files), tuple(kept))


def forget_all(paths: HomePaths, plan: ForgetPlan) -> list[Path]:
    """Remove the files in `plan` (only those), then the folders they leave empty."""
    _refuse_if_in_use(paths)
    removed: list[Path] = []
    for path in plan.files:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as err:
            raise HabitError(
                f"could not remove {path} ({err.strerror}); removed so far: "
                f"{', '.join(str(p) for p in removed) or 'nothing'}."
            ) from err
        removed.append(path)
    for sub, _ in _OWN_FILES:
        if sub != ".":
            _remove_if_empty(plan.root / sub)
    _remove_if_empty(plan.root)
    return removed


def _is_foreign(db: Path) -> bool:
    try:
        with db.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError:
        return False
    return bool(head) and head != _SQLITE_MAGIC


def _refuse_if_in_use(paths: HomePaths) -> None:
    from habit import blocklock

    lock_dir = paths.root / "blocks"
    if lock_dir.is_dir():
        for lock in lock_dir.glob("*.lock"):
            if blocklock.is_alive(paths, lock.stem):
                raise HabitError("a focus block is running; stop it first, then forget. Nothing was removed.")
    if blocklock.service_running(paths):
        raise HabitError(
            "the reminder service is running and holds the data file; stop it first, then forget. "
            "Nothing was removed."
        )


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (something that is not habit's) or not there
