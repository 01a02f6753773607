"""A ``bulletin backfill`` whose main process alone is killed (SIGKILL: no exit handler
runs) leaves nothing running: not Prefect's temporary server, not the parsing pool, not
its reaper (``bulletin.cli.reaper``). A command that ends normally has its reaper end too, and
kill nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from process_tree import describe, end_all, kind, living, tree, wait_gone
from test_kill import FIRST, LAST, bulletin

from sample_portal import PortalConfig, SamplePortal

# What a backfill runs below it once it has started its Prefect server and parses.
EXPECTED = {"uvicorn", "fork server", "pool worker", "reaper"}


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    portal = SamplePortal(PortalConfig(count=500, days=90, end=date(2026, 11, 20)))
    with portal.serve() as base_url:
        yield base_url


@pytest.mark.slow
def test_a_killed_backfill_leaves_no_process_behind(
    served: str, tmp_path: Path, write_sources
) -> None:
    sources = write_sources(tmp_path, served)
    run = bulletin(
        ["backfill", "--source", "sample", "--from", FIRST, "--to", LAST],
        tmp_path / "w.duckdb",
        sources,
        tmp_path / "prefect",
    )
    seen: dict[int, int] = {}
    try:
        deadline = time.monotonic() + 120
        while True:
            below = tree(run.pid)
            seen |= below
            if EXPECTED <= {kind(pid) for pid in below}:
                break
            if run.poll() is not None:
                error = run.stderr.read().decode() if run.stderr else ""
                pytest.fail(
                    f"the backfill ended (status {run.returncode}) before it was killed: {error}"
                )
            assert time.monotonic() < deadline, f"not all of {EXPECTED} after 120 s: " + str(
                describe(below)
            )
            time.sleep(0.05)
        seen |= tree(run.pid)
        print("\n".join(["killing the backfill; below it:", *describe(living(seen))]))
        os.kill(run.pid, signal.SIGKILL)  # the main process only
        killed = time.monotonic()
        assert run.wait(timeout=10) == -signal.SIGKILL
        left = wait_gone(seen, 10 - (time.monotonic() - killed))
        assert not left, f"running 10 s after the backfill was killed: {describe(left)}"
    finally:
        end_all(run, seen)


# A command under ``watching()``: it starts a sleeper and a shell with a sleeper of its
# own, prints its descendants (pid -> start ticks) as JSON, and then ends normally or
# kills itself.
COMMAND = """
import json, os, signal, subprocess, sys, time
from bulletin.cli.reaper import descendants, watching
with watching():
    subprocess.Popen(["sleep", "300"])
    subprocess.Popen(["sh", "-c", "sleep 301 & wait"])
    while len(descendants(os.getpid())) < 4:  # the reaper, two sleepers, the shell
        time.sleep(0.02)
    time.sleep(0.6)  # the reaper has looked at them
    print(json.dumps(descendants(os.getpid())), flush=True)
    if sys.argv[1] == "die":
        os.kill(os.getpid(), signal.SIGKILL)
"""


def command(how: str) -> tuple[subprocess.Popen[bytes], dict[int, int]]:
    process = subprocess.Popen(
        [sys.executable, "-c", COMMAND, how],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    process.stdout.close()
    return process, {int(pid): start for pid, start in json.loads(line).items()}


def test_a_killed_command_leaves_nothing_its_reaper_saw() -> None:
    process, below = command("die")
    try:
        assert sorted(kind(pid) for pid in below) == ["other", "other", "other", "reaper"]
        assert process.wait(timeout=10) == -signal.SIGKILL
        assert not wait_gone(below, 10), describe(living(below))
    finally:
        end_all(process, below)


def test_a_command_that_ends_normally_has_its_reaper_end_and_kill_nothing() -> None:
    process, below = command("end")
    try:
        reaper = {pid: start for pid, start in below.items() if kind(pid) == "reaper"}
        assert len(reaper) == 1
        assert process.wait(timeout=10) == 0
        assert not living(reaper)  # waited for before the command ended
        time.sleep(1)
        assert sorted(living(below)) == sorted(set(below) - set(reaper))  # left alone
    finally:
        end_all(process, below)
