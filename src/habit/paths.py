"""Where habit keeps its data. Resolution is pure; directories are created only on a write."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from habit.errors import StoreError

DB_NAME = "habit.db"


@dataclass(frozen=True)
class HomePaths:
    root: Path

    @property
    def db(self) -> Path:
        return self.root / DB_NAME

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def plans_dir(self) -> Path:
        return self.root / "plans"

    @property
    def reviews_dir(self) -> Path:
        return self.root / "reviews"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def remind_lock(self) -> Path:
        """Held (flock) by `habit remind` while it runs: the one way to ask whether it does."""
        return self.root / "remind.lock"

    @property
    def state(self) -> Path:
        return self.root / "state.toml"


def resolve_home(environ: dict[str, str] | None = None) -> HomePaths:
    """HABIT_HOME if set, else the platform's user data dir. Touches nothing on disk."""
    env = os.environ if environ is None else environ
    explicit = env.get("HABIT_HOME", "").strip()
    if explicit:
        return HomePaths(Path(explicit).expanduser())
    if not env.get("HOME") and os.name == "posix":
        raise StoreError(
            "HOME is not set, so there is no place for your data; set HOME or HABIT_HOME."
        )
    from platformdirs import user_data_dir

    return HomePaths(Path(user_data_dir("habit", appauthor=False)))


def ensure_home(paths: HomePaths) -> HomePaths:
    """Create the data home (0700) if needed; say clearly when it cannot be used."""
    root = paths.root
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} is a file, not a folder; nothing was saved. "
                         "Set HABIT_HOME to a folder you can write.")
    try:
        # Folders habit creates on the way (~/.local/share, say) are 0700 too, as the XDG spec
        # asks: mkdir(parents=True) would give them the umask's mode instead.
        missing = [root, *(p for p in root.parents if not p.exists())]
        for folder in sorted(missing, key=lambda p: len(p.parts)):
            folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as err:
        raise StoreError(
            f"cannot create the data folder {root} ({err.strerror}); "
            "set HABIT_HOME to a folder you can write."
        ) from err
    if not root.is_dir():
        raise StoreError(f"{root} is not a folder; set HABIT_HOME to a folder you can write.")
    mode = stat.S_IMODE(root.stat().st_mode)
    if mode & 0o077:
        try:
            root.chmod(0o700)
        except OSError:
            pass  # not ours to change (a shared HABIT_HOME); files inside are still 0600
    if not os.access(root, os.W_OK | os.X_OK):
        raise StoreError(
            f"the data folder {root} is read-only; make it writable or set HABIT_HOME elsewhere."
        )
    return paths


def write_private(path: Path, data: bytes | str, *, replace: bool = True) -> None:
    """Write a file atomically with mode 0600 (config, exports, summaries).

    With `replace=False` a file already at `path` (even one that appeared meanwhile) is kept and
    FileExistsError is raised: the finished copy is hard-linked into place, which cannot replace.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        if replace:
            os.replace(tmp, path)
        else:
            place_new(tmp, path)
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise
    except OSError as err:
        tmp.unlink(missing_ok=True)
        if err.errno == errno.ENOSPC:
            raise StoreError(f"the disk holding {path} is full; nothing new was saved. "
                             "Free some space and try again.") from err
        raise StoreError(f"cannot write {path} ({err.strerror}); nothing new was saved. "
                         "Check that its folder is writable.") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def place_new(tmp: Path, target: Path) -> None:
    """Move a finished file into place without ever replacing one already there."""
    try:
        os.link(tmp, target)  # atomic, and fails if the target exists
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(tmp, target)
        return
    tmp.unlink()
