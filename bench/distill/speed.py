#!/usr/bin/env python3
"""How long `habit distill` takes as inputs grow (#13): it should stay linear.

usage: .venv/bin/python bench/distill/speed.py
Times distill() (reading, rules and the draft, not process start) on the largest seed, a ~2.4 MB
transcript and a 10,000-line notes file built from the project's own examples, and on half of each
(linear time: the full run takes about twice the half run). Targets: seed < 0.2 s, large < 5 s.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from habit.distill import distill

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 19, 14, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def timed(text: str, source: str) -> tuple[float, int]:
    start = time.perf_counter()
    draft = distill(text, source=source, now=NOW)
    return time.perf_counter() - start, len(draft.commitments)


def transcript(size: int) -> str:
    parts, total = [], 0
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    while total < size:
        for seed in seeds:
            text = seed.read_text(encoding="utf-8")
            parts.append(text)
            total += len(text.encode())
    return "\n\n".join(parts)


def notes(lines: int) -> str:
    pool = []
    for path in sorted((ROOT / "tests" / "data" / "notes").glob("*.[mt][dx]*")):
        pool += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return "\n".join((pool * (lines // len(pool) + 1))[:lines]) + "\n"


def main() -> None:
    largest = max((ROOT / "seeds").glob("*.txt"), key=lambda p: p.stat().st_size)
    seed = largest.read_text(encoding="utf-8")
    timed(seed, largest.name)  # compile the patterns once, as a second run in one process would
    rows = [("largest seed", len(seed.encode()), *timed(seed, largest.name))]
    for label, make, full in (("transcript", transcript, 2_400_000), ("notes lines", notes, 10_000)):
        for amount in (full // 2, full):
            text = make(amount)
            size = amount if label == "notes lines" else len(text.encode())
            rows.append((label, size, *timed(text, "big.txt" if label == "transcript" else "big.md")))
    print(f"{'input':<14} {'size':>10} {'seconds':>8} {'commitments':>12}")
    for label, size, seconds, count in rows:
        print(f"{label:<14} {size:>10} {seconds:>8.3f} {count:>12}")


if __name__ == "__main__":
    main()
