"""Write a synthetic history of heavy use into a habit data home, through habit's own store.

    .venv/bin/python bench/make_history.py HOME --days 3653   # ten years, ~100,000 rows
    .venv/bin/python bench/make_history.py HOME --days 7      # one week, same density

Every day gets ~20 entries (wins, proud things, pauses, notes, steps, a reflection, a peer check)
and ~7 focus blocks, ending at the current moment, so `habit review` of this week sees real rows.
The rows go in through `habit.db.store.Store.import_rows` (the path `habit import` uses: the same
models and UTC time type as every other write, one transaction per batch). Deterministic for a
given --seed and --end.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from habit.db.store import open_store
from habit.paths import HomePaths

ENTRIES_PER_DAY = 20
BLOCKS_PER_DAY = 7
KINDS = ["win"] * 8 + ["proud"] * 4 + ["pause"] * 4 + ["note", "step", "peer", "experiment"]
COMMITMENTS = ["start-ritual", "proud-things", "jaw-clench-pause", "ten-minute-blocks", None]
WORDS = ("ran", "check X", "wrote", "the runbook step", "asked for help", "took a breath",
         "finished", "the draft", "answered one email", "walked around the block", "cooked",
         "the new recipe")


def _uid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _text(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(3, 9)))


def day_rows(day_start: datetime, rng: random.Random, end: datetime) -> tuple[list, list]:
    """One day's blocks and entries, all strictly before `end`."""
    blocks, entries = [], []
    for _ in range(BLOCKS_PER_DAY):
        started = day_start + timedelta(minutes=rng.randint(7 * 60, 20 * 60))
        seconds = rng.choice((600, 600, 600, 420, 180))
        ended = started + timedelta(seconds=seconds)
        if ended >= end:
            continue
        blocks.append({
            "uid": _uid(rng), "started_at": started, "planned_minutes": 10, "goal": _text(rng),
            "commitment_id": rng.choice(COMMITMENTS), "status": "completed" if seconds == 600
            else "interrupted", "last_seen_at": ended, "ended_at": ended, "actual_seconds": seconds,
        })
    for _ in range(ENTRIES_PER_DAY):
        at = day_start + timedelta(seconds=rng.randint(6 * 3600, 23 * 3600))
        if at >= end:
            continue
        kind = rng.choice(KINDS)
        entries.append({
            "uid": _uid(rng), "kind": kind, "text": _text(rng), "at": at, "created_at": at,
            "commitment_id": rng.choice(COMMITMENTS),
            "peer": "Sam" if kind == "peer" else None, "reply": "ok" if kind == "peer" else None,
        })
    reflection = day_start + timedelta(hours=21)
    if reflection < end:
        entries.append({"uid": _uid(rng), "kind": "reflection", "text": _text(rng), "at": reflection,
                        "created_at": reflection, "commitment_id": "daily-reflection"})
    return blocks, entries


def make_history(home: Path, *, days: int, end: datetime, seed: int = 7) -> int:
    """Fill `home` with `days` days of history ending at `end`; returns the number of rows."""
    rng = random.Random(seed)
    store = open_store(HomePaths(home))
    first = (end - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    total = 0
    blocks: list = []
    entries: list = []
    for n in range(days + 1):
        day_blocks, day_entries = day_rows(first + timedelta(days=n), rng, end)
        blocks += day_blocks
        entries += day_entries
        if len(blocks) + len(entries) >= 20_000:  # a few big transactions, bounded memory
            total += sum(store.import_rows(blocks, entries))
            blocks, entries = [], []
    total += sum(store.import_rows(blocks, entries))
    store.close()
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path, help="the HABIT_HOME to fill (created if missing)")
    parser.add_argument("--days", type=int, default=3653, help="how many days back from --end")
    parser.add_argument("--end", default=None, help="ISO time the history ends (default: now)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    end = datetime.fromisoformat(args.end) if args.end else datetime.now(UTC)
    if end.tzinfo is None:
        parser.error("--end needs a zone, e.g. 2026-11-22T12:00+00:00")
    began = time.perf_counter()
    total = make_history(args.home, days=args.days, end=end, seed=args.seed)
    print(f"{total} rows over {args.days} days in {args.home} "
          f"({time.perf_counter() - began:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
