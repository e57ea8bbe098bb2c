"""Copy text to the system clipboard when there is one; report plainly when there is not."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

_TOOLS = (
    ("WAYLAND_DISPLAY", ["wl-copy"]),
    ("DISPLAY", ["xclip", "-selection", "clipboard"]),
    ("DISPLAY", ["xsel", "--clipboard", "--input"]),
)


def copy(text: str) -> str | None:
    """Copy `text`; return the tool used, or None when no clipboard is reachable."""
    candidates: list[list[str]] = []
    if sys.platform == "darwin":
        candidates.append(["pbcopy"])
    elif sys.platform.startswith("win"):
        candidates.append(["clip"])
    else:
        candidates.extend(cmd for env, cmd in _TOOLS if os.environ.get(env))
    for cmd in candidates:
        if not shutil.which(cmd[0]):
            continue
        try:
            subprocess.run(cmd, input=text.encode("utf-8"), check=True, timeout=3,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return cmd[0]
        except (OSError, subprocess.SubprocessError):
            continue
    return None
