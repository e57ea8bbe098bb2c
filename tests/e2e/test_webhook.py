"""`habit share --post` against a real HTTP server on 127.0.0.1: success, timeout, 500, refused.

The real `habit` program runs as a subprocess with its own data home. In every case the local
data (entries, blocks, config) is the same afterwards, the text was printed, and the webhook
address never appears in full.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from habit.db.store import open_store
from habit.paths import HomePaths

pytestmark = pytest.mark.e2e

BERLIN = ZoneInfo("Europe/Berlin")
TOKEN = "T000-B000-VERYSECRETTOKEN"
TEXT = "Did: 2 blocks, 35 focused minutes; ran sanity test X; opened the notebook\nNeed: an hour of quiet"
HABIT = str(Path(sys.executable).with_name("habit"))


class Hook(BaseHTTPRequestHandler):
    """Answers as the test tells it: `ok`, `error` (500) or `slow` (no answer for a long time)."""

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.server.received.append((self.path, self.headers.get("Content-Type"), body))
        mode = self.server.mode
        if mode == "slow":
            self.server.release.wait(15)
        status = 500 if mode == "error" else 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"internal error")

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    httpd.daemon_threads = True
    httpd.received = []
    httpd.mode = "ok"
    httpd.release = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def free_port() -> int:
    """A port nothing listens on: bound once to learn it, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def home(tmp_path) -> HomePaths:
    """A data home with a known week W47: two blocks and three wins."""
    paths = HomePaths(tmp_path / "home")
    store = open_store(paths)
    start = datetime(2026, 11, 16, 9, tzinfo=BERLIN)
    for day, minutes in ((0, 25), (2, 10)):
        block = store.start_block(started_at=start + timedelta(days=day), planned_minutes=25, goal="g")
        end = block.started_at + timedelta(minutes=minutes)
        store.finish_block(block.id, status="completed" if minutes == 25 else "interrupted", ended_at=end)
    for day, text in ((0, "a calm start"), (1, "ran sanity test X"), (2, "opened the notebook")):
        at = start + timedelta(days=day, hours=1)
        store.add_entry("win", text, at, created_at=at)
    store.close()
    return paths


def run(home: HomePaths, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(HABIT_HOME=str(home.root), HABIT_TZ="Europe/Berlin", TZ="Europe/Berlin", NO_COLOR="1")
    for name in ("HABIT_DEBUG", "DISPLAY", "WAYLAND_DISPLAY"):  # no clipboard tool in the way
        env.pop(name, None)
    return subprocess.run([HABIT, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def snapshot(home: HomePaths):
    store = open_store(home)
    try:
        assert store.integrity_check() == "ok"
        entries = [(e.uid, e.kind, e.text, e.at) for e in store.entries()]
        blocks = [(b.uid, b.status, b.actual_seconds) for b in store.blocks()]
    finally:
        store.close()
    config = home.config.read_bytes() if home.config.exists() else None
    return entries, blocks, config


def set_up(home: HomePaths, url: str) -> None:
    result = run(home, "share", "setup", "--webhook", url)
    assert result.returncode == 0, result.stderr
    assert TOKEN not in result.stdout + result.stderr


def share_post(home: HomePaths) -> tuple[subprocess.CompletedProcess, float]:
    began = time.monotonic()
    result = run(home, "share", "--week", "2026-W47", "--need", "an hour of quiet", "--post")
    return result, time.monotonic() - began


def assert_kept(home: HomePaths, before, result) -> None:
    assert snapshot(home) == before
    assert result.stdout == TEXT + "\n"  # the text is there to copy by hand, whatever happened
    assert TOKEN not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_success_posts_the_text_as_json(home, server):
    set_up(home, f"http://127.0.0.1:{server.server_port}/hooks/{TOKEN}")
    before = snapshot(home)
    result, _ = share_post(home)
    assert result.returncode == 0, result.stderr
    assert server.received == [(f"/hooks/{TOKEN}", "application/json", json.dumps({"text": TEXT}).encode())]
    assert result.stderr.splitlines() == [
        "No clipboard here; copy it from above.",
        f"Posted to http://127.0.0.1/…{TOKEN[-4:]}.",
    ]
    assert_kept(home, before, result)


def test_a_server_error_is_one_line_and_keeps_everything(home, server):
    server.mode = "error"
    set_up(home, f"http://127.0.0.1:{server.server_port}/hooks/{TOKEN}")
    before = snapshot(home)
    result, _ = share_post(home)
    assert result.returncode == 6
    assert len(server.received) == 1
    assert result.stderr.splitlines()[1:] == [
        f"habit: http://127.0.0.1/…{TOKEN[-4:]} answered 500; the text was not posted "
        "(nothing here was changed)."
    ]
    assert_kept(home, before, result)


def test_a_timeout_is_one_line_and_keeps_everything(home, server):
    server.mode = "slow"
    set_up(home, f"http://127.0.0.1:{server.server_port}/hooks/{TOKEN}")
    before = snapshot(home)
    result, took = share_post(home)
    server.release.set()
    assert result.returncode == 6
    assert 4.5 <= took < 12, took  # the 5 s limit, not the server's 15 s
    [line] = result.stderr.splitlines()[1:]
    assert line == (f"habit: http://127.0.0.1/…{TOKEN[-4:]} did not answer within 5 s; "
                    "the text was not posted (nothing here was changed).")
    assert_kept(home, before, result)


def test_a_refused_connection_is_one_line_and_keeps_everything(home):
    set_up(home, f"http://127.0.0.1:{free_port()}/hooks/{TOKEN}")
    before = snapshot(home)
    result, took = share_post(home)
    assert result.returncode == 6
    assert took < 10
    [line] = result.stderr.splitlines()[1:]
    assert line.startswith(f"habit: could not reach http://127.0.0.1/…{TOKEN[-4:]} (")
    assert "refused" in line.lower()
    assert_kept(home, before, result)


def test_without_a_webhook_nothing_leaves_the_machine(home, server):
    before = snapshot(home)
    result, _ = share_post(home)
    assert result.returncode == 1
    assert server.received == []
    assert result.stderr.splitlines()[1] == (
        "habit: No webhook is set up; the text stays here. `habit share setup --webhook URL` to add one.")
    assert_kept(home, before, result)
