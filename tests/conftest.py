"""Shared fixtures: the ../shared folder (skipped cleanly when absent).

And the session's end: no process the tests started may still run. The session marks
``os.environ`` (``process_tree.MARK``), so every process started from it carries the mark,
wherever it went (handed on to init, a session of its own); once all is torn down, what
still carries it, or is still below this process, is listed, killed, and fails the run
(``--survivor-grace`` seconds to end first)."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from process_tree import end_marked, kill, left_running, listing, mark, wait_gone

if TYPE_CHECKING:
    from sample_portal import SamplePortal

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared corpus folder beside the project; skips the test when it is absent."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test harness (a temporary API and database) for the whole session."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


PORTAL_END = date(2026, 11, 20)


@pytest.fixture(scope="session")
def portal() -> Iterator[tuple[SamplePortal, str]]:
    """The default sample portal (60 articles over 90 days up to PORTAL_END) on 127.0.0.1."""
    from sample_portal import PortalConfig, SamplePortal

    sample = SamplePortal(PortalConfig(end=PORTAL_END))
    with sample.serve(host="127.0.0.1", port=0) as base_url:
        yield sample, base_url


@pytest.fixture
def write_sources() -> Callable[..., Path]:
    """Writes a sources file whose `sample` entry points at a running sample portal."""
    return _write_sources


@pytest.fixture
def sources_naming(tmp_path: Path) -> Callable[..., Path]:
    """Writes tmp_path/sources.yaml naming the given sources (each at http://NAME.test),
    for commands whose --source must be a name of the sources file."""

    def write(*names: str) -> Path:
        path = tmp_path / "sources.yaml"
        path.write_text(
            "sources:\n"
            + "".join(
                f"  - {{name: {n}, base_url: 'http://{n}.test', listings: [/]}}\n" for n in names
            ),
            encoding="utf-8",
        )
        return path

    return write


def _write_sources(tmp_path: Path, base_url: str, extra_listing: str | None = None) -> Path:
    listings = ["/tin-tuc-su-kien", "/kinh-te", "/van-hoa-xa-hoi"]
    if extra_listing:
        listings.append(extra_listing)
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  - name: sample\n"
        f"    base_url: {base_url}\n"
        "    profile: liferay-6.2\n"
        f"    listings: [{', '.join(listings)}]\n"
        "    start_date: 2026-01-01\n"
        "    allow_private: true\n"
        "    rate: 0\n"
        "    retry_backoff: 0\n",
        encoding="utf-8",
    )
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.expected.json from the current output (then read the diff)",
    )
    parser.addoption(
        "--survivor-grace",
        type=float,
        default=5.0,
        help="seconds the processes the tests started have to end once the session is torn "
        "down; those still running then are listed, killed, and fail the run",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden tests rewrite their expected files instead of comparing."""
    return bool(request.config.getoption("--update-golden"))


_SESSION = pytest.StashKey[str]()
_SURVIVORS = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    """Mark this session in os.environ, for every process started from now on. An xdist
    worker keeps the mark of the controller that started it, which checks at its end."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    config.stash[_SESSION] = mark()


@pytest.hookimpl(trylast=True)  # after the runner's: every fixture is torn down
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run when a process the tests started still runs (ending it)."""
    token = session.config.stash.get(_SESSION, None)
    if token is None:
        return
    _stop_multiprocessing_helpers()
    left = left_running(token, session.config.getoption("--survivor-grace"))
    if not left:
        return
    lines = listing(left)
    kill(left)  # this process's descendants (marked or not), then what carries the mark
    unkillable = end_marked(token) | wait_gone(left, 5)
    if unkillable:
        lines.append(f"and still running after SIGKILL: {sorted(unkillable)}")
    session.config.stash[_SURVIVORS] = lines
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        # "N left running" in the last line of the summary (plugins read __dict__ of each).
        reporter.stats.setdefault("left running", []).extend(
            SimpleNamespace(pid=pid, count_towards_summary=True) for pid in left
        )
    else:
        print("processes the tests left running (killed now):", *lines, sep="\n", file=sys.stderr)
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _stop_multiprocessing_helpers(timeout: float = 10.0) -> None:
    """Stop the fork server and the resource tracker that multiprocessing started for
    this process (tests that parse in it start them; they stay for the life of the
    process and end with it), as its exit would, so that whatever still runs after is a
    leak. Each stop waits for its process to end: a stop that hangs (something still holds
    its pipe open) is given up after ``timeout`` seconds, and the check lists what is left."""
    stops = []
    forkserver = sys.modules.get("multiprocessing.forkserver")
    if forkserver is not None:
        stops.append(forkserver._forkserver._stop)
    tracker = sys.modules.get("multiprocessing.resource_tracker")
    if tracker is not None:
        stops.append(tracker._resource_tracker._stop)
    for stop in stops:  # the fork server first: it holds the tracker's pipe
        thread = threading.Thread(target=stop, name="stop-multiprocessing", daemon=True)
        thread.start()
        thread.join(timeout)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = terminalreporter.config.stash.get(_SURVIVORS, None)
    if lines:
        terminalreporter.write_sep("=", "processes the tests left running (killed now)", red=True)
        for line in lines:
            terminalreporter.write_line(line)
