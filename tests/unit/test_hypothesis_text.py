"""Hostile input in every text argument: stored exactly, or refused in one clear line.

"Exactly" means the text as typed, with the surrounding whitespace trimmed and a Windows line end
read as one (the documented rule in habit.text); nothing else is changed, escaped or cut.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

SPECIALS = [
    "", " ", "\t", "\n", "\r\n", "'", '"', "\\", "`", "%s", "%", "_", "\x00", "\x07", "\x1b[31m",
    "\x7f", "\u202e", "\u200b", "\ufeff", "🌱", "👩🏽‍💻", "Ünïcode", "中文", "عربى", "\udcff",
    "'; DROP TABLE entry; --", "\" OR 1=1 --", "Robert'); DELETE FROM block;--", "$(rm -rf ~)",
    "{text}", "{0}", "<b>", "[bold]x[/bold]", "a" * 2000, "a" * 2001, "a" * 10_000,
]

texts = st.one_of(
    st.text(max_size=80),
    st.sampled_from(SPECIALS),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=20), st.sampled_from(SPECIALS),
              st.text(max_size=20)),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1995, max_size=2005),
)

# (name, argv builder, entry kind, stored column, required, may span lines)
FIELDS = [
    ("log", lambda t: ["log", "--", t], "win", "text", True, False),
    ("log note", lambda t: ["log", "--kind", "note", "--", t], "note", "text", True, True),
    ("proud", lambda t: ["proud", "--", t], "proud", "text", True, False),
    ("pause note", lambda t: ["pause", "--", t], "pause", "text", False, False),
    ("peer note", lambda t: ["peer", "--with", "Sam", "--", t], "peer", "text", False, False),
    ("peer reply", lambda t: ["peer", "--with", "Sam", "--reply", t, "--", "met"], "peer", "reply",
     False, False),
    ("peer name", lambda t: ["peer", "--with", t, "--", "met"], "peer", "peer", False, False),
    ("reflect", lambda t: ["reflect", "--", t], "reflection", "text", False, True),
    ("ground step", lambda t: ["ground", "--step", t], "step", "text", False, False),
    ("edit", lambda t: ["edit", "1", "--", t], "win", "text", True, False),
]
RELAXED = settings(max_examples=40, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _rows(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, kind, text, peer, reply FROM entry ORDER BY id").fetchall()
    finally:
        conn.close()


def _expected(raw: str) -> str:
    return raw.replace("\r\n", "\n").strip()


@pytest.mark.parametrize("field", FIELDS, ids=[f[0] for f in FIELDS])
@RELAXED
@given(raw=texts)
@example(raw="'; DROP TABLE entry; --")
@example(raw="a" * 10_000)
@example(raw="\x1b[2J")
@example(raw="")
def test_every_text_argument_is_stored_exactly_or_refused_in_one_line(habit, home, field, raw):
    name, argv, kind, column, required, multiline = field
    if not home.db.exists():
        habit("log", "the first win")  # entry 1, for `edit`
    before = _rows(home.db)

    result = habit(*argv(raw), ok=False)

    after = _rows(home.db)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.exit_code == 2, result.output  # a usage problem, not a crash (70)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("habit: "), result.stderr
        assert "Nothing was saved" in lines[0] or "nothing was saved" in lines[0]
        assert after == before
        return
    want = _expected(raw)
    assert len(want) <= 2000 and (multiline or "\n" not in want)
    assert not any(c in want for c in "\x00\x1b\x07\x7f\r\udcff")
    assert want or not required
    if name == "edit":
        assert len(after) == len(before) and after[0][2] == want
        return
    assert len(after) == len(before) + 1
    row = dict(zip(("id", "kind", "text", "peer", "reply"), after[-1], strict=True))
    assert row["kind"] == kind
    assert row[column] in ((want,) if want else ("", None))


@pytest.mark.parametrize("raw", ["'; DROP TABLE entry; --", 'she said "enough" — and it was',
                                 "Ünïcode 🌱 中文 \u200b tab\there", "%s {0} $(rm -rf ~) `x`"])
def test_awkward_but_fine_text_is_kept_exactly(habit, home, raw):
    habit("log", "--", raw)
    assert _rows(home.db)[-1][2] == raw


@pytest.mark.parametrize("raw,says", [("a" * 10_000, "10,000 characters; the limit is 2,000"),
                                      ("", "empty"), ("bell\x07", "control character")])
def test_text_that_cannot_be_kept_is_refused_plainly(habit, home, raw, says):
    result = habit("log", "--", raw, ok=False)
    assert result.exit_code == 2 and says in result.stderr
    assert not home.db.exists() or _rows(home.db) == []


# ---------------------------------------------------------------- the store itself


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(), peer=st.none() | st.text(max_size=40), reply=st.none() | st.text())
def test_the_store_round_trips_any_text_exactly(store, text, peer, reply):
    at = datetime(2026, 11, 19, 13, 0, tzinfo=UTC)
    entry = store.add_entry("note", text, at, created_at=at, peer=peer, reply=reply)
    again = store.get_entry(entry.id)
    assert (again.text, again.peer, again.reply) == (text, peer, reply)
    assert store.edit_entry(entry.id, text[::-1]).text == text[::-1]
    assert store.get_entry(entry.id).text == text[::-1]


def test_the_store_refuses_text_that_is_not_unicode_and_saves_nothing(store):
    at = datetime(2026, 11, 19, 13, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        store.add_entry("note", "bad \udcff bytes", at, created_at=at)
    assert store.entries() == []


def _blocks(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, goal FROM block ORDER BY id").fetchall()
    finally:
        conn.close()


def _unsafe(text: str) -> bool:
    """Control characters or bytes that are not text: `habit log` refuses these (see below)."""
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in text)


@RELAXED
@given(goal=texts, line=texts)
@example(goal="'; DROP TABLE block; --", line='she said "enough" 🌱')
@example(goal="a" * 10_000, line="fine")
def test_start_block_goal_and_line_are_kept_or_refused(habit, home, goal, line):
    """start-block keeps its goal and line on one line: runs of whitespace become one space, and
    the line loses a trailing ';' or ',' (timer.py's rule for the filled template)."""
    habit("init")
    blocks, entries = _blocks(home.db), _rows(home.db)

    result = habit("start-block", "-m", "1", "-g", goal, "--log", line, "--no-ritual", "-y", ok=False)

    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("habit: "), result.stderr
        assert _blocks(home.db) == blocks and _rows(home.db) == entries  # refused before starting
        return
    assert not _unsafe(goal) and not _unsafe(line)  # control characters are refused, as by log
    new_blocks = _blocks(home.db)[len(blocks):]
    assert len(new_blocks) == 1
    if goal.split():
        assert new_blocks[0][1] == " ".join(goal.split())
    new_entries = [e[2] for e in _rows(home.db)[len(entries):]]
    kept = " ".join(line.split()).rstrip(";,").rstrip()
    assert new_entries == ([kept] if kept else [])


@pytest.mark.parametrize("goal,line", [("x\x1b[2Jy", "done"), ("ok", "bell\x07"), ("nul\x00", "done")])
def test_start_block_refuses_control_characters_like_log_does(habit, home, goal, line):
    habit("init")
    result = habit("start-block", "-m", "1", "-g", goal, "--log", line, "--no-ritual", "-y", ok=False)
    assert result.exit_code == 2 and "control character" in result.stderr


def test_start_block_with_bytes_that_are_not_text_says_so_before_the_block(habit, home):
    habit("init")
    result = habit("start-block", "-m", "1", "-g", "ok", "--log", "\udcff", "--no-ritual", "-y", ok=False)
    assert result.exit_code == 2 and "not valid text" in result.stderr
    assert _blocks(home.db) == []


@RELAXED
@given(at=st.one_of(st.text(max_size=30), st.sampled_from(
    ["21:30", "yesterday 21:30", "2026-11-18 21:30", "2026-02-30 10:00", "25:00", "-1:00", "0:60",
     "9999-12-31 23:59", "0001-01-01 00:00", "tomorrow", "now", "2026-W47", "7d", "  ", "\x00"])))
def test_any_when_is_used_or_refused_in_one_line(habit, home, at):
    before = _rows(home.db) if home.db.exists() else []
    result = habit("log", "--at", at, "--", "a small win", ok=False)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("habit: "), result.stderr
        assert (_rows(home.db) if home.db.exists() else []) == before
    else:
        assert len(_rows(home.db)) == len(before) + 1


OTHER_ARGUMENTS = [
    ("peer setup --name", lambda t: ["peer", "setup", "--name", t]),
    ("share setup --webhook", lambda t: ["share", "setup", "--webhook", t]),
    ("quiet", lambda t: ["quiet", t]),
    ("review --week", lambda t: ["review", "--week", t]),
    ("history --since", lambda t: ["history", "--since", t]),
    ("history --kind", lambda t: ["history", "--kind", t]),
    ("log --kind", lambda t: ["log", "--kind", t, "--", "a small win"]),
    ("export --format", lambda t: ["export", "--format", t]),
    ("plan show", lambda t: ["plan", "show", "--", t]),
]


@pytest.mark.parametrize("argv", [a for _, a in OTHER_ARGUMENTS], ids=[n for n, _ in OTHER_ARGUMENTS])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=texts)
def test_every_other_text_option_is_used_or_refused_without_a_crash(habit, home, argv, raw):
    result = habit(*argv(raw), ok=False)
    assert "Traceback" not in result.output
    assert result.exit_code != 70, result.output  # the boundary's "something unexpected"
    if result.exit_code != 0:  # (split on real newlines only: an echoed \x1e is not a line break)
        lines = [line for line in result.stderr.split("\n") if line.strip()]
        assert lines and (lines[0].startswith("habit: ") or lines[-1].startswith("Error:")), result.stderr
