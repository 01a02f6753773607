"""A reparse lets readers in: it holds the warehouse only in short writes, so a query
opened as `bulletin sql` opens it (``connect(query_only=True)`` and ``run_query``, in a
process of its own) answers between its batches, sees each batch whole, and the reparse
saves what it saves with no reader about."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import flows.ingest.reparse as module
from flows.ingest.parsing import ParseJob, parse_all
from flows.ingest.reparse import ReparseCounts, reparse
from sample_portal import PortalConfig, SamplePortal
from sample_portal.render import article_page
from storage.packs import copy_warehouse
from storage.records import Page
from storage.warehouse import connect, save_bodies, save_pages, save_rows
from tests.test_reparse import tables_of

ROOT = Path(__file__).resolve().parents[1]
BASE = "http://p.test"
ARTICLES = 200  # portal articles; those the portal serves are archived and stored
BATCH = 20  # pages per reparse batch here
WAIT = 60.0  # seconds a batch waits for the reader before the test fails: a safety net
TIMES = {"articles": "EXCLUDE (first_seen_at, updated_at)"}
TABLES = ("articles", "figures", "attachments", "stats", "doc_refs", "people", "failures")

# The reader: `bulletin sql` in a loop, in a process of its own, until the stop file is
# there. Each answer is a line: "ok <articles rewritten> <articles>", or "busy <why>"
# when the warehouse stayed shut past connect's wait (READ_WAIT, 5 s).
READER = """
import os, sys, time
from storage.errors import StorageError
from storage.warehouse import connect, run_query

db, stop = sys.argv[1], sys.argv[2]
SQL = "SELECT count(*) FILTER (WHERE content_hash <> 'stale'), count(*) FROM articles"
while not os.path.exists(stop):
    try:
        con = connect(db, query_only=True)
    except StorageError as exc:
        print("busy", str(exc).splitlines()[0], flush=True)
        continue
    try:
        fresh, total = run_query(con, SQL).fetchall()[0]
    finally:
        con.close()
    print("ok", fresh, total, flush=True)
    time.sleep(0.01)
"""


@pytest.fixture(scope="module")
def stale(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[Any]]]:
    """A warehouse of a portal's archived article pages, each stored article then made
    stale (as after an extractor upgrade); and its tables as first extracted, which a
    reparse must bring back."""
    portal = SamplePortal(PortalConfig(count=ARTICLES, end=date(2026, 11, 20)))
    pages = {
        BASE + a.path: article_page(a, BASE + a.path, portal.related(a)).encode()
        for a in portal.articles
        if not a.missing
    }
    db = tmp_path_factory.mktemp("readers") / "base.duckdb"
    now = datetime.now(UTC)
    digests = {url: hashlib.sha256(body).hexdigest() for url, body in pages.items()}
    jobs = [
        ParseJob(url, body, "text/html", "liferay-6.2", "Asia/Ho_Chi_Minh")
        for url, body in pages.items()
    ]
    con = connect(db)
    try:
        save_bodies(con, {digests[url]: body for url, body in pages.items()})
        save_pages(
            con,
            [
                Page(url, "sample", "article", 200, now, len(body), digests[url], "text/html")
                for url, body in pages.items()
            ],
        )
        save_rows(con, "sample", parse_all(jobs).rows)
    finally:
        con.close()
    extracted = tables_of(db)
    con = connect(db)
    try:
        con.execute("UPDATE articles SET content_hash = 'stale'")
    finally:
        con.close()
    return db, extracted


@dataclass
class Reader:
    """The reader's answers as they come: (fresh, total) for each "ok", or the line."""

    process: subprocess.Popen[str]
    answers: list[tuple[int, int] | str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            word, *rest = line.split()
            answer: tuple[int, int] | str = (
                (int(rest[0]), int(rest[1])) if word == "ok" else line.strip()
            )
            with self.changed:
                self.answers.append(answer)
                self.changed.notify_all()

    def wait_for(self, seen: Callable[[list[tuple[int, int] | str]], bool], what: str) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: seen(self.answers), timeout=WAIT):
                raise AssertionError(f"no reader got in {what}: answers {self.answers}")


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[Callable[[Path], Reader]]:
    """Starts the reader on a warehouse; stops it (and checks it ended well) after."""
    stop = tmp_path / "stop"
    started: list[tuple[Reader, threading.Thread]] = []

    def start(db: Path) -> Reader:
        process = subprocess.Popen(
            [sys.executable, "-c", READER, str(db), str(stop)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        found = Reader(process)
        thread = threading.Thread(target=found.collect, daemon=True)
        thread.start()
        started.append((found, thread))
        return found

    yield start
    stop.touch()
    for found, thread in started:
        try:
            assert found.process.wait(timeout=WAIT) == 0
        finally:
            if found.process.poll() is None:
                found.process.kill()
                found.process.wait()
        thread.join(timeout=WAIT)


def test_bulletin_sql_answers_between_the_batches_of_a_reparse(
    stale: tuple[Path, dict[str, list[Any]]],
    reader: Callable[[Path], Reader],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At each batch but the last, the reparse waits (outside its writes) until the
    reader, which knows nothing of it, has read the articles that batch rewrote. Held
    for the whole reparse, as it once was, the warehouse let no reader in until the end,
    and the first batch would wait for it forever (WAIT, then fail)."""
    base, extracted = stale
    db = tmp_path / "w.duckdb"
    copy_warehouse(base, db)
    monkeypatch.setattr(module, "BATCH_SIZE", BATCH)
    found = reader(db)
    found.wait_for(lambda answers: len(answers) > 0, "before the reparse")
    progress: list[tuple[int, int]] = []

    def seen_by_reader(done: int, total: int) -> None:
        progress.append((done, total))
        if done < total:
            found.wait_for(
                lambda answers: (done, total) in answers, f"after {done} of {total} pages"
            )

    counts = reparse(db, workers=2, progress=seen_by_reader)

    total = len(extracted["articles"])
    assert counts == ReparseCounts(
        pages=total, updated=total, unchanged=0, new=0, failed=0, missing=0
    )
    boundaries = list(range(BATCH, total, BATCH))
    assert progress == [(done, total) for done in [*boundaries, total]]
    with found.changed:
        answers = list(found.answers)
    assert all(isinstance(a, tuple) for a in answers), answers  # none waited past 5 s
    fresh = [a[0] for a in answers if isinstance(a, tuple)]
    # Every answer saw whole batches, in order, and one came between each two batches:
    # at least 3 reads strictly between the first batch and the last.
    assert fresh == sorted(fresh)
    assert set(fresh) <= {0, *boundaries, total}
    assert set(boundaries) <= set(fresh) and len(boundaries) >= 3
    assert tables_of(db) == extracted  # what a reparse with no reader saves
