"""Nothing a command starts outlives it: a watcher process that ends a killed command's
descendants (who ran a run, and whether it lives, is ``flows.ingest.processes``).

A command that runs flows starts processes of its own: Prefect's temporary API server (a
uvicorn process, when no ``PREFECT_API_URL`` is set, stopped by an ``atexit`` handler)
and the parsing pool (a fork server, its resource tracker and workers). A command killed
outright (SIGKILL, the OOM killer) runs no exit handler, and they stay. ``watching()``
starts a small watcher for the length of a block: it notes the command's descendants
from /proc every POLL seconds and, once the command is gone without having ended the
block, sends each one it saw SIGTERM, then SIGKILL after GRACE seconds, and exits. A
block that ends (normally or by an exception) tells it so, and it exits killing nothing.
Linux only (/proc); elsewhere ``watching()`` does nothing.

``main`` is the watcher itself (``python -m bulletin.cli.reaper PID FD``). No Prefect here.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.ingest.processes import PROC, proc_stat

POLL = 0.5  # seconds between two looks at the command and its descendants
GRACE = 3.0  # seconds a descendant has to end after SIGTERM, before SIGKILL
DONE = b"done"  # what the command writes when its block ends: nothing to kill
ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the ``bulletin`` package


def _processes() -> dict[int, tuple[str, int, int]]:
    """Every process: pid -> (state, parent pid, start ticks)."""
    found = {}
    for entry in os.listdir(PROC):
        if entry.isdigit():
            stat = proc_stat(entry)
            if stat is not None:
                found[int(entry)] = stat
    return found


def descendants(pid: int) -> dict[int, int]:
    """The living descendants of ``pid`` (children, their children, ...), as
    pid -> start ticks (to tell each from a later process given its pid)."""
    return _below({pid}, _processes())


def _below(roots: set[int], procs: dict[int, tuple[str, int, int]]) -> dict[int, int]:
    children: dict[int, list[int]] = {}
    for pid, (_, ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    found: dict[int, int] = {}
    todo = [c for root in roots for c in children.get(root, ())]
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        state, _, start = procs[pid]
        if state != "Z":
            found[pid] = start
        todo.extend(children.get(pid, ()))
    return found


def alive(seen: dict[int, int]) -> dict[int, int]:
    """Those of ``seen`` (pid -> start ticks) still running, not zombies nor another
    process that got the pid since."""
    living = {}
    for pid, start in seen.items():
        stat = proc_stat(pid)
        if stat is not None and stat[0] != "Z" and stat[2] == start:
            living[pid] = start
    return living


@contextmanager
def watching() -> Iterator[None]:
    """While the block runs, a watcher ends this process's descendants if this process
    dies (see the module's docstring). Nothing without /proc, or with
    ``BULLETIN_REAPER=0``."""
    if not PROC.is_dir() or os.environ.get("BULLETIN_REAPER", "").strip() == "0":
        yield
        return
    read_end, write_end = os.pipe()
    try:
        watcher = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                "from bulletin.cli.reaper import main; sys.exit(main(sys.argv[1:]))",
                str(os.getpid()),
                str(read_end),
            ],
            pass_fds=[read_end],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C to the command's group leaves it watching
        )
    finally:
        os.close(read_end)
    try:
        yield
    finally:
        try:
            os.write(write_end, DONE)
        except OSError:
            pass
        os.close(write_end)
        try:
            watcher.wait(timeout=5)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.wait()


def watch(command: int, fd: int) -> bool:
    """Note ``command``'s descendants until it is gone or writes DONE on ``fd``; when it
    is gone, end those descendants. Returns whether it had to."""
    me = os.getpid()
    seen: dict[int, int] = {}
    while os.getppid() == command:  # else the command is gone, and this was handed on
        procs = _processes()
        # Those seen before and still running (a process handed on to init when its
        # parent ended is still the command's doing), and the descendants now.
        seen = {
            pid: start
            for pid, start in seen.items()
            if pid in procs and procs[pid][0] != "Z" and procs[pid][2] == start
        }
        seen |= _below({command}, procs)
        seen.pop(me, None)
        ready, _, _ = select.select([fd], [], [], POLL)
        if ready:
            if os.read(fd, len(DONE)):  # DONE: the command ended its block
                return False
            break  # end of file: the command is gone
    end(seen)
    return True


def end(seen: dict[int, int], grace: float = GRACE) -> None:
    """SIGTERM each of ``seen`` still running (and what they started since), then
    SIGKILL what is left after ``grace`` seconds."""
    deadline = time.monotonic() + grace
    signalled: set[int] = set()
    while True:
        living = alive(seen)
        living |= _below(set(living), _processes())
        seen |= living
        if not living:
            return
        late = time.monotonic() >= deadline
        for pid in living:
            if late or pid not in signalled:
                try:
                    os.kill(pid, signal.SIGKILL if late else signal.SIGTERM)
                except OSError:
                    pass
                signalled.add(pid)
        if late:
            return
        time.sleep(0.1)


def main(argv: list[str]) -> int:
    """The watcher: ``PID FD`` (the command, and the read end of its pipe)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    command, fd = int(argv[0]), int(argv[1])
    watch(command, fd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
