"""CPU time spent by a set of processes over an interval, from /proc (Linux).

The load test (scripts/loadtest.py) charges each page with the CPU time that
the gunicorn processes serving it, the PostgreSQL backends serving them and
wrk spent during its run, per request: on a machine shared with other work
that is steadier than requests per second, which also count the waiting.

A ``CpuMeter`` samples the processes a function names (the processes may come
and go: a gunicorn worker restarted, a database connection reopened) every
quarter second, and adds up what each used between its first and last
sample. A process that started during the interval counts from zero; one
that ended between two samples loses at most its last quarter second.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")  # the unit of /proc/<pid>/stat's times
PROC = Path("/proc")


@dataclass(frozen=True)
class ProcStat:
    """What the meter reads of one ``/proc/<pid>/stat`` line."""

    pid: int
    comm: str
    ppid: int
    ticks: int  # user + system CPU time, in clock ticks
    started: int  # clock ticks after boot


def parse_proc_stat(line: str) -> ProcStat:
    """Parse ``/proc/<pid>/stat``. The command name sits in parentheses and
    may itself hold spaces and parentheses, so the fields after it are
    counted from the last ")" (proc(5): state is field 3, ppid 4, utime 14,
    stime 15, starttime 22)."""
    head, paren, tail = line.rpartition(")")
    pid, open_paren, comm = head.partition(" (")
    if not paren or not open_paren:
        raise ValueError(f"not a /proc/<pid>/stat line: {line[:80]!r}")
    fields = tail.split()  # fields[0] is field 3 (state)
    return ProcStat(
        pid=int(pid),
        comm=comm,
        ppid=int(fields[1]),
        ticks=int(fields[11]) + int(fields[12]),
        started=int(fields[19]),
    )


def read_stat(pid: int) -> ProcStat | None:
    """The process's stat, or None when it is gone or cannot be read."""
    try:
        return parse_proc_stat((PROC / str(pid) / "stat").read_text())
    except (OSError, ValueError, IndexError):
        return None


def all_stats() -> list[ProcStat]:
    stats = (read_stat(int(entry.name)) for entry in PROC.iterdir() if entry.name.isdigit())
    return [stat for stat in stats if stat is not None]


def descendants(root: int, stats: Iterable[ProcStat]) -> set[int]:
    """``root`` and every process below it (children, their children …)."""
    children: dict[int, list[int]] = {}
    for stat in stats:
        children.setdefault(stat.ppid, []).append(stat.pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, ()))
    return found


def ticks_since_boot() -> int:
    return int(float((PROC / "uptime").read_text().split()[0]) * CLOCK_TICKS)


def baseline(stat: ProcStat, since: int) -> int:
    """What a process had used when the interval began, as far as the meter
    can know: nothing if it started after ``since``, else what it had used
    when first seen (its first sample is taken as the start)."""
    return 0 if stat.started >= since else stat.ticks


def ticks_used(first: dict, last: dict) -> int:
    """CPU ticks used between each process's first and last sample."""
    return sum(last[key] - first[key] for key in last)


def per_request_ms(seconds: float, requests: int) -> float:
    return seconds * 1000 / requests if requests else 0.0


def total_ticks(pids: Iterable[int]) -> int:
    stats = (read_stat(pid) for pid in pids)
    return sum(stat.ticks for stat in stats if stat is not None)


def wait_until_idle(
    find: Callable[[], Iterable[int]],
    *,
    interval: float = 0.3,
    quiet_ticks: int = 1,
    timeout: float = 60.0,
) -> bool:
    """Wait until the processes ``find()`` names use at most ``quiet_ticks``
    in ``interval`` seconds: a load generator that stops leaves requests in
    the server's queue, and their CPU time must not be charged to the next
    run. False if they were still busy after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    before = total_ticks(find())
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = total_ticks(find())
        if now - before <= quiet_ticks:
            return True
        before = now
    return False


def children_cpu_seconds() -> float:
    """User + system time of this process's finished (waited-for) children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """``with CpuMeter(find) as meter: …`` then ``meter.seconds``: the CPU
    time the processes that ``find()`` names used inside the block. ``find``
    is called from a background thread, one call at a time."""

    def __init__(self, find: Callable[[], Iterable[int]], *, every: float = 0.25) -> None:
        self.find = find
        self.every = every
        self.first: dict[tuple[int, int], int] = {}
        self.last: dict[tuple[int, int], int] = {}
        self.seen = 0  # processes named by find()
        self.read = 0  # of which /proc could be read
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CpuMeter:
        self.since = ticks_since_boot()
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def _sample(self) -> None:
        for pid in self.find():
            self.seen += 1
            stat = read_stat(pid)
            if stat is None:
                continue
            self.read += 1
            key = (stat.pid, stat.started)  # a reused pid is another process
            self.first.setdefault(key, baseline(stat, self.since))
            self.last[key] = stat.ticks

    @property
    def readable(self) -> bool:
        """False when processes were named but none could be read (another
        machine's, another PID namespace's)."""
        return self.read > 0 or self.seen == 0

    @property
    def seconds(self) -> float:
        return ticks_used(self.first, self.last) / CLOCK_TICKS
