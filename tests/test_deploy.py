"""The deployments of prefect.yaml on a real Prefect server, run by a real process worker.

Everything here runs in subprocesses (server, CLI, worker) with an environment of its
own; the Prefect settings of this test process are touched only inside ``api_client``,
so the other tests of the session (and their ``prefect_harness``) see nothing of it.
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
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import duckdb
import httpx
import pytest

from sample_portal import PortalConfig, SamplePortal

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
POOL = "bulletin"
FIRST, LAST = date(2026, 10, 1), date(2026, 10, 20)
RUN_TIMEOUT = 180.0


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
    """Terminate the process group we started, then kill it if it lingers."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


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
    """A process worker of the pool, with BULLETIN_* pointing at a served sample portal.

    The worker runs from an unrelated folder: only the pull step (BULLETIN_HOME) can take
    the flow runs to the project.
    """
    work = tmp_path_factory.mktemp("worker")
    portal = SamplePortal(PortalConfig(count=60, end=date(2026, 11, 20)))
    with portal.serve() as base_url:
        sources = work / "sources.yaml"
        sources.write_text(
            "sources:\n"
            "  - name: sample\n"
            f"    base_url: {base_url}\n"
            "    profile: liferay-6.2\n"
            "    listings: [/tin-tuc-su-kien, /kinh-te, /van-hoa-xa-hoi]\n"
            "    start_date: 2026-01-01\n"
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
            "PREFECT_WORKER_QUERY_SECONDS": "1",  # pick runs up at once (default 10 s)
        }
        log = deployed.logs / "worker.log"
        proc = _start(_prefect("worker", "start", "--pool", POOL), env, work, log)
        try:
            yield Worker(env=env, log=log, db=db, portal=portal, base_url=base_url)
        finally:
            _stop(proc)


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


def test_a_worker_runs_the_backfill_deployment_into_duckdb(
    worker: Worker, deployed: Server
) -> None:
    triggered = _run(
        _prefect(
            "deployment",
            "run",
            "backfill/backfill",
            "--param",
            "source=sample",
            "--param",
            f"date_from={FIRST}",
            "--param",
            f"date_to={LAST}",
        ),
        worker.env,
        ROOT,
    )
    found = re.search(r"UUID: ([0-9a-f-]{36})", triggered)
    assert found, triggered
    run_id = UUID(found.group(1))

    deadline = time.monotonic() + RUN_TIMEOUT
    with api_client(deployed.api_url) as client:
        while True:
            state = client.read_flow_run(run_id).state
            if state is not None and state.is_final():
                break
            assert time.monotonic() < deadline, f"run still {state}\n{_tail(worker.log)}"
            time.sleep(0.5)
    assert state.is_completed(), f"run ended {state}\n{_tail(worker.log)}"

    in_range = [a for a in worker.portal.articles if FIRST <= a.published_at.date() <= LAST]
    good = {worker.base_url + a.path for a in in_range if not (a.malformed or a.missing)}
    assert good
    con = duckdb.connect(str(worker.db), read_only=True)
    try:
        stored = {row[0] for row in con.execute("SELECT url FROM articles").fetchall()}
        runs = con.execute("SELECT flow, date_from, date_to, status FROM runs").fetchall()
    finally:
        con.close()
    assert stored == good
    assert runs == [("backfill", FIRST, LAST, "completed")]
