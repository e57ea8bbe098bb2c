"""Performance by structure, not by stopwatch: what the quick paths import, how the review queries.

Timings live in bench/ (sh bench/run.sh); these tests only guard the shapes that make them fast.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

# Never on the --help / TAB / quick-log client paths. rich is on the list too: ~35 ms, and only the
# focus block's live display needs it.
HEAVY = {"sqlalchemy", "sqlmodel", "pydantic", "pydantic_core", "apscheduler", "plyer", "rich"}

PROBE = """
import json, os, sys
from habit.cli.app import main
sys.argv[0] = "habit"  # the name the completion variable is derived from (_HABIT_COMPLETE)
try:
    main()
except SystemExit:
    pass
os.write(int(os.environ["PROBE_FD"]), json.dumps(sorted(sys.modules)).encode())
"""


def _run_cli(args: list[str], env: dict[str, str]) -> tuple[str, set[str]]:
    """Run the real entry point in a fresh interpreter; its stdout and the top-level modules loaded."""
    read, write = os.pipe()
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args], env={**os.environ, **env, "PROBE_FD": str(write)},
            capture_output=True, text=True, pass_fds=(write,), timeout=60,
        )
        os.close(write)
        write = -1
        with os.fdopen(read, "rb") as pipe:
            modules = json.loads(pipe.read() or b"[]")
    finally:
        if write != -1:
            os.close(write)
    assert modules, done.stderr
    return done.stdout, {name.split(".")[0] for name in modules}


def test_help_loads_nothing_heavy():
    out, loaded = _run_cli(["--help"], {})
    assert "Commands" in out
    assert not loaded & HEAVY, sorted(loaded & HEAVY)


def test_tab_completion_of_a_command_name_loads_nothing_heavy():
    # Exactly what bash's completion function runs when TAB is pressed after `habit pl`.
    env = {"_HABIT_COMPLETE": "complete_bash", "COMP_WORDS": "habit pl", "COMP_CWORD": "1"}
    out, loaded = _run_cli([], env)
    assert "plan" in out.split()
    assert not loaded & HEAVY, sorted(loaded & HEAVY)


@pytest.mark.parametrize("args", [["log", "ran check X"], ["proud", "asked for help"], ["pause"]])
def test_a_quick_log_without_the_service_loads_nothing_heavy(home, args):
    """No service: the command writes through the light store (plain sqlite3) into a ready file."""
    from habit.db.store import open_store
    from habit.paths import ensure_home

    ensure_home(home)
    open_store(home).close()
    out, loaded = _run_cli(args, {})
    assert "Saved" in out
    assert not loaded & HEAVY, sorted(loaded & HEAVY)
    assert [e.kind for e in open_store(home).entries()] == [{"log": "win"}.get(args[0], args[0])]


def test_the_first_quick_log_creates_the_file_through_the_full_store(home):
    out, loaded = _run_cli(["log", "the first line"], {})
    assert "Saved your win" in out
    assert "sqlmodel" in loaded  # creating and migrating is the full store's job
    from habit.db.store import open_store

    assert [e.text for e in open_store(home).entries()] == ["the first line"]


# ---------------------------------------------------------------- the review's query plans


def _statements_during(action) -> list[tuple[str, tuple]]:
    """Every SELECT any engine, or the light store's plain sqlite3 (values inlined by SQLite's
    trace), runs during `action`, opening the store included."""
    from types import SimpleNamespace

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from habit.db import light as entrysql

    seen: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, tuple(parameters or ())))

    def traced(*args, **kwargs):
        conn = sqlite3.connect(*args, **kwargs)
        conn.set_trace_callback(lambda sql: capture(None, None, sql, (), None, False))
        return conn

    light = entrysql.sqlite3
    entrysql.sqlite3 = SimpleNamespace(connect=traced, Error=sqlite3.Error)
    event.listen(Engine, "before_cursor_execute", capture)
    try:
        action()
    finally:
        event.remove(Engine, "before_cursor_execute", capture)
        entrysql.sqlite3 = light
    return seen


def _plan(db, statement: str, parameters: tuple) -> str:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    return "\n".join(row[-1] for row in rows)


INDEXES = {"entry": "ix_entry", "block": "ix_block_", "reminder": "ix_reminder_"}
# Store opening (full or light): running blocks left by a killed process.
ORPHAN_LOOKUP = "WHERE block.status = "


def _history(home, clock) -> None:
    from datetime import timedelta

    from habit.db.store import open_store

    history = open_store(home)
    for days in range(0, 400, 3):  # some history on both sides of the week
        moment = clock.now() - timedelta(days=days)
        history.add_entry("win", "x", moment, created_at=moment)
        block = history.start_block(started_at=moment, planned_minutes=10)
        history.finish_block(block.id, status="completed", ended_at=moment + timedelta(minutes=10))
    history.close()


def _unindexed(home, statements) -> list[str]:
    found = []
    for statement, parameters in statements:
        plan = _plan(home.db, statement, parameters)
        for table, index in INDEXES.items():
            if f"FROM {table}" in statement and (
                    f"SCAN {table}" in plan or f"SEARCH {table} USING" not in plan or index not in plan):
                found.append(f"{statement}\n-> {plan}")
    return found


@pytest.mark.parametrize("args", [["review"], ["review", "--last"], ["log", "x"], ["proud", "y"]])
def test_a_command_reads_only_what_it_needs_through_indexes(habit, home, clock, args):
    """The review, the quick logs and opening the store (its look for blocks a killed process left
    running) read through indexes: their cost follows the week, not the years of history."""
    _history(home, clock)
    statements = _statements_during(lambda: habit(*args))
    tables = {t for s, _ in statements for t in INDEXES if f"FROM {t}" in s}
    assert tables >= ({"entry", "block"} if args[0] == "review" else {"block"}), statements
    assert any(ORPHAN_LOOKUP in s for s, _ in statements), statements
    assert _unindexed(home, statements) == []
