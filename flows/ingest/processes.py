"""Who runs a run, and whether that process still lives: what ``runs`` records (host,
pid, process start) and what marks the runs of dead processes ``crashed``. Linux reads
/proc; elsewhere a pid is all there is."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class ProcessId:
    """A process as ``runs`` records it: its host, pid, and its start (``process_start``),
    which tells it apart from a later process given the same pid."""

    host: str
    pid: int
    start: str | None


def this_process() -> ProcessId:
    """This process, on this host."""
    return ProcessId(socket.gethostname(), os.getpid(), process_start(os.getpid()))


def _boot_id() -> str | None:
    try:
        return (PROC / "sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def proc_stat(pid: int | str) -> tuple[str, int, int] | None:
    """(state, parent pid, start time in clock ticks since boot) of a process, from
    /proc/PID/stat; None when there is no such process (or no /proc)."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except (OSError, ValueError):
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[19])


def process_start(pid: int) -> str | None:
    """When ``pid`` started, as "boot id:clock ticks since boot" (unique to the process
    on this host, across reboots); None without /proc or such a process."""
    boot, stat = _boot_id(), proc_stat(pid)
    if boot is None or stat is None:
        return None
    return f"{boot}:{stat[2]}"


def is_running(pid: int, start: str | None) -> bool:
    """Whether the process recorded as ``pid`` and ``start`` (``process_start``) is still
    running (a zombie is not). Without a recorded start, whether any process has
    ``pid``."""
    if start is not None and PROC.is_dir():
        stat = proc_stat(pid)
        return stat is not None and stat[0] != "Z" and process_start(pid) == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
