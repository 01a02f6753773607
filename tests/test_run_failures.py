"""A run in which every source fails says so: the flow ends Failed, ``bulletin ingest``
exits 1 naming each source with its reason, and the ``runs`` row's status is ``failed``.
Every source here points at a port where nothing listens (connection refused)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from bulletin.errors import SourcesFailed

pytestmark = pytest.mark.slow

NAMES = ("east", "west")


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (bound, then let go)."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def refusing_sources(tmp_path: Path) -> tuple[Path, str]:
    base_url = f"http://127.0.0.1:{closed_port()}"
    entries = "".join(
        f"  - name: {name}\n"
        f"    base_url: {base_url}\n"
        f"    listings: [/{name}]\n"
        "    allow_private: true\n"
        "    obey_robots: false\n"
        "    rate: 0\n"
        "    retry_backoff: 0\n"
        for name in NAMES
    )
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n" + entries, encoding="utf-8")
    return path, base_url


def expected_reasons(base_url: str) -> list[str]:
    return [
        f"  {name}: all 1 pages failed: listing {base_url}/{name}: "
        "connection error (ConnectError: [Errno 111] Connection refused) after 3 attempts"
        for name in NAMES
    ]


def runs_of(db: Path) -> list[tuple[str, str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT flow, status, message FROM runs").fetchall()
    finally:
        con.close()


def test_the_nightly_flow_ends_failed_when_every_source_is_refused(
    prefect_harness: None, tmp_path: Path
) -> None:
    from flows.nightly import nightly

    sources, base_url = refusing_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    with pytest.raises(SourcesFailed) as info:
        nightly(db=str(db), sources_file=str(sources))
    assert str(info.value).splitlines() == ["every source failed:", *expected_reasons(base_url)]
    message = "; ".join(line.strip() for line in expected_reasons(base_url))
    assert runs_of(db) == [("nightly", "failed", message)]


def test_bulletin_ingest_exits_1_and_names_each_source(tmp_path: Path) -> None:
    sources, base_url = refusing_sources(tmp_path)
    db = tmp_path / "w.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BULLETIN_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bulletin.cli",
            "ingest",
            "--db",
            str(db),
            "--sources",
            str(sources),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    start = lines.index("bulletin ingest: every source failed:")
    assert lines[start + 1 : start + 3] == expected_reasons(base_url), done.stderr
    assert "Traceback" not in done.stderr
    assert [(flow, status) for flow, status, _ in runs_of(db)] == [("nightly", "failed")]
