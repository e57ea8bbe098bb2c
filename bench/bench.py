"""habit side by side with jrnl and Watson, in one run: medians and ratios (run: sh bench/run.sh).

Every timing is a whole process, start to exit, measured with time.perf_counter around
subprocess.run; the cases of a group run round-robin (a, b, c, a, b, c, ...) so a noisy moment
hits them all alike. Results go to bench/results/ (a Markdown table and the raw JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import proc

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PEERS = ROOT / "bench" / ".venv-peers" / "bin"
RESULTS = ROOT / "bench" / "results"
SEEDS = Path(os.environ.get("HABIT_SEEDS", "/work/shared/seeds"))
TEXT = "ran check X before lunch"


class BenchProblem(Exception):
    pass


@dataclass
class Case:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes | None = None


@dataclass
class Row:
    what: str
    median: float
    unit: str = "ms"
    versus: str = ""
    versus_median: float | None = None
    target: str = ""
    meets: bool | None = None

    @property
    def ratio(self) -> float | None:
        return self.median / self.versus_median if self.versus_median else None


# ---------------------------------------------------------------- running things


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HABIT_", "_HABIT_"))}
    # As on a user's machine: Python keeps compiled modules (the peers' were compiled at install;
    # with this set, habit's own would be compiled again on every run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(NO_COLOR="1", HABIT_TZ="Europe/Berlin", TZ="Europe/Berlin", LC_ALL="C.UTF-8")
    env.update(extra)
    return env


def run_once(case: Case) -> float:
    began = time.perf_counter()
    done = subprocess.run(case.argv, env=case.env, input=case.stdin, capture_output=True,
                          stdin=None if case.stdin is not None else subprocess.DEVNULL)
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise BenchProblem(f"{case.name}: exit {done.returncode}: {_last_line(done.stderr or done.stdout)}")
    return elapsed


def _last_line(output: bytes | str) -> str:
    text = output.decode(errors="replace") if isinstance(output, bytes) else output
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(no output)"


def race(cases: list[Case], runs: int, warmup: int = 2) -> dict[str, float]:
    """Median milliseconds per case, the cases interleaved run by run."""
    times: dict[str, list[float]] = {c.name: [] for c in cases}
    for n in range(warmup + runs):
        for case in cases:
            elapsed = run_once(case)
            if n >= warmup:
                times[case.name].append(elapsed)
    return {name: 1000 * statistics.median(values) for name, values in times.items()}


def habit(*args: str) -> list[str]:
    return [str(BIN / "habit"), *args]


def habit_run(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(habit(*args), env=base_env(HABIT_HOME=str(home)), capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise BenchProblem(f"habit {' '.join(args)}: {_last_line(done.stderr)}")
    return done


def new_home(scratch: Path, name: str) -> Path:
    home = scratch / name
    habit_run(home, "init")
    return home


# ---------------------------------------------------------------- peers


def jrnl_case(scratch: Path, name: str, *args: str) -> Case:
    """jrnl with its own config in a temp dir, so it never asks anything."""
    conf = scratch / "jrnl-config" / "jrnl"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "jrnl.yaml").write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        "indent_character: '|'\n"
        f"journals:\n  default:\n    journal: {scratch / 'jrnl-journal.txt'}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%F %r'\nversion: v4.6\n"
    )
    env = base_env(XDG_CONFIG_HOME=str(scratch / "jrnl-config"), XDG_DATA_HOME=str(scratch),
                   HOME=str(scratch))
    return Case(name, [str(PEERS / "jrnl"), *args], env)


def watson_case(scratch: Path, name: str, *args: str) -> Case:
    (scratch / "watson").mkdir(exist_ok=True)
    return Case(name, [str(PEERS / "watson"), *args], base_env(WATSON_DIR=str(scratch / "watson")))


# ---------------------------------------------------------------- 1. --help and TAB


def startup(scratch: Path, runs: int) -> list[Row]:
    home = new_home(scratch, "start")
    env = base_env(HABIT_HOME=str(home))
    complete = base_env(HABIT_HOME=str(home), _HABIT_COMPLETE="complete_bash",
                        COMP_WORDS="habit lo", COMP_CWORD="1")
    cases = [
        jrnl_case(scratch, "jrnl --version", "--version"),
        Case("habit --help", habit("--help"), env),
        Case("habit <TAB> (complete `habit lo`)", habit(), complete),
        watson_case(scratch, "watson --version", "--version"),
    ]
    check = subprocess.run(cases[2].argv, env=complete, capture_output=True, text=True)
    if "log" not in check.stdout.split():
        raise BenchProblem(f"completion of `habit lo` did not offer log: {check.stdout!r}")
    m = race(cases, runs)
    ref = "jrnl --version"
    return [
        Row("habit --help", m["habit --help"], versus=ref, versus_median=m[ref], target="<= 1.0x"),
        Row("habit <TAB> (complete `habit lo`)", m["habit <TAB> (complete `habit lo`)"], versus=ref,
            versus_median=m[ref], target="<= 1.0x"),
        Row("watson --version (for scale)", m["watson --version"], versus=ref, versus_median=m[ref]),
    ]


# ---------------------------------------------------------------- 2. a quick log


def start_service(home: Path, log: Path) -> subprocess.Popen:
    """`habit remind` in the background; ready when it holds remind.lock (or after 8 s)."""
    out = log.open("wb")
    service = subprocess.Popen(habit("remind"), env=base_env(HABIT_HOME=str(home)),
                               stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                               start_new_session=True)
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline and service.poll() is None:
        if _held(home / "remind.lock"):
            time.sleep(0.3)  # let it finish starting its scheduler
            return service
        time.sleep(0.1)
    if service.poll() is not None:
        raise BenchProblem(f"`habit remind` exited ({service.returncode}); see {log}")
    return service


def _held(path: Path) -> bool:
    from habit.blocklock import is_held

    return is_held(path)


def stop(service: subprocess.Popen) -> None:
    if service.poll() is None:
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(10)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()


def quick_log(scratch: Path, runs: int) -> list[Row]:
    direct = new_home(scratch, "log-direct")
    served = new_home(scratch, "log-service")
    service = start_service(served, scratch / "service-log.txt")
    try:
        cases = [
            jrnl_case(scratch, "jrnl", TEXT),
            Case("direct", habit("log", TEXT), base_env(HABIT_HOME=str(direct))),
            Case("service", habit("log", TEXT), base_env(HABIT_HOME=str(served))),
            watson_case(scratch, "watson add", "add", "-f", "10:00", "-t", "10:25", "writing"),
        ]
        m = race(cases, runs)
    finally:
        stop(service)
    wrote = _count(served, "entry")
    if wrote != runs + 2:
        raise BenchProblem(f"expected {runs + 2} entries written via the service, found {wrote}")
    first, rss = _first_log_after_start(scratch, max(3, runs // 4))
    return [
        Row("habit log, `habit remind` running (it writes the file itself)", m["service"],
            versus="jrnl \"text\"", versus_median=m["jrnl"], target="<= 1.0x"),
        Row("habit log, the first one after `habit remind` started", first,
            versus="jrnl \"text\"", versus_median=m["jrnl"]),
        Row("reminder service resident memory after that first quick log", rss,
            unit="MiB",
            target="< 50 MiB", meets=rss < 50),
        Row("habit log, no service (direct write, plain sqlite3)", m["direct"],
            versus="jrnl \"text\"", versus_median=m["jrnl"], target="<= 1.0x"),
        Row("watson add (for scale)", m["watson add"], versus="jrnl \"text\"",
            versus_median=m["jrnl"]),
    ]


def _first_log_after_start(scratch: Path, runs: int) -> tuple[float, float]:
    """Median ms of the first quick log after a fresh service start, and the service's RSS after."""
    home = new_home(scratch, "log-first")
    case = Case("first", habit("log", TEXT), base_env(HABIT_HOME=str(home)))
    times, rss = [], 0.0
    for _ in range(runs):
        service = start_service(home, scratch / "service-first-log.txt")
        try:
            time.sleep(1)
            times.append(run_once(case))
            rss = proc.sample(service.pid).rss_mib
        finally:
            stop(service)
    return 1000 * statistics.median(times), rss


def _count(home: Path, table: str) -> int:
    with sqlite3.connect(home / "habit.db") as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)


# ---------------------------------------------------------------- 3. review: week vs ten years


REVIEW_IN_PROCESS = """
import json, statistics, sys, time
from typer.testing import CliRunner
from habit.cli.app import app
runner = CliRunner()
times = []
for n in range(int(sys.argv[1]) + 1):
    began = time.perf_counter()
    result = runner.invoke(app, ["review"])
    times.append(time.perf_counter() - began)
    assert result.exit_code == 0, result.output
print(json.dumps(times[1:]))
"""


def review(scratch: Path, runs: int) -> list[Row]:
    from habit.review import HISTORY_WEEKS  # the review reads its week and this many before it

    window = 7 * (HISTORY_WEEKS + 1)
    homes = {"week": (7, new_home(scratch, "review-week")),
             "window": (window, new_home(scratch, "review-window")),
             "years": (3653, new_home(scratch, "review-10y"))}
    make = [str(BIN / "python"), str(ROOT / "bench" / "make_history.py")]
    end = datetime.now(UTC).isoformat()
    for days, home in homes.values():
        subprocess.run([*make, str(home), "--days", str(days), "--end", end], check=True,
                       capture_output=True)
    size = {name: _count(home, "entry") + _count(home, "block") for name, (_, home) in homes.items()}
    m = race([Case(name, habit("review"), base_env(HABIT_HOME=str(home)))
              for name, (_, home) in homes.items() if name != "window"], runs)
    inner = {}
    for name, (_, home) in homes.items():
        out = subprocess.run([str(BIN / "python"), "-c", REVIEW_IN_PROCESS, str(runs)],
                             env=base_env(HABIT_HOME=str(home)), capture_output=True, text=True)
        if out.returncode != 0:
            raise BenchProblem(f"in-process review: {_last_line(out.stderr)}")
        inner[name] = 1000 * statistics.median(json.loads(out.stdout))
    week = f"same, one week ({size['week']:,} rows)"
    return [
        Row(f"habit review, 10 years ({size['years']:,} rows)", m["years"], versus=week,
            versus_median=m["week"], target="<= 1.5x"),
        Row("  the command body alone (in-process), 10 years", inner["years"], versus=week,
            versus_median=inner["week"], target="<= 1.5x"),
        Row("  the command body alone (in-process), 10 years", inner["years"],
            versus=f"same, {window // 7} weeks, the review's own window ({size['window']:,} rows)",
            versus_median=inner["window"], target="<= 1.5x"),
    ]


# ---------------------------------------------------------------- 4. the idle service


def idle_service(scratch: Path, seconds: float) -> list[Row]:
    """Every plan active plus one reminder due just after the idle window, to time its sending."""
    home = new_home(scratch, "idle")
    _activate_all(home)
    due = _add_timed_reminder(home, scratch, after=seconds + 15)
    service = start_service(home, scratch / "idle-service-log.txt")
    try:
        time.sleep(2)  # past start-up work
        before = proc.sample(service.pid)
        woke, last = 0, before
        for _ in range(int(seconds)):  # which seconds saw any thread run at all
            time.sleep(1)
            now = proc.sample(service.pid)
            woke += now.switches > last.switches
            last = now
        after = last
        time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 3)
        after_reminder = proc.sample(service.pid).rss_mib
    finally:
        stop(service)
    used = proc.usage(before, after, float(int(seconds)))
    late = _reminder_lateness(home)
    window = f"over {seconds:.0f} s"
    return [
        Row(f"reminder service idle: resident memory ({window})", used.rss_mib, unit="MiB",
            target="< 50 MiB", meets=used.rss_mib < 50),
        Row(f"reminder service idle: CPU ({window})", used.cpu_percent, unit="% core",
            target="< 0.5%", meets=used.cpu_percent < 0.5),
        Row(f"reminder service idle: context switches ({window}; its watch job runs every 60 s)",
            used.wakeups, unit="count"),
        Row(f"reminder service idle: seconds in which it woke at all ({window})", woke,
            unit="count", target="<= 1 (the watch job)", meets=woke <= 1),
        Row("a reminder: sent minus due", late, unit="s", target="< 1 s", meets=0 <= late < 1),
        Row("reminder service resident memory after that reminder (it wrote its row)",
            after_reminder, unit="MiB", target="< 50 MiB", meets=after_reminder < 50),
    ]


def _add_timed_reminder(home: Path, scratch: Path, *, after: float) -> datetime:
    """A copy of a built-in plan, renamed, due once at the first whole minute `after` s from now."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    due = (datetime.now(UTC) + timedelta(seconds=after + 60)).replace(second=0, microsecond=0)
    local = due.astimezone(ZoneInfo("Europe/Berlin"))
    text = (ROOT / "plans" / "grounding-and-one-tiny-step.toml").read_text()
    for old, new in (('id = "grounding-and-one-tiny-step"', 'id = "bench-latency"'),
                     ('id = "grounding-step"', 'id = "bench-latency-step"'),
                     ('date = "2026-11-23"', f'date = "{local:%Y-%m-%d}"'),
                     ('at = "09:00"', f'at = "{local:%H:%M}"')):
        if old not in text:
            raise BenchProblem(f"the built-in plan changed; cannot find {old!r}")
        text = text.replace(old, new)
    plan = scratch / "bench-latency.toml"
    plan.write_text(text)
    done = subprocess.run(habit("plan", "add", plan.name), cwd=scratch, capture_output=True,
                          text=True, env=base_env(HABIT_HOME=str(home)), stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise BenchProblem(f"habit plan add: {_last_line(done.stderr)}")
    return due


def _reminder_lateness(home: Path) -> float:
    with sqlite3.connect(home / "habit.db") as conn:
        row = conn.execute("SELECT due_at, sent_at FROM reminder WHERE commitment_id = "
                           "'bench-latency-step'").fetchone()
    if row is None:
        raise BenchProblem("the timed reminder was not recorded as sent")
    due, sent = (datetime.fromisoformat(v) for v in row)
    return (sent - due).total_seconds()


def _activate_all(home: Path) -> None:
    """Every plan active: `habit plan add` each one `habit plan list` shows as available."""
    listed = habit_run(home, "plan", "list").stdout.split("Available plans:")
    for line in listed[1].splitlines() if len(listed) > 1 else []:
        if line.startswith("  ") and not line.startswith("   ") and " — " in line:
            plan_id = line.split()[0]
            habit_run(home, "plan", "add", str(ROOT / "plans" / f"{plan_id}.toml"))
    left = habit_run(home, "plan", "list").stdout.split("Available plans:")[-1].split()
    if left[:1] != ["(none)"]:
        raise BenchProblem(f"some plans could not be activated: {' '.join(left)[:100]}")


# ---------------------------------------------------------------- 5. a focus block


def focus_block(scratch: Path, minutes: int, seconds_per_minute: float) -> list[Row]:
    """A block in a real pseudo-terminal: CPU from /proc while it runs, and when it said "complete"
    compared with when it said it started plus its length (what the person sees)."""
    import pty

    home = new_home(scratch, "block")
    master, slave = pty.openpty()
    env = base_env(HABIT_HOME=str(home), HABIT_SECONDS_PER_MINUTE=str(seconds_per_minute),
                   TERM="xterm-256color", COLUMNS="80", LINES="24")
    argv = habit("start-block", "--minutes", str(minutes), "--no-ritual", "--goal", "bench",
                 "--log", "")
    seen: list[tuple[float, bytes]] = []
    block = subprocess.Popen(argv, env=env, stdin=slave, stdout=slave, stderr=slave,
                             start_new_session=True)
    os.close(slave)
    drained = _drain(master, seen)
    length = minutes * seconds_per_minute
    try:
        time.sleep(2)
        before = proc.sample(block.pid)
        began = time.monotonic()
        time.sleep(max(1.0, length - 4))
        after = proc.sample(block.pid)
        used = proc.usage(before, after, time.monotonic() - began)
        block.wait(timeout=length + 30)
    finally:
        if block.poll() is None:
            block.kill()
        drained.join(2)
        os.close(master)
    started, ended = _first(seen, b"Focus block:"), _first(seen, b"Block complete")
    late = ended - (started + length)
    return [
        Row(f"focus block in a terminal: CPU while it runs ({used.seconds:.0f} s)", used.cpu_percent,
            unit="% core", target="< 1%", meets=used.cpu_percent < 1),
        Row("focus block: \"complete\" shown minus start shown + length", late, unit="s",
            target="< 1 s", meets=abs(late) < 1),
    ]


def _drain(fd: int, seen: list[tuple[float, bytes]]):
    """Read the terminal as it is written, noting when each piece arrived."""
    import threading

    def read() -> None:
        try:
            while chunk := os.read(fd, 65536):
                seen.append((time.monotonic(), chunk))
        except OSError:
            pass

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _first(seen: list[tuple[float, bytes]], marker: bytes) -> float:
    text = b""
    for moment, chunk in seen:
        text += chunk
        if marker in text:
            return moment
    raise BenchProblem(f"the block never showed {marker.decode()!r}")


# ---------------------------------------------------------------- 6. distill


def distill(scratch: Path, runs: int) -> list[Row]:
    seed = max(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)
    home = new_home(scratch, "distill")
    out = scratch / "distilled.toml"
    m = race([Case("distill", habit("distill", str(seed), "-o", str(out), "--force"),
                   base_env(HABIT_HOME=str(home)))], runs, warmup=1)
    return [Row(f"habit distill on the largest seed ({seed.stat().st_size // 1024} KiB)",
                m["distill"], unit="ms", target="< 500 ms", meets=m["distill"] < 500)]


# ---------------------------------------------------------------- report


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {mem} GiB, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def table(rows: list[Row], runs: int) -> str:
    lines = [f"| measurement (median of {runs}) | median | compared with | its median | ratio "
             "| target | meets |",
             "|---|---:|---|---:|---:|---|---|"]
    for r in rows:
        ref = f"{r.versus_median:.0f} {r.unit}" if r.versus_median else ""
        ratio = f"{r.ratio:.2f}x" if r.ratio else ""
        meets = r.meets
        if meets is None and r.ratio and r.target.startswith("<="):
            meets = r.ratio <= float(r.target.strip("<= x"))
        mark = "" if meets is None else ("yes" if meets else "no")
        value = (f"{r.median:.0f} {r.unit}" if r.unit in ("ms", "count")
                 else f"{r.median:.2f} {r.unit}")
        if r.median != r.median:  # NaN: the section could not be measured
            value = ""
        lines.append(f"| {r.what} | {value} | {r.versus} | {ref} | {ratio} | {r.target} | {mark} |")
    return "\n".join(lines)


SECTIONS = ("startup", "log", "review", "idle", "block", "distill")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="habit's benchmarks, side by side with its peers.")
    parser.add_argument("--runs", type=int, default=20, help="runs per case (median of these)")
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only these sections")
    args = parser.parse_args(argv)
    for tool in (BIN / "habit", PEERS / "jrnl", PEERS / "watson"):
        if not tool.exists():
            print(f"{tool} is missing; run `sh bench/run.sh`, which installs it.", file=sys.stderr)
            return 2
    wanted = args.only or list(SECTIONS)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="habit-bench-") as tmp:
        scratch = Path(tmp)
        plan = {
            "startup": lambda: startup(scratch, args.runs),
            "log": lambda: quick_log(scratch, args.runs),
            "review": lambda: review(scratch, args.runs),
            "idle": lambda: idle_service(scratch, args.idle_seconds),
            "block": lambda: focus_block(scratch, 1, 20.0),
            "distill": lambda: distill(scratch, args.runs),
        }
        for name in wanted:
            print(f"... {name}", file=sys.stderr, flush=True)
            try:
                rows += plan[name]()
            except (BenchProblem, subprocess.CalledProcessError, OSError) as err:
                print(f"    {name}: not measured ({err})", file=sys.stderr)
                rows.append(Row(f"{name}: not measured ({str(err)[:160]})", float("nan"), unit=""))
    report = (f"Machine: {machine()}\nTaken: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
              f"whole processes, median of {args.runs}, cases interleaved.\n\n"
              f"{table(rows, args.runs)}\n")
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.md").write_text(report)
    (RESULTS / "latest.md").write_text(report)
    (RESULTS / f"{stamp}.json").write_text(json.dumps([asdict(r) | {"ratio": r.ratio} for r in rows],
                                                      indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
