"""What is really running: each focus block and the reminder service hold an flock on a small file.

The kernel drops the lock when the process dies (even by SIGKILL), so the next habit command can
tell a live block from an orphan and close the orphan as interrupted at its last recorded moment,
and `habit forget` can tell whether `habit remind` still holds the data file (remind.lock).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from habit.paths import HomePaths


def lock_path(paths: HomePaths, uid: str) -> Path:
    return paths.root / "blocks" / f"{uid}.lock"


@contextmanager
def hold(paths: HomePaths, uid: str) -> Iterator[None]:
    path = lock_path(paths, uid)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)


def is_alive(paths: HomePaths, uid: str) -> bool:
    """True while some process holds the block's lock."""
    return is_held(lock_path(paths, uid))


def service_running(paths: HomePaths) -> bool:
    """True while `habit remind` runs on this data home (it holds remind.lock for its life)."""
    return is_held(paths.remind_lock)


def is_held(path: Path) -> bool:
    """True while some process (this one included, through another open) holds an flock on path."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def recover_orphans(store, paths: HomePaths) -> list:
    """Close every running block whose process is gone, at its last recorded moment."""
    closed = []
    for block in store.running_blocks():
        if is_alive(paths, block.uid):
            continue
        closed.append(store.finish_block(block.id, status="interrupted", ended_at=block.last_seen_at))
        lock_path(paths, block.uid).unlink(missing_ok=True)
    return closed
