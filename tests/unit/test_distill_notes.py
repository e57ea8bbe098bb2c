"""`habit distill` on session notes and meeting-tool captions written for these tests.

Each file in tests/data/notes has a `.expected.toml` beside it: the plan a careful reader expects
(line, kind, and every attribute the notes state) and the lines that must give nothing. Measured
over the whole set: the share found with the right kind, and with every stated attribute right.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from habit.distill import check_draft, distill_file

DATA = Path(__file__).resolve().parents[1] / "data" / "notes"
FILES = sorted(p for p in DATA.iterdir() if not p.name.endswith(".expected.toml"))
NOW = datetime(2026, 11, 19, 14, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Thursday
ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def expected(path: Path) -> dict:
    return tomllib.loads(path.with_name(path.name.split(".")[0] + ".expected.toml").read_text("utf-8"))


def draft_of(path: Path):
    return distill_file(str(path), now=NOW)


def days_of(schedule: dict) -> list[str]:
    every = schedule.get("every")
    if "days" in schedule:
        return schedule["days"]
    if every == "daily" or every == "interval":
        return ALL_DAYS
    if every == "weekdays":
        return ALL_DAYS[:5]
    if every == "weekly":
        return [schedule["day"]]
    return []


def read_value(item, key: str):
    sched = item.facts.get("schedule", item.fields["schedule"])
    if key == "days":
        if sched.get("every") == "once":
            return [ALL_DAYS[datetime.fromisoformat(sched["date"]).weekday()]]
        return days_of(sched)
    if key in ("at", "cue", "chosen", "every", "interval_minutes", "between"):
        return sched.get(key, False if key == "chosen" else None)
    if key in ("peer", "backup"):
        return item.facts.get(key)
    return item.fields.get(key)


def compare(path: Path) -> tuple[int, int, int, list[str]]:
    """(expected, found with the right kind, with every attribute right, what differed)."""
    draft = draft_of(path)
    wanted = expected(path).get("commitment", [])
    used: set[int] = set()
    kind_ok = all_ok = 0
    notes = []
    for want in wanted:
        match = next((i for i, c in enumerate(draft.commitments)
                      if i not in used and c.line == want["line"] and c.kind == want["kind"]), None)
        if match is None:
            notes.append(f"{path.name}:{want['line']} {want['kind']} not found")
            continue
        used.add(match)
        kind_ok += 1
        item = draft.commitments[match]
        wrong = [f"{k}={read_value(item, k)!r} (want {v!r})" for k, v in want.items()
                 if k not in ("line", "kind") and read_value(item, k) != v]
        if wrong:
            notes.append(f"{path.name}:{want['line']} {want['kind']}: " + ", ".join(wrong))
        else:
            all_ok += 1
    return len(wanted), kind_ok, all_ok, notes


def test_the_set_is_varied_enough_to_mean_something():
    notes = [p for p in FILES if p.suffix in (".txt", ".md")]
    captions = [p for p in FILES if p.suffix in (".vtt", ".srt")]
    assert len(notes) >= 15 and len(captions) >= 3


def test_commitments_are_found_with_the_right_kind_and_attributes():
    total = kinds = attrs = 0
    notes: list[str] = []
    for path in FILES:
        n, k, a, why = compare(path)
        total, kinds, attrs = total + n, kinds + k, attrs + a
        notes += why
    assert kinds / total >= 0.9, "\n".join(notes)
    assert attrs / total >= 0.8, "\n".join(notes)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_nothing_comes_from_a_declined_past_vague_or_clinician_line(path):
    draft = draft_of(path)
    left_out = set(expected(path).get("left_out", []))
    assert not [c.line for c in draft.commitments if c.line in left_out]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_draft_passes_the_plan_checker_and_quotes_its_line(path):
    draft = draft_of(path)
    check_draft(draft)
    lines = path.read_text(encoding="utf-8").splitlines()
    for item in draft.commitments:
        assert item.quote in lines[item.line - 1]
