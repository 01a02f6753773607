"""The processes a command started, from /proc, for tests that kill commands and must
leave nothing running: what is below a process (``tree``, ``living``: the watcher's own
look at /proc, ``bulletin.cli.reaper``), a process group, what each one is, and ending them
all.

And what carries a mark: ``MARK`` is an environment variable every process inherits
(a forked one, one started with a copy of ``os.environ``), whatever its parent, session or
process group became. It holds a chain of ids: the test session's (``conftest``), then,
for a command started by ``start``, the command's own. ``marked(id)`` finds the processes
that carry ``id``, orphans handed on to init and processes that called setsid included.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
import weakref
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from bulletin.cli.reaper import alive as living
from bulletin.cli.reaper import descendants as tree

PROC = Path("/proc")
# Not BULLETIN_* nor PREFECT_*: test_deploy's _isolated_env drops those.
MARK = "PYTEST_BULLETIN_SESSION"


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


def parent(pid: int) -> int | None:
    """The parent pid of ``pid``; None once it is gone."""
    stat = _stat(pid)
    return stat[1] if stat is not None else None


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


def describe(pids: Mapping[int, int]) -> list[str]:
    return sorted(f"{pid} {kind(pid)}: {command_line(pid)[:120]}" for pid in pids)


def listing(pids: Mapping[int, int]) -> list[str]:
    """One line per process: pid, parent pid, command line."""
    lines = []
    for pid in sorted(pids):
        stat = _stat(pid)
        ppid = stat[1] if stat else "?"
        lines.append(f"pid {pid} ppid {ppid}: {command_line(pid)[:300]}")
    return lines


def wait_gone(seen: Mapping[int, int], timeout: float) -> dict[int, int]:
    """Wait up to ``timeout`` seconds for each of ``seen`` to end; those still running."""
    deadline = time.monotonic() + timeout
    while True:
        left = living(dict(seen))
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def kill(seen: Mapping[int, int]) -> None:
    """SIGKILL each of ``seen`` still running (not another process given its pid since)."""
    for pid in living(dict(seen)):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --- the mark ------------------------------------------------------------------------


def mark(env: MutableMapping[str, str] | None = None) -> str:
    """Add a new id to the chain in ``MARK`` of ``env`` (``os.environ`` by default), so
    that what is started with it carries the id (and those before it); the id."""
    target = os.environ if env is None else env
    token = uuid.uuid4().hex
    target[MARK] = " ".join([*target.get(MARK, "").split(), token])
    return token


def _marks(pid: int) -> list[str]:
    """The ids in ``MARK`` in the environment ``pid`` was started with; [] when it has
    none, is gone, or cannot be read (another user's, a kernel thread)."""
    try:
        environ = (PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return []
    prefix = MARK.encode() + b"="
    for entry in environ.split(b"\0"):
        if entry.startswith(prefix):
            return entry[len(prefix) :].decode(errors="replace").split()
    return []


def _ancestors(pid: int, procs: Mapping[int, tuple[str, int, int, int]]) -> set[int]:
    """``pid`` and its parent, its parent's parent, ... up to init."""
    found: set[int] = set()
    while pid > 0 and pid not in found:
        found.add(pid)
        pid = procs[pid][1] if pid in procs else 0
    return found


def marked(token: str) -> dict[int, int]:
    """The living processes (zombies are not) whose environment carries ``token``, but
    for this process and its ancestors: pid -> start ticks."""
    procs = _all()
    mine = _ancestors(os.getpid(), procs)
    return {
        pid: start
        for pid, (state, _, _, start) in procs.items()
        if state != "Z" and pid not in mine and token in _marks(pid)
    }


def wait_marked(token: str, timeout: float) -> dict[int, int]:
    """Wait up to ``timeout`` seconds for what carries ``token`` to end; what still runs."""
    deadline = time.monotonic() + timeout
    while True:
        left = marked(token)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def left_running(token: str, timeout: float) -> dict[int, int]:
    """What still runs of what this process started, after up to ``timeout`` seconds for
    it to end: what carries ``token`` (orphans included) and this process's descendants
    (which a fork without exec leaves unmarked: /proc shows the environment a process
    was started with, and this one set ``token`` after)."""
    deadline = time.monotonic() + timeout
    while True:
        left = marked(token) | tree(os.getpid())
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def end_marked(token: str, timeout: float = 10) -> dict[int, int]:
    """SIGKILL what carries ``token`` (again, for what it starts meanwhile) until nothing
    does or ``timeout`` seconds have passed; what still runs."""
    deadline = time.monotonic() + timeout
    while True:
        left = marked(token)
        if not left or time.monotonic() >= deadline:
            return left
        kill(left)
        time.sleep(0.05)


# --- commands of their own -------------------------------------------------------------

_runs: weakref.WeakKeyDictionary[subprocess.Popen[bytes], str] = weakref.WeakKeyDictionary()


def start(
    command: Sequence[str], env: Mapping[str, str] | None = None, **options: Any
) -> subprocess.Popen[bytes]:
    """``command`` in a session (and process group) of its own, with ``env`` (a copy of
    ``os.environ`` by default) marked with an id of its own (``run_id``): killing its
    group ends what stayed in it, ``of_run`` finds all it started, wherever it went."""
    environment = dict(os.environ if env is None else env)
    token = mark(environment)
    process = subprocess.Popen(command, env=environment, start_new_session=True, **options)
    _runs[process] = token
    return process


def run_id(process: subprocess.Popen[bytes]) -> str | None:
    """The id ``start`` marked ``process`` with; None for a process it did not start."""
    return _runs.get(process)


def of_run(process: subprocess.Popen[bytes]) -> dict[int, int]:
    """The living processes of a command ``start`` started (itself included)."""
    token = run_id(process)
    return marked(token) if token is not None else {}


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group of a command started in a session of its own (with
    ``start``, or ``start_new_session=True``) while it runs: it and what it started,
    unless they left the group (a command in its caller's group: itself only). Then
    wait for it (no zombie is left)."""
    if process.poll() is None:  # not reaped: its pid is still its group's id
        try:
            leader = os.getpgid(process.pid) == process.pid
        except ProcessLookupError:  # ended since
            leader = False
        if leader:
            os.killpg(process.pid, signal.SIGKILL)
        else:  # not in a group of its own: the group is the caller's
            process.kill()
    process.wait()


def end_all(process: subprocess.Popen[bytes], seen: Mapping[int, int] | None = None) -> None:
    """SIGKILL a command started with ``start`` (or ``start_new_session=True``), its
    process group, its descendants, all that carries its mark (``of_run``: what left the
    group, such as its reaper in a session of its own, or was handed on to init) and
    ``seen``; wait for them all to be gone. A command already waited for may have had
    its pid reused: only its group's members are looked for then, and of those, for a
    command ``start`` started, only the ones that carry its mark."""
    others = dict(seen or {})
    token = run_id(process)
    if process.poll() is None:
        others |= tree(process.pid)
    kill_group(process)
    members = group(process.pid)
    if token is not None:
        members = {pid: s for pid, s in members.items() if token in _marks(pid)}
    others |= members
    kill(others)
    if process.stderr is not None:
        process.stderr.close()
    if process.stdout is not None:
        process.stdout.close()
    left = wait_gone(others, 10)
    if token is not None:
        left |= end_marked(token)
    assert not left, f"still running after SIGKILL: {describe(left)}"
