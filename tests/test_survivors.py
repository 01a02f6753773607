"""The check at the end of the test session (conftest): it finds the processes that carry
the session's mark, an orphan handed on to init in a session of its own included, and a
session that leaves one running fails, lists it and kills it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from process_tree import (
    MARK,
    end_marked,
    left_running,
    listing,
    mark,
    marked,
    of_run,
    parent,
    start,
)

TESTS = Path(__file__).resolve().parent


def orphan(env: dict[str, str]) -> int:
    """A ``sleep 30`` whose parent has ended (it is init's, or a subreaper's, now), in a
    session of its own, started with ``env``; its pid."""
    shell = subprocess.Popen(
        ["sh", "-c", "sleep 30 </dev/null >/dev/null 2>&1 & echo $!"],
        env=env,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    out, _ = shell.communicate(timeout=10)
    return int(out)


def test_the_finder_skips_the_process_that_looks_and_its_ancestors() -> None:
    env = dict(os.environ)
    token = mark(env)
    looks = (
        "import os, sys, time\n"
        "from process_tree import marked\n"
        "if sys.argv[1] == 'child':  # marked, but the one looking: skipped\n"
        "    print(sorted(marked(sys.argv[2])), flush=True)\n"
        "else:  # its parent, marked too, which waits: an ancestor, skipped too\n"
        "    import subprocess\n"
        "    subprocess.run([sys.executable, '-c', sys.argv[3], 'child', sys.argv[2], ''])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", looks, "parent", token, looks],
        env={**env, "PYTHONPATH": str(TESTS)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_an_orphan_is_found_by_its_mark_and_is_gone_once_killed() -> None:
    env = dict(os.environ)
    token = mark(env)
    session = os.environ[MARK].split()[-1]
    pid = orphan(env)
    try:
        assert parent(pid) not in (None, os.getpid())  # handed on: not this one's child
        assert list(marked(token)) == [pid]
        assert pid in marked(session)  # the session's mark comes along
        assert not marked(mark(dict(os.environ)))  # another mark: nothing
    finally:
        left = end_marked(token)
    assert not left
    assert not marked(token)


def test_a_child_forked_without_exec_is_found_though_unmarked() -> None:
    session = os.environ[MARK].split()[-1]
    pid = os.fork()
    if pid == 0:  # the child: /proc shows the environment pytest was started with
        try:
            time.sleep(30)
        finally:
            os._exit(0)
    try:
        assert pid not in marked(session)
        assert pid in left_running(session, 0)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert pid not in left_running(session, 0)


def test_start_marks_a_command_of_its_own_in_a_group_of_its_own() -> None:
    process = start(["sleep", "30"])
    try:
        assert os.getpgid(process.pid) == process.pid
        assert list(of_run(process)) == [process.pid]
    finally:
        process.kill()
        process.wait()
    assert not of_run(process)


LEAKY = """
import subprocess


def test_leaves_an_orphan():
    subprocess.run(["sh", "-c", "sleep 30 </dev/null >/dev/null 2>&1 &"], check=True)
"""

# A pool of the fork server's, shut down: the fork server and the resource tracker stay
# for the life of the process (the session's end stops them, as its exit would).
TIDY = """
import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def test_parses_in_a_pool():
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        assert list(pool.map(abs, [-1, -2])) == [1, 2]
"""


def session(tmp_path: Path, tests: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """A pytest session of ``tests`` with this folder's conftest (its check), its
    processes marked with a mark of their own; its outcome, and what still ran of it
    once it had ended (killed then)."""
    (tmp_path / "test_inner.py").write_text(tests, encoding="utf-8")
    env = dict(os.environ)
    token = mark(env)  # the inner session's processes carry it, and its own mark
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "conftest", "--rootdir", str(tmp_path), "-c", os.devnull]
    command += ["--survivor-grace", "0.5", str(tmp_path / "test_inner.py")]
    try:
        done = subprocess.run(
            command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
    finally:
        still = listing(marked(token))
        assert not end_marked(token)
    return done, still


def test_a_session_that_leaves_a_process_running_fails_lists_it_and_kills_it(
    tmp_path: Path,
) -> None:
    done, still = session(tmp_path, LEAKY)
    output = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, output
    assert "processes the tests left running (killed now)" in output, output
    assert "sleep 30" in output, output
    assert "1 passed, 1 left running" in output, output
    assert still == []  # killed by the inner session's check


def test_a_session_whose_pool_was_shut_down_passes(tmp_path: Path) -> None:
    done, still = session(tmp_path, TIDY)
    output = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.OK, output
    assert "left running" not in output, output
    assert still == []
