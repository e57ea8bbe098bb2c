"""The fast path: quick writes handed to the running reminder service over a local socket.

Why: `habit log "text"` should feel instant. Since the light store (habit.entrysql) the direct
write no longer imports sqlmodel either; the socket still saves opening the data file. When the
reminder service (`habit remind`) is up the CLI sends it one JSON line over a unix socket in the data
home (mode 0600, same user only) and the service writes the row with the very same habit.logs
function the direct path calls.
One schema, one writer per kind of row. The service writes through the light store (plain sqlite3,
habit.entrysql), so taking quick logs never loads SQLAlchemy into it: it stays as small as when idle.

The client side uses only the standard library (`socket`, `json`) and never imports the store.
`try_send` returns None quickly when the service is not up; the caller then writes directly.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime, tzinfo
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from habit.errors import HabitError
from habit.paths import HomePaths

if TYPE_CHECKING:
    from habit.cli.context import AppContext

PROTOCOL = 1
CONNECT_TIMEOUT = 0.25  # a unix socket connects at once or not at all; this only bounds odd cases
# Long enough to cover the store's own busy timeout (10 s), so a slow write is not sent twice.
REPLY_TIMEOUT = 12.0
MAX_MESSAGE = 1 << 20  # a quick log is a line of text; anything bigger is not ours

Handler = Callable[[Any, dict], Any]  # (store, args) -> a record (dataclass) or plain data


# ---------------------------------------------------------------- wire format


def to_wire(value: Any) -> Any:
    """Plain JSON data: aware datetimes, zones and dataclass records become tagged objects.

    Raises TypeError for anything else (the caller then simply does the work itself).
    """
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, tzinfo):
        key = "UTC" if value is UTC else getattr(value, "key", None)
        if not key:
            raise TypeError(f"cannot name the zone {value!r}")
        return {"$tz": key}
    if is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        return {"$type": f"{kind.__module__}:{kind.__qualname__}",
                "fields": {f.name: to_wire(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, dict):
        return {str(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot send a {type(value).__name__}")


def from_wire(value: Any) -> Any:
    """The inverse. A record whose class is already imported here comes back as that class;
    otherwise as an attribute object (so the client never imports the store to read a reply)."""
    if isinstance(value, list):
        return [from_wire(v) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"$dt"}:
        return datetime.fromisoformat(value["$dt"])
    if set(value) == {"$tz"}:
        from zoneinfo import ZoneInfo

        return UTC if value["$tz"] == "UTC" else ZoneInfo(value["$tz"])
    if set(value) == {"$type", "fields"}:
        data = {k: from_wire(v) for k, v in value["fields"].items()}
        kind = _loaded_dataclass(str(value["$type"]))
        return kind(**data) if kind is not None else SimpleNamespace(**data)
    return {k: from_wire(v) for k, v in value.items()}


def _loaded_dataclass(name: str) -> type | None:
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name)  # never import on the word of a message
    kind = getattr(module, qualname, None) if module is not None else None
    return kind if isinstance(kind, type) and is_dataclass(kind) else None


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
    try:
        message = {"v": PROTOCOL, **to_wire(request)}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(CONNECT_TIMEOUT)
            sock.connect(os.fspath(paths.socket))
            sock.settimeout(REPLY_TIMEOUT)
            sock.sendall(_encode(message))
            reply = _read_message(sock)
    except (OSError, ValueError, TypeError):
        # Not up, stale socket, path too long, or an answer we cannot read: write directly.
        # After a reply timeout a stuck service might still write it later: a rare duplicate line
        # is better than a lost one.
        return None
    if reply.get("v") != PROTOCOL:
        return None
    if reply.get("ok"):
        return from_wire(reply.get("result"))
    if reply.get("refused"):
        raise ServiceProblem(str(reply.get("error", "")), int(reply.get("exit_code", 1)))
    return None


# ---------------------------------------------------------------- quick writes

# The habit.logs functions the fast path may run; nothing else is reachable over the socket.
QUICK_WRITES = ("log_win", "log_proud", "log_pause")


def quick_write(app: AppContext, name: str, *args: Any, **kwargs: Any) -> Any:
    """`habit.logs.<name>(store, *args, **kwargs)` in the running service if it is up, else here.

    Either way the very same function checks and writes the row; the caller renders its result.
    """
    if name not in QUICK_WRITES:
        raise ValueError(f"{name} is not a quick write")
    reply = try_send(app.paths, {"op": name, "args": {"args": list(args), "kwargs": kwargs}})
    if reply is not None:
        return reply
    from habit import logs

    return getattr(logs, name)(app.quick_store(), *args, **kwargs)


def _run_logs(name: str) -> Handler:
    def handler(store: Any, args: dict) -> Any:
        from habit import logs

        return getattr(logs, name)(store, *args.get("args", ()), **args.get("kwargs", {}))

    return handler


QUICK_WRITE_HANDLERS: dict[str, Handler] = {name: _run_logs(name) for name in QUICK_WRITES}


def serve_quick_writes(paths: HomePaths, log: Callable[[str], None]) -> FastPathServer | None:
    """Start the fast path inside the reminder service; None (said once) if it cannot listen."""
    try:
        server = FastPathServer(paths, QUICK_WRITE_HANDLERS, on_error=log).start()
    except OSError as err:
        log(f"Quick logs will write directly (no socket at {paths.socket}: {err.strerror or err}).")
        return None
    if server is None:
        log("Quick logs go to the other process already listening on the socket.")
    return server


# ---------------------------------------------------------------- server


def handle(store: Any, request: dict, handlers: Mapping[str, Handler]) -> dict:
    """Answer one decoded request. Never raises: every outcome is a reply the client understands."""
    if request.get("v") != PROTOCOL:
        return {"v": PROTOCOL, "ok": False, "error": "unsupported protocol version"}
    handler = handlers.get(str(request.get("op")))
    if handler is None:
        return {"v": PROTOCOL, "ok": False, "error": f"unknown op {request.get('op')!r}"}
    try:
        result = to_wire(handler(store, from_wire(request.get("args") or {})))
    except HabitError as err:  # the user's reason: the client shows it, exactly as directly
        return {"v": PROTOCOL, "ok": False, "refused": True, "error": str(err),
                "exit_code": err.exit_code}
    except Exception as err:  # anything else: the client writes directly instead
        return {"v": PROTOCOL, "ok": False, "error": f"{type(err).__name__}: {err}"}
    return {"v": PROTOCOL, "ok": True, "result": result}


class FastPathServer:
    """Listens on the data home's socket in a daemon thread; one request per connection.

    The thread blocks in accept() (no polling, so an idle service never wakes for it). Each request
    opens the light store (habit.entrysql: plain sqlite3, ~1 ms) and closes it after, so the service
    never imports SQLAlchemy for a quick log and holds no data file open while idle. A file the
    light store will not take (another schema, a block to recover) is left to the command itself.
    Only an SQLite error in the middle of a write brings in the full store, for its retries and
    its one-line messages.
    """

    def __init__(self, paths: HomePaths, handlers: Mapping[str, Handler],
                 on_error: Callable[[str], None] | None = None) -> None:
        self.paths = paths
        self.handlers = dict(handlers)
        self._full: Any = None
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
            if self._full is not None:
                with contextlib.suppress(Exception):
                    self._full.close()
                self._full = None

    def _full_store(self) -> Any:
        if self._full is None:
            self._full = _open_store(self.paths)
        return self._full

    def serve_one(self, conn: socket.socket) -> None:
        conn.settimeout(2.0)  # a client that never finishes its line cannot hold the service
        try:
            if not _same_user(conn):
                return
            request = _read_message(conn)
            from habit.entrysql import open_light

            store = open_light(self.paths, fallback=self._full_store)
            if store is None:  # no file yet, another schema, a block to recover: the command's job
                conn.sendall(_encode({"v": PROTOCOL, "ok": False, "error": "not ready here"}))
                return
            try:
                reply = handle(store, request, self.handlers)
            finally:
                store.close()
            conn.sendall(_encode(reply))
        except (OSError, ValueError) as err:
            self._on_error(f"A quick log over the socket could not be read ({err}); "
                           "the command writes it itself.")
        except HabitError as err:  # e.g. the data file cannot be opened: the client falls back
            self._on_error(f"A quick log could not be written here ({err}); "
                           "the command writes it itself.")
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
