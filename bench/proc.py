"""Read a running process's cost from /proc (Linux): resident memory, CPU time, wake-ups."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    cpu_seconds: float  # user + system, all threads
    rss_mib: float
    switches: int  # voluntary + involuntary context switches, all threads: each is a wake-up
    runs: int  # times any thread was put on a CPU (schedstat), the kernel's own wake-up count


def sample(pid: int) -> Sample:
    proc = Path(f"/proc/{pid}")
    stat = (proc / "stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the name may hold spaces; skip past it
    utime, stime = int(fields[11]), int(fields[12])
    rss_kib = 0
    for line in (proc / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kib = int(line.split()[1])
    switches = runs = 0
    for task in (proc / "task").iterdir():
        try:
            for line in (task / "status").read_text().splitlines():
                if line.endswith("ctxt_switches:") or "ctxt_switches:" in line:
                    switches += int(line.split()[1])
            runs += int((task / "schedstat").read_text().split()[2])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue  # a thread ended while we looked
    return Sample((utime + stime) / TICKS, rss_kib / 1024, switches, runs)


@dataclass(frozen=True)
class Usage:
    seconds: float
    cpu_percent: float  # of one core
    rss_mib: float  # at the end
    wakeups: int
    runs: int


def usage(before: Sample, after: Sample, seconds: float) -> Usage:
    cpu = after.cpu_seconds - before.cpu_seconds
    return Usage(seconds, 100 * cpu / seconds, after.rss_mib, after.switches - before.switches,
                 after.runs - before.runs)
