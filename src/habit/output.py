"""The one rule for every file the user names with -o/--output (review, calendar, export, distill).

- An existing file is never replaced unless the command was given --force.
- A written file is private (0600) and appears whole or not at all: it is written to a temporary
  file in the same folder, synced, then moved into place (a hard link when not forcing, so a file
  that appeared meanwhile is still not replaced).
- `-` means standard output (`is_stdout`); a folder or a missing parent folder is refused in one line.
Backups follow the same rule through the store's online backup copy (`habit.data.backup_path`).
"""

from __future__ import annotations

from pathlib import Path

from habit.errors import UsageProblem

STDOUT = "-"


def is_stdout(path: Path | str | None) -> bool:
    """True when the user asked for standard output (`-o -`) or named no file."""
    return path is None or str(path) == STDOUT


def check_target(path: Path | str, *, force: bool = False, example: str = "out.txt") -> Path:
    """Refuse, before any work is done, a target that cannot or may not be written."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise UsageProblem(f"{path} is a folder; give a file name, like {Path(path) / example}.")
    if (target.exists() or target.is_symlink()) and not force:
        raise _exists(path)
    if not target.parent.is_dir():
        raise UsageProblem(f"the folder {target.parent} does not exist; create it or choose another place.")
    return target


def write_output(path: Path | str, data: bytes | str, *, force: bool = False,
                 example: str = "out.txt") -> Path:
    """Write `data` to the user's file by the rule above; returns the path written."""
    from habit.paths import write_private

    target = check_target(path, force=force, example=example)
    try:
        write_private(target, data, replace=force)
    except FileExistsError:
        raise _exists(path) from None
    return target


def _exists(path: Path | str) -> UsageProblem:
    return UsageProblem(f"{path} already exists; choose another name, or add --force to replace it.")
