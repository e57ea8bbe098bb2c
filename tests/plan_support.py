"""Each test activates exactly the example plans it needs: a fresh home activates none."""

from __future__ import annotations

from habit.config import load_config, save_config, with_active
from habit.paths import HomePaths

# The examples the product brief names together (start ritual, block and wins line, peer check,
# pause cue, proud things); tests that exercise all of them activate these.
BRIEF_PLANS = ("start-ritual-and-peer-check", "jaw-clench-pause", "proud-things-and-kind-words")


def activate(home: HomePaths, *plan_ids: str) -> None:
    """Make these example plans active (added to whatever the config already has)."""
    config = load_config(home)
    save_config(home, with_active(config, [*config.active_plans, *plan_ids]))


def activate_only(habit, home: HomePaths, path, text: str, *, ok: bool = True):
    """A plan of the test's own: write `text` to `path` and `habit plan add` it; the first time,
    no other plan is active (whatever a fresh home would activate)."""
    home.root.mkdir(parents=True, exist_ok=True)
    if not home.config.exists():
        home.config.write_text("[plans]\nactive = []\n")
    path.write_text(text)
    return habit("plan", "add", str(path), ok=ok)
