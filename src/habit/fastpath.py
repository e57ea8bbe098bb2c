"""The fast path: quick writes handed to the running reminder service over a local socket.

Why: `habit log "text"` should feel instant, but importing sqlmodel costs ~0.4 s a process. The
reminder service (`habit remind`) already has it loaded, so when it is up the CLI sends it one JSON
line over a unix socket in the data home (mode 0600, same user only) and the service writes the row
with the very same domain functions the direct path calls. One schema, one writer per kind of row.

The client side uses only the standard library (`socket`, `json`) and never imports the store.
`try_send` returns None quickly when the service is not up; the caller then writes directly.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from habit.errors import HabitError
from habit.paths import HomePaths

PROTOCOL = 1
CONNECT_TIMEOUT = 0.25  # a unix socket connects at once or not at all; this only bounds odd cases
# Long enough to cover the store's own busy timeout (10 s), so a slow write is not sent twice.
REPLY_TIMEOUT = 12.0
MAX_MESSAGE = 1 << 20  # a quick log is a line of text; anything bigger is not ours

Handler = Callable[[Any, dict], Any]  # (store, args) -> a record (dataclass) or plain data


# ---------------------------------------------------------------- wire format


def to_wire(value: Any) -> Any:
    """Plain JSON data from records: dataclasses become dicts, aware datetimes a tagged string."""
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_wire(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    return value


def from_wire(value: Any) -> Any:
    """The inverse: dicts come back as attribute objects, so renderers read `record.at` either way."""
    if isinstance(value, dict):
        if set(value) == {"$dt"}:
            return _datetime_or(value)
        return SimpleNamespace(**{k: from_wire(v) for k, v in value.items()})
    if isinstance(value, list):
        return [from_wire(v) for v in value]
    return value


def _encode(message: dict) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"


def _read_message(sock: socket.socket) -> dict:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if chunk.endswith(b"\n"):
            break
        if size > MAX_MESSAGE:
            raise ValueError("message too long")
    data = json.loads(b"".join(chunks).decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("message is not an object")
    return data


# ---------------------------------------------------------------- client


class ServiceProblem(HabitError):
    """The service understood the request and said no (e.g. empty text); carries its exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def try_send(paths: HomePaths, request: dict) -> Any | None:
    """Ask the running service to do `request` ({"op": ..., "args": {...}}); its result, or None.

    None means "do it yourself": no service, a stale socket, another protocol, a service that
    could not take the request. A request the service refused for the user's reasons (the same
    reasons the direct path would give) raises ServiceProblem with the same message and code.
    """
    message = {"v": PROTOCOL, **to_wire(request)}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(CONNECT_TIMEOUT)
            sock.connect(os.fspath(paths.socket))
            sock.settimeout(REPLY_TIMEOUT)
            sock.sendall(_encode(message))
            reply = _read_message(sock)
    except (OSError, ValueError):
        # Not up, stale socket, path too long, or an answer we cannot read: write directly.
        # (After a timeout the service may still write; the caller's uid keeps that to one row.)
        return None
    if reply.get("v") != PROTOCOL:
        return None
    if reply.get("ok"):
        return from_wire(reply.get("result"))
    if reply.get("refused"):
        raise ServiceProblem(str(reply.get("error", "")), int(reply.get("exit_code", 1)))
    return None


# ---------------------------------------------------------------- server


def handle(store: Any, request: dict, handlers: Mapping[str, Handler]) -> dict:
    """Answer one decoded request. Never raises: every outcome is a reply the client understands."""
    if request.get("v") != PROTOCOL:
        return {"v": PROTOCOL, "ok": False, "error": "unsupported protocol version"}
    handler = handlers.get(str(request.get("op")))
    if handler is None:
        return {"v": PROTOCOL, "ok": False, "error": f"unknown op {request.get('op')!r}"}
    args = request.get("args") or {}
    try:
        result = handler(store, from_args(args))
    except HabitError as err:  # the user's reason: the client shows it, exactly as directly
        return {"v": PROTOCOL, "ok": False, "refused": True, "error": str(err),
                "exit_code": err.exit_code}
    except Exception as err:  # anything else: the client writes directly instead
        return {"v": PROTOCOL, "ok": False, "error": f"{type(err).__name__}: {err}"}
    return {"v": PROTOCOL, "ok": True, "result": to_wire(result)}


def from_args(args: dict) -> dict:
    """Request arguments as the domain functions take them (tagged datetimes become datetimes)."""
    return {key: _datetime_or(value) for key, value in args.items()}


def _datetime_or(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$dt"}:
        return datetime.fromisoformat(value["$dt"])
    return value


class FastPathServer:
    """Listens on the data home's socket in a daemon thread; one request per connection.

    The thread blocks in accept() (no polling, so an idle service never wakes for it). It opens its
    own store on first use, because a SQLite connection belongs to the thread that made it.
    """

    def __init__(self, paths: HomePaths, handlers: Mapping[str, Handler],
                 store_factory: Callable[[], Any] | None = None,
                 on_error: Callable[[str], None] | None = None) -> None:
        self.paths = paths
        self.handlers = dict(handlers)
        self._store_factory = store_factory or (lambda: _open_store(paths))
        self._store: Any = None
        self._on_error = on_error or (lambda _message: None)
        self._sock: socket.socket | None = None
        self._thread: Any = None

    def start(self) -> FastPathServer | None:
        """Bind and serve; None (and nothing changed) if another service already answers there."""
        import threading

        path = self.paths.socket
        if _answers(path):
            return None
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a stale socket left by a killed service
        self._sock = _bind_private(path)
        self._thread = threading.Thread(target=self._serve, name="habit-fastpath", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                self.paths.socket.unlink()
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=REPLY_TIMEOUT)
            self._thread = None

    def _serve(self) -> None:
        try:
            while self._sock is not None:
                try:
                    conn, _ = self._sock.accept()
                except OSError:
                    break  # stopped
                with conn:
                    self.serve_one(conn)
        finally:
            if self._store is not None:
                with contextlib.suppress(Exception):
                    self._store.close()
                self._store = None

    def serve_one(self, conn: socket.socket) -> None:
        conn.settimeout(2.0)  # a client that never finishes its line cannot hold the service
        try:
            if not _same_user(conn):
                return
            request = _read_message(conn)
            if self._store is None:
                self._store = self._store_factory()
            reply = handle(self._store, request, self.handlers)
            conn.sendall(_encode(reply))
        except (OSError, ValueError) as err:
            self._on_error(f"fast path: {type(err).__name__}: {err}")
        except HabitError as err:  # e.g. the data file cannot be opened: the client falls back
            self._on_error(f"fast path: {err}")
            with contextlib.suppress(OSError):
                conn.sendall(_encode({"v": PROTOCOL, "ok": False, "error": str(err)}))


def _open_store(paths: HomePaths) -> Any:
    from habit.store import open_store

    return open_store(paths)


def _answers(path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(CONNECT_TIMEOUT)
        try:
            probe.connect(os.fspath(path))
        except OSError:
            return False
    return True


def _bind_private(path) -> socket.socket:
    """Bind under a temporary name, make it 0600, then rename it into place: never world-open."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(os.fspath(tmp))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        sock.listen(16)
    except BaseException:
        sock.close()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return sock


def _same_user(conn: socket.socket) -> bool:
    """The socket file is 0600 in a 0700 folder; on Linux also check the peer's uid itself."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    import struct

    creds = conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()
