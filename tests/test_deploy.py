"""The deployments of prefect.yaml on a real Prefect server, run by a real process worker.

Everything here runs in subprocesses (server, CLI, worker) with an environment of its
own; the Prefect settings of this test process are touched only inside ``api_client``,
so the other tests of the session (and their ``prefect_harness``) see nothing of it.

The worker runs the ``backfill`` and then the ``nightly`` deployment against a served
sample portal, with two parsing processes, into one warehouse; the tests then read the
warehouse (the rows of each run), what the worker logged while each run went (the
parsing processes that took part) and the worker's whole log (no traceback, no warning,
no fallback to parsing in one process).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import duckdb
import httpx
import pytest

from sample_portal import PortalConfig, SampleArticle, SamplePortal

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.objects import State

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
POOL = "bulletin"
RUN_TIMEOUT = 180.0
EXIT_TIMEOUT = 30.0  # for a finished run's process (and its parsing processes) to end
PARSE_WORKERS = 2  # BULLETIN_PARSE_WORKERS of the worker: parsing processes per run

# The portal: 240 articles over the 60 days to END, 4 a day, newest first (index 0).
# The backfill asks for FIRST..LAST (80 articles); the source's start_date is
# NIGHTLY_FROM, so the first nightly run reaches back to it (Source.first_run_since)
# and takes the rest, to END (124 articles), whatever today is. The two windows do not
# meet, so each run's articles are its own whichever runs first, and every batch is
# far past the 8 pages under which a batch is parsed in the flow's own process
# (flows.ingest.parsing.MIN_POOL_JOBS). Each window holds a malformed and a missing
# page: 7 and 13 for the nightly run, 150 and 160 for the backfill.
PORTAL = PortalConfig(
    count=240, days=60, end=date(2026, 11, 20), malformed=(7, 150), missing=(13, 160)
)
FIRST, LAST = date(2026, 10, 1), date(2026, 10, 20)
NIGHTLY_FROM = date(2026, 10, 21)

# The line a run logs once per source (flows' ingest core): how many pages it parsed
# and in which parsing processes (those that parsed at least one page; not the flow's),
# "<source>: parsed N pages in K processes (pids P1, P2)", on its own or after the
# source's counts ("<source>: {...}; parsed N pages in ...").
PARSED = re.compile(
    r"(?P<source>[\w-]+): (?:\{[^\n]*\}; )?parsed (?P<pages>\d+) pages? in "
    r"(?P<processes>\d+) process(?:es)? \(pids? (?P<pids>[\d, ]*)\)"
)
# What must not be in the worker's log: a traceback (the worker's, a flow run's, a
# parsing process's), the warning of flows.ingest.parsing when the parsing processes
# cannot run and a run parses in its own process instead, a module that cannot be
# imported (flows/http.py once shadowed the standard library's http in the parsing
# processes), a broken process pool.
FORBIDDEN = (
    "Traceback",
    "parsing in one process",
    "No module named",
    "BrokenProcessPool",
)
# A warning or worse from our code: a run's logger (the flow and its tasks log through
# it, as "Flow run '<name>' - ..." or "Task run '<name>' - ..."), or a Python warning
# ("<file>:<line>: RuntimeWarning: ..."); and an error or worse from anyone.
WARNED = re.compile(
    r"\|\s*(?:WARNING|ERROR|CRITICAL)\s*\|\s*(?:Flow|Task) run '"
    r"|\|\s*(?:ERROR|CRITICAL)\s*\|"
    r"|\b[A-Z]\w*Warning: "
)


@dataclass(frozen=True)
class Server:
    api_url: str
    env: dict[str, str]  # for the CLI and the worker: this server, analytics off
    logs: Path


@dataclass(frozen=True)
class Worker:
    env: dict[str, str]
    log: Path
    db: Path
    portal: SamplePortal
    base_url: str


@dataclass(frozen=True)
class Ran:
    """A deployment run the worker took to its end."""

    id: UUID
    state: State
    log: str  # what the worker logged from the run's start to its process's end


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _isolated_env(**extra: str) -> dict[str, str]:
    """This process's environment less any PREFECT_* and BULLETIN_* setting, plus extra."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PREFECT_", "BULLETIN_"))
    }
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", **extra)
    return env


def _prefect(*args: str) -> list[str]:
    """A prefect CLI command run by this interpreter (the venv the project is installed in)."""
    return [sys.executable, "-m", "prefect", *args]


def _start(cmd: list[str], env: Mapping[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            cmd,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its children
        )


def _stop(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """Terminate the process group we started, then kill it if it lingers; and kill
    whatever of the group outlives its leader (a flow run's process, a fork server)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:  # the group is gone: the usual case
        pass


def _tail(path: Path, chars: int = 8000) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return f"--- {path.name} (last {chars} chars) ---\n{text[-chars:]}"


def _run(cmd: list[str], env: Mapping[str, str], cwd: Path) -> str:
    done = subprocess.run(
        cmd, cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=120, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(cmd[2:])} exited {done.returncode}:\n{output}"
    return output


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie, ended and not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


@contextmanager
def api_client(api_url: str) -> Iterator[SyncPrefectClient]:
    """A Prefect client of our server; the setting is restored on exit."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        yield client


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`prefect server start` on a free port with its own PREFECT_HOME (and SQLite DB)."""
    home = tmp_path_factory.mktemp("prefect-home")
    logs = tmp_path_factory.mktemp("logs")
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = _isolated_env(PREFECT_HOME=str(home), PREFECT_API_URL=api_url)
    log = logs / "server.log"
    proc = _start(
        _prefect("server", "start", "--host", "127.0.0.1", "--port", str(port)), env, home, log
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"the server exited {proc.returncode}\n{_tail(log)}"
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"the server did not answer\n{_tail(log)}"
            time.sleep(0.25)
        yield Server(api_url=api_url, env=env, logs=logs)
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def deployed(prefect_server: Server) -> Server:
    """The work pool created and every deployment of prefect.yaml deployed, as the README says."""
    env = {**prefect_server.env, "BULLETIN_HOME": str(ROOT)}
    _run(_prefect("work-pool", "create", POOL, "--type", "process"), env, ROOT)
    _run(_prefect("--no-prompt", "deploy", "--all"), env, ROOT)
    return prefect_server


@pytest.fixture(scope="module")
def worker(deployed: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    """A process worker of the pool, with BULLETIN_* pointing at a served sample portal
    and asking for PARSE_WORKERS parsing processes a run.

    The worker runs from an unrelated folder: only the pull step (BULLETIN_HOME) can take
    the flow runs to the project.
    """
    work = tmp_path_factory.mktemp("worker")
    portal = SamplePortal(PORTAL)
    with portal.serve() as base_url:
        sources = work / "sources.yaml"
        sources.write_text(
            "sources:\n"
            "  - name: sample\n"
            f"    base_url: {base_url}\n"
            "    profile: liferay-6.2\n"
            "    listings: [/tin-tuc-su-kien, /kinh-te, /van-hoa-xa-hoi]\n"
            f"    start_date: {NIGHTLY_FROM}\n"
            "    allow_private: true\n"
            "    rate: 0\n"
            "    retry_backoff: 0\n",
            encoding="utf-8",
        )
        db = work / "warehouse.duckdb"
        env = {
            **deployed.env,
            "BULLETIN_HOME": str(ROOT),
            "BULLETIN_DB": str(db),
            "BULLETIN_SOURCES": str(sources),
            "BULLETIN_PARSE_WORKERS": str(PARSE_WORKERS),
            "PREFECT_WORKER_QUERY_SECONDS": "1",  # pick runs up at once (default 10 s)
        }
        log = deployed.logs / "worker.log"
        proc = _start(_prefect("worker", "start", "--pool", POOL), env, work, log)
        try:
            yield Worker(env=env, log=log, db=db, portal=portal, base_url=base_url)
        finally:
            _stop(proc)


def _run_deployment(worker: Worker, api_url: str, name: str, *params: str) -> Ran:
    """`prefect deployment run NAME --param ...`, waited for until the run is final and
    the process the worker started for it has ended."""
    start = worker.log.stat().st_size
    args = [arg for param in params for arg in ("--param", param)]
    triggered = _run(_prefect("deployment", "run", name, *args), worker.env, ROOT)
    found = re.search(r"UUID: ([0-9a-f-]{36})", triggered)
    assert found, triggered
    run_id = UUID(found.group(1))

    deadline = time.monotonic() + RUN_TIMEOUT
    with api_client(api_url) as client:
        while True:
            flow_run = client.read_flow_run(run_id)
            state = flow_run.state
            if state is not None and state.is_final():
                break
            assert time.monotonic() < deadline, f"{name}: run still {state}\n{_tail(worker.log)}"
            time.sleep(0.5)
        # The worker may set the process's pid a moment after the run started.
        pid = flow_run.infrastructure_pid or client.read_flow_run(run_id).infrastructure_pid
    # Its last output (the end of its parsing processes included) is in the log once
    # the process has ended.
    if pid:
        deadline = time.monotonic() + EXIT_TIMEOUT
        while _alive(int(pid.rpartition(":")[2])):
            assert time.monotonic() < deadline, f"{name}: process {pid} still running"
            time.sleep(0.2)
    else:
        time.sleep(2)
    log = worker.log.read_bytes()[start:].decode("utf-8", errors="replace")
    return Ran(id=run_id, state=state, log=log)


@pytest.fixture(scope="module")
def ran(worker: Worker, deployed: Server) -> dict[str, Ran]:
    """The backfill deployment run over FIRST..LAST, then the nightly deployment run (a
    first run: it reaches back to the source's start_date), one after the other."""
    backfill = _run_deployment(
        worker,
        deployed.api_url,
        "backfill/backfill",
        "source=sample",
        f"date_from={FIRST}",
        f"date_to={LAST}",
    )
    nightly = _run_deployment(worker, deployed.api_url, "nightly/nightly")
    return {"backfill": backfill, "nightly": nightly}


@dataclass(frozen=True)
class Warehouse:
    first_seen: dict[str, datetime]  # article URL: when it was first saved
    runs: list[tuple[str, str, date | None, date | None, str, datetime, datetime, int]]


def _warehouse(db: Path) -> Warehouse:
    assert db.exists(), f"no warehouse at {db}"
    con = duckdb.connect(str(db), read_only=True)
    try:
        articles = con.execute("SELECT url, first_seen_at FROM articles").fetchall()
        runs = con.execute(
            "SELECT run_id, flow, date_from, date_to, status, started_at, finished_at, pid "
            "FROM runs ORDER BY started_at"
        ).fetchall()
    finally:
        con.close()
    return Warehouse(first_seen=dict(articles), runs=runs)


def _good_urls(worker: Worker, articles: list[SampleArticle]) -> set[str]:
    """The URLs of the articles whose page can be read (neither malformed nor missing)."""
    return {worker.base_url + a.path for a in articles if not (a.malformed or a.missing)}


def _expected(worker: Worker) -> dict[str, set[str]]:
    """The article URLs each run should save."""
    articles = worker.portal.articles
    expected = {
        "backfill": _good_urls(
            worker, [a for a in articles if FIRST <= a.published_at.date() <= LAST]
        ),
        "nightly": _good_urls(
            worker, [a for a in articles if a.published_at.date() >= NIGHTLY_FROM]
        ),
    }
    for flow in ("backfill", "nightly"):  # enough pages for the parsing processes
        assert len(expected[flow]) >= 60, (flow, len(expected[flow]))
    return expected


def _completed(ran: Ran, worker: Worker) -> None:
    assert ran.state.is_completed(), f"run ended {ran.state}\n{_tail(worker.log)}"


def test_the_deployments_of_prefect_yaml(deployed: Server) -> None:
    with api_client(deployed.api_url) as client:
        nightly = client.read_deployment_by_name("nightly/nightly")
        backfill = client.read_deployment_by_name("backfill/backfill")
        reparse = client.read_deployment_by_name("reparse/reparse")

    [schedule] = nightly.schedules
    assert schedule.active
    assert schedule.schedule.model_dump(include={"cron", "timezone"}) == {
        "cron": "0 2 * * *",
        "timezone": "Asia/Ho_Chi_Minh",
    }
    assert nightly.global_concurrency_limit is not None
    assert nightly.global_concurrency_limit.limit == 1

    for deployment in (nightly, backfill, reparse):
        assert deployment.work_pool_name == POOL
        # BULLETIN_HOME is read by the worker at run time, not frozen in by the deploy.
        assert deployment.pull_steps is not None
        assert str(ROOT) not in repr(deployment.pull_steps)
    assert backfill.schedules == reparse.schedules == []
    assert backfill.parameters == {}
    assert backfill.enforce_parameter_schema
    assert backfill.parameter_openapi_schema is not None
    assert set(backfill.parameter_openapi_schema["required"]) == {"source", "date_from", "date_to"}


@pytest.mark.parametrize("flow", ["backfill", "nightly"])
def test_a_worker_runs_the_deployment_into_duckdb(
    flow: str, ran: dict[str, Ran], worker: Worker
) -> None:
    """Each run saves the articles of its window, and only those (an article belongs to
    the run that was going when it was first saved)."""
    _completed(ran[flow], worker)
    warehouse = _warehouse(worker.db)
    [(started, finished)] = [
        (row[5], row[6]) for row in warehouse.runs if row[0] == str(ran[flow].id)
    ]
    saved = {url for url, seen in warehouse.first_seen.items() if started <= seen <= finished}
    assert saved == _expected(worker)[flow]


def test_the_runs_end_in_the_warehouse(ran: dict[str, Ran], worker: Worker) -> None:
    for one in ran.values():
        _completed(one, worker)
    warehouse = _warehouse(worker.db)
    assert [row[:5] for row in warehouse.runs] == [
        (str(ran["backfill"].id), "backfill", FIRST, LAST, "completed"),
        (str(ran["nightly"].id), "nightly", None, None, "completed"),
    ]
    expected = _expected(worker)
    assert set(warehouse.first_seen) == expected["backfill"] | expected["nightly"]


@pytest.mark.parametrize("flow", ["backfill", "nightly"])
def test_the_run_parses_in_several_processes(
    flow: str, ran: dict[str, Ran], worker: Worker
) -> None:
    """The run's line "sample: parsed N pages in K processes (pids ...)" names at least
    PARSE_WORKERS processes, neither the flow's own nor the worker's."""
    _completed(ran[flow], worker)
    log = ran[flow].log
    lines = [m for m in PARSED.finditer(log) if m["source"] == "sample"]
    context = f"--- what the worker logged during the {flow} run ---\n{log[-8000:]}"
    assert len(lines) == 1, f"{len(lines)} 'parsed ... in ... processes' lines\n{context}"
    [line] = lines
    pids = [int(pid) for pid in re.findall(r"\d+", line["pids"])]
    assert int(line["pages"]) >= 8, f"{line[0]}\n{context}"
    assert int(line["processes"]) >= PARSE_WORKERS, f"{line[0]}\n{context}"
    assert len(pids) == int(line["processes"]), f"{line[0]}\n{context}"
    assert len(set(pids)) == len(pids), f"{line[0]}\n{context}"
    [flow_pid] = [row[7] for row in _warehouse(worker.db).runs if row[0] == str(ran[flow].id)]
    assert flow_pid not in pids, f"{line[0]}: the flow's own process is {flow_pid}\n{context}"


def _context(lines: list[str], k: int) -> range:
    """The lines shown around line ``k``: three before and three after, and for a
    traceback, down to its exception (the first line past it that is not indented)."""
    end = min(len(lines), k + 4)
    if "Traceback" in lines[k]:
        end = next(
            (j + 1 for j in range(k + 1, len(lines)) if lines[j][:1] not in ("", " ")),
            len(lines),
        )
    return range(max(0, k - 3), end)


def test_the_worker_log_holds_no_traceback_and_no_warning(
    ran: dict[str, Ran], worker: Worker
) -> None:
    log = worker.log.read_text(encoding="utf-8", errors="replace")
    lines = log.splitlines()
    bad = [
        k
        for k, line in enumerate(lines)
        if any(word in line for word in FORBIDDEN) or WARNED.search(line)
    ]
    shown = [
        f"{k + 1:5d}{'>' if k in bad else ' '} {lines[k]}"
        for k in sorted({j for i in bad for j in _context(lines, i)})
    ]
    if len(shown) > 300:
        shown = [*shown[:300], f"... {len(shown) - 300} more lines"]
    assert not bad, f"{len(bad)} line(s) of the worker's log ({worker.log}):\n" + "\n".join(shown)
