"""The fast path's client and server over a real unix socket in the test's data home."""

from __future__ import annotations

import json
import os
import socket
import stat
from datetime import UTC, datetime, timedelta

import pytest

from habit import fastpath
from habit.errors import NotFound
from habit.fastpath import FastPathServer, ServiceProblem, from_wire, quick_write, to_wire, try_send
from habit.paths import ensure_home
from habit.store import EntryRecord, open_store

AT = datetime(2026, 11, 19, 13, 0, tzinfo=UTC)


def _add(store, args):
    return store.add_entry(args["kind"], args["text"], args["at"], created_at=args["at"])


def _refuse(store, args):
    raise NotFound("there is no entry 7; `habit history` lists them.")


def _crash(store, args):
    raise RuntimeError("a bug")


HANDLERS = {"add": _add, "refuse": _refuse, "crash": _crash}


def _ready(home):
    """The service writes only into a data file that is ready (created by a command before)."""
    ensure_home(home)
    open_store(home).close()


@pytest.fixture
def server(home):
    _ready(home)
    started = FastPathServer(home, HANDLERS).start()
    assert started is not None
    yield started
    started.stop()


def test_no_service_means_write_directly(home):
    ensure_home(home)
    assert try_send(home, {"op": "add", "args": {}}) is None
    assert not home.socket.exists()


def test_missing_data_home_means_write_directly(home):
    assert not home.root.exists()
    assert try_send(home, {"op": "add", "args": {}}) is None


def test_a_stale_socket_left_by_a_killed_service_means_write_directly(home):
    ensure_home(home)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(os.fspath(home.socket))
    dead.close()  # the file stays, nobody listens
    assert home.socket.exists()
    assert try_send(home, {"op": "add", "args": {}}) is None


def test_the_service_writes_the_row_and_answers_with_it(home, server):
    reply = try_send(home, {"op": "add", "args": {"kind": "win", "text": "ran check X", "at": AT}})
    assert reply.text == "ran check X"
    assert reply.kind == "win"
    assert reply.at == AT and reply.at.tzinfo is not None
    rows = open_store(home).entries()
    assert [(r.id, r.text, r.at) for r in rows] == [(reply.id, "ran check X", AT)]


def test_the_socket_is_private(home, server):
    mode = stat.S_IMODE(os.stat(home.socket).st_mode)
    assert stat.S_ISSOCK(os.stat(home.socket).st_mode)
    assert mode == 0o600
    assert not [p for p in home.root.iterdir() if p.name.startswith(".habit.sock")]


def test_a_refusal_reaches_the_user_with_the_same_message_and_code(home, server):
    with pytest.raises(ServiceProblem) as caught:
        try_send(home, {"op": "refuse", "args": {}})
    assert str(caught.value) == "there is no entry 7; `habit history` lists them."
    assert caught.value.exit_code == NotFound.exit_code


def test_a_bug_in_the_service_means_write_directly(home, server):
    assert try_send(home, {"op": "crash", "args": {}}) is None
    # and the service keeps serving
    assert try_send(home, {"op": "add", "args": {"kind": "note", "text": "x", "at": AT}}).text == "x"


def _raw(home, payload: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.connect(os.fspath(home.socket))
        raw.sendall(payload)
        raw.shutdown(socket.SHUT_WR)
        return raw.recv(65536)


def test_an_unknown_op_or_version_means_write_directly(home, server):
    assert try_send(home, {"op": "no-such-op", "args": {}}) is None
    reply = json.loads(_raw(home, b'{"v": 99, "op": "add", "args": {"kind": "note", "text": "x"}}\n'))
    assert reply["ok"] is False and not reply.get("refused")
    assert open_store(home).entries() == []


def test_a_garbled_request_does_not_stop_the_service(home, server):
    assert _raw(home, b"this is not json\n") == b""
    assert try_send(home, {"op": "add", "args": {"kind": "note", "text": "y", "at": AT}}).text == "y"


def test_a_second_service_does_not_take_over(home, server):
    assert FastPathServer(home, HANDLERS).start() is None
    assert try_send(home, {"op": "add", "args": {"kind": "note", "text": "z", "at": AT}}).text == "z"


def test_a_stale_socket_is_replaced_when_the_service_starts(home):
    _ready(home)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(os.fspath(home.socket))
    dead.close()
    started = FastPathServer(home, HANDLERS).start()
    try:
        assert try_send(home, {"op": "add", "args": {"kind": "note", "text": "a", "at": AT}}).text == "a"
    finally:
        started.stop()


def test_stopping_removes_the_socket_and_the_thread(home):
    ensure_home(home)
    started = FastPathServer(home, HANDLERS).start()
    thread = started._thread
    started.stop()
    assert not home.socket.exists()
    assert not thread.is_alive()
    assert try_send(home, {"op": "add", "args": {}}) is None


def test_records_survive_the_wire():
    later = AT + timedelta(minutes=3)
    record = EntryRecord(3, "u1", "proud", "asked for help — ok", AT, later, "c1", None, None, None)
    back = from_wire(to_wire(record))
    assert back.__dict__ == record.__dict__
    assert from_wire(to_wire([AT, {"n": 1}]))[0] == AT


# ---------------------------------------------------------------- quick writes: habit.logs either way


@pytest.fixture
def service(home):
    _ready(home)
    started = fastpath.serve_quick_writes(home, log=lambda _line: None)
    yield started
    started.stop()


def test_a_quick_log_goes_through_the_service_and_reads_like_a_direct_one(ctx, clock, service):
    from habit.logs import log_win

    served = quick_write(ctx, "log_win", "ran check X", now=clock.now(), at=None, kind="win",
                         commitment_id="wins")
    assert ctx._store is None  # the client never opened the store itself
    direct = log_win(ctx.store(), "ran check X", now=clock.now(), kind="win", commitment_id="wins")
    assert (served.kind, served.text, served.at, served.created_at, served.commitment_id) == (
        direct.kind, direct.text, direct.at, direct.created_at, direct.commitment_id)
    assert [e.id for e in ctx.store().entries()] == [served.id, direct.id]


def test_proud_over_the_socket_comes_back_as_the_same_records(ctx, clock, service):
    from habit.logs import ProudLogged

    quick_write(ctx, "log_proud", "asked for help", now=clock.now(), tz=ctx.tz, target=3)
    result = quick_write(ctx, "log_proud", "kept the boundary", now=clock.now(), tz=ctx.tz, target=3)
    assert isinstance(result, ProudLogged)
    assert result.count.describe() == "2 of 3 this week"
    assert str(result.count.week) == "2026-W47"


def test_a_pause_with_no_note_is_fine_over_the_socket(ctx, clock, service):
    entry = quick_write(ctx, "log_pause", None, now=clock.now(), commitment_id="jaw")
    assert (entry.kind, entry.text, entry.commitment_id) == ("pause", "", "jaw")


def test_the_service_refuses_exactly_as_the_direct_path_does(ctx, clock, home, service):
    from habit.errors import HabitError
    from habit.logs import log_win

    with pytest.raises(ServiceProblem) as served:
        quick_write(ctx, "log_win", "   ", now=clock.now())
    service.stop()
    with pytest.raises(HabitError) as direct:
        log_win(ctx.store(), "   ", now=clock.now())
    assert (str(served.value), served.value.exit_code) == (str(direct.value), direct.value.exit_code)
    assert ctx.store().entries() == []


def test_without_the_service_the_command_writes_directly(ctx, clock):
    entry = quick_write(ctx, "log_win", "wrote it myself", now=clock.now())
    assert ctx._store is not None
    assert [e.text for e in ctx.store().entries()] == ["wrote it myself"] == [entry.text]


def test_only_the_quick_writes_are_reachable(ctx, home, service):
    with pytest.raises(ValueError):
        quick_write(ctx, "undo_entry", 1)
    assert try_send(home, {"op": "undo_entry", "args": {"args": [1], "kwargs": {}}}) is None


def test_a_data_home_too_deep_for_a_socket_means_direct_writes(tmp_path, clock):
    from habit.cli.context import AppContext
    from habit.paths import HomePaths

    deep = HomePaths(tmp_path / ("d" * 60) / ("e" * 60))  # unix socket paths stop at ~107 bytes
    ensure_home(deep)
    said: list[str] = []
    assert fastpath.serve_quick_writes(deep, log=said.append) is None
    assert len(said) == 1 and "write directly" in said[0]
    app = AppContext(paths=deep, clock=clock, tz=UTC)
    assert quick_write(app, "log_win", "still saved", now=clock.now()).text == "still saved"
    assert [e.text for e in app.store().entries()] == ["still saved"]


def test_a_file_needing_the_full_store_is_left_to_the_command(ctx, clock, home, service):
    """A block left running by a killed process: the service does not write (it would not close
    the block), the command does, through the full store, which closes it and says so."""
    from datetime import timedelta

    held = open_store(home)
    block = held.start_block(started_at=clock.now() - timedelta(minutes=5), planned_minutes=25)
    entry = quick_write(ctx, "log_win", "still here", now=clock.now())
    assert ctx._store is not None  # the command opened the full store itself
    assert any("still counts" in notice for notice in ctx.notices)
    assert held.get_block(block.id).status == "interrupted"
    assert [e.text for e in held.entries()] == ["still here"] == [entry.text]
    held.close()
