"""The processes a command started, from /proc, for tests that kill commands and must
leave nothing running: what is below a process (``tree``, ``living``: the watcher's own
look at /proc, ``bulletin.cli.reaper``), a process group, what each one is, and ending them
all."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from bulletin.cli.reaper import alive as living
from bulletin.cli.reaper import descendants as tree

PROC = Path("/proc")


def _stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, parent pid, process group, start ticks); None once it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except (OSError, ValueError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2]), int(fields[19])


def _all() -> dict[int, tuple[str, int, int, int]]:
    found = {}
    for entry in os.listdir(PROC):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                found[int(entry)] = stat
    return found


def group(pgid: int) -> dict[int, int]:
    """The living members of process group ``pgid``: pid -> start ticks."""
    return {
        pid: start
        for pid, (state, _, pgrp, start) in _all().items()
        if pgrp == pgid and state != "Z"
    }


def command_line(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def kind(pid: int) -> str:
    """What a process below ``bulletin`` is: uvicorn (Prefect's temporary server), fork
    server, pool worker (a child of the fork server), resource tracker, reaper, other."""
    line = command_line(pid)
    if "uvicorn" in line:
        return "uvicorn"
    if "forkserver" in line:
        stat = _stat(pid)
        parent = command_line(stat[1]) if stat else ""
        return "pool worker" if "forkserver" in parent else "fork server"
    if "resource_tracker" in line:
        return "resource tracker"
    if "bulletin.cli.reaper" in line:
        return "reaper"
    return "other"


def describe(pids: dict[int, int]) -> list[str]:
    return sorted(f"{pid} {kind(pid)}: {command_line(pid)[:120]}" for pid in pids)


def wait_gone(seen: dict[int, int], timeout: float) -> dict[int, int]:
    """Wait up to ``timeout`` seconds for each of ``seen`` to end; those still running."""
    deadline = time.monotonic() + timeout
    while True:
        left = living(seen)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def end_all(process: subprocess.Popen[bytes], seen: dict[int, int] | None = None) -> None:
    """SIGKILL a command started with ``start_new_session=True``, what is left of its
    process group, its descendants and ``seen`` (what left the group: its reaper, in a
    session of its own), and wait for them all to be gone. A command already waited for
    may have had its pid reused: only its group's members are looked for then."""
    others = dict(seen or {})
    if process.poll() is None:  # not reaped: the pid is still the command's
        others |= tree(process.pid)
        process.kill()
    others |= group(process.pid)
    for pid in living(others):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()
    if process.stderr is not None:
        process.stderr.close()
    left = wait_gone(others, 10)
    assert not left, f"still running after SIGKILL: {describe(left)}"
