"""CPU seconds that processes spent between two moments, read from ``/proc`` (Linux).

The DAI pipeline's run is CPU-bound on the bench's two cores: what each part costs per
document in the run itself (not in-process) says where the documents per second go.

    before = cpu.snapshot()
    … the run …
    spent = cpu.spent(before, cpu.snapshot(), {"API": cpu.in_group(server.pid), …})
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Proc:
    pid: int
    pgrp: int
    comm: str
    ticks: int  # user + system, this process's own threads


def snapshot() -> dict[int, Proc]:
    procs = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields[0] is the state (field 3 of proc(5)): pgrp is field 5, utime/stime 14/15.
        procs[int(entry.name)] = Proc(
            int(entry.name), int(fields[2]), comm, int(fields[11]) + int(fields[12])
        )
    return procs


def in_group(pgrp: int) -> Callable[[Proc], bool]:
    """The processes of a process group (a server and its workers started in a new session)."""
    return lambda p: p.pgrp == pgrp


def named(comm: str) -> Callable[[Proc], bool]:
    return lambda p: p.comm == comm


def this_process() -> Callable[[Proc], bool]:
    pid = os.getpid()
    return lambda p: p.pid == pid


def spent(
    before: dict[int, Proc], after: dict[int, Proc], groups: dict[str, Callable[[Proc], bool]]
) -> dict[str, float]:
    """CPU seconds per group between the snapshots; a process started in between counts
    whole, one that ended in between is not seen (snapshot before stopping anything)."""
    totals = dict.fromkeys(groups, 0.0)
    for pid, proc in after.items():
        start = before.get(pid)
        ticks = proc.ticks - (start.ticks if start and start.comm == proc.comm else 0)
        for name, select in groups.items():
            if select(proc):
                totals[name] += ticks / TICKS
                break
    return totals
