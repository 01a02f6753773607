"""The fault matrix: each fault the sample portal can show, against real nightly runs.

    python -m bench.fault_matrix [--keep DIR]

For each fault, a fresh warehouse and a fresh sample portal on 127.0.0.1, two article
pages (or robots.txt) hit by the fault, and two nightly runs (real Prefect flows). One
row per fault: pages expected, ingested (with the right title), failed (in ``failures``,
or unseen on a day the ledger leaves failed, as when a listing page fails), garbled
(stored with a wrong title) and lost (in neither table, on a day the ledger holds as
done), after each run. A run also checks that no other listed page was lost.

Transient faults must end ingested after the second run; none may lose a page.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from extractors.dates import DEFAULT_TIMEZONE
from sample_portal import Fault, PortalConfig, SamplePortal
from sample_portal import faults as kinds

PAGES_PER_FAULT = 2
PORTAL = PortalConfig(count=40, end=date(2026, 11, 20))
# Articles far apart in crawl order, so a fault's retries do not run side by side.
TARGETS = ((3, 27), (5, 29), (6, 30), (9, 33), (10, 34), (11, 35), (12, 36), (14, 37))

SOURCES = """\
sources:
  - name: sample
    base_url: {base_url}
    profile: liferay-6.2
    listings: [/tin-tuc-su-kien, /kinh-te, /van-hoa-xa-hoi]
    start_date: 2026-01-01
    allow_private: true
    rate: 0
    concurrency: 2
    retry_backoff: 0
    timeouts: {{connect: 2, read: 1, total: 2}}
"""


@dataclass(frozen=True, slots=True)
class Case:
    """One row: a fault, set on the pages ``path``, and whether it passes with time."""

    name: str
    transient: bool
    arm: Callable[[SamplePortal, str], None]


def fault(**settings: object) -> Callable[[SamplePortal, str], None]:
    def arm(portal: SamplePortal, path: str) -> None:
        portal.faults.add(Fault(prefix=path, **settings))  # type: ignore[arg-type]

    return arm


def robots(**settings: object) -> Callable[[SamplePortal, str], None]:
    """A fault on robots.txt (the same one whichever page it is armed for)."""

    def arm(portal: SamplePortal, path: str) -> None:
        portal.faults.add_once(Fault(prefix="/robots.txt", **settings))  # type: ignore[arg-type]

    return arm


def disallow(portal: SamplePortal, path: str) -> None:
    portal.faults.disallow(path)


CASES = (
    Case("500 burst (2 then OK)", True, fault(status=500, times=2)),
    Case("429 with Retry-After 1 s", True, fault(status=429, retry_after=1, times=1)),
    Case("503 outage (a whole run)", True, fault(status=503, times=3)),
    Case("slow body (over the total timeout)", True, fault(kind=kinds.SLOW, delay=0.05, times=3)),
    Case("no answer (read timeout)", True, fault(delay=1.5, times=3)),
    Case("connection reset (twice)", True, fault(kind=kinds.RESET, times=2)),
    Case("truncated body (once)", True, fault(kind=kinds.TRUNCATE, times=1)),
    Case("empty 200 (once)", True, fault(kind=kinds.EMPTY, times=1)),
    Case("wrong declared charset", False, fault(kind=kinds.WRONG_CHARSET)),
    Case("redirect loop", False, fault(kind=kinds.REDIRECT_LOOP)),
    Case("off-site redirect", False, fault(kind=kinds.OFFSITE)),
    Case("redirect to another port", False, fault(kind=kinds.OTHER_PORT)),
    Case("20 MB page", False, fault(kind=kinds.HUGE)),
    Case("gzip bomb", False, fault(kind=kinds.GZIP_BOMB)),
    Case("non-HTML body", False, fault(kind=kinds.NOT_HTML)),
    Case("robots.txt disallow", False, disallow),
    # Soft errors and cut bodies: a failure, retried, never an article.
    Case("200 maintenance page (once)", True, fault(kind=kinds.MAINTENANCE, times=1)),
    Case("200 login wall (once)", True, fault(kind=kinds.LOGIN_WALL, times=1)),
    Case("cut, no Content-Length (once)", True, fault(kind=kinds.CUT_BY_CLOSE, times=1)),
    Case("cut chunked stream (once)", True, fault(kind=kinds.CUT_CHUNKED, times=1)),
    Case("10 invalid UTF-8 bytes", False, fault(kind=kinds.INVALID_BYTES)),
    Case("20,000 nested divs", False, fault(kind=kinds.DEEP)),
    # robots.txt goes through the guard, within a cap and the total timeout (RFC 9309).
    Case("robots.txt 503 (once)", True, robots(status=503, times=1)),
    Case("robots.txt trickle (once)", True, robots(kind=kinds.SLOW, delay=1.5, times=1)),
    Case("robots.txt off-site redirect", False, robots(kind=kinds.OFFSITE)),
    Case("robots.txt 20 MB", False, robots(kind=kinds.HUGE)),
    Case("robots.txt gzip bomb", False, robots(kind=kinds.GZIP_BOMB)),
)


@dataclass(frozen=True, slots=True)
class Tally:
    """Where the faulted pages are after one run."""

    ingested: int
    failed: int
    garbled: int
    lost: int
    others_lost: int  # listed pages without a fault that are in neither table


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    transient: bool
    expected: int
    first: Tally
    second: Tally
    reasons: tuple[str, ...]  # the failure reasons after the first run
    seconds: float

    @property
    def ok(self) -> bool:
        no_loss = all(t.lost == 0 and t.others_lost == 0 for t in (self.first, self.second))
        return (
            no_loss
            and self.first.garbled == 0
            and self.second.garbled == 0
            and (not self.transient or self.second.ingested == self.expected)
        )


def run_matrix(
    workdir: Path,
    run: Callable[[str, str], object],
    cases: tuple[Case, ...] = CASES,
    progress: Callable[[Row], None] | None = None,
) -> list[Row]:
    """Run each case in its own warehouse; ``run(db, sources_file)`` is one nightly run."""
    rows = []
    for index, case in enumerate(cases):
        targets = TARGETS[index % len(TARGETS)]
        row = _run_case(workdir / f"case-{index:02d}", case, targets, run)
        rows.append(row)
        if progress is not None:
            progress(row)
    return rows


def _run_case(
    folder: Path, case: Case, targets: tuple[int, ...], run: Callable[[str, str], object]
) -> Row:
    folder.mkdir(parents=True, exist_ok=True)
    portal = SamplePortal(PORTAL)
    chosen = [portal.article(i) for i in targets]
    assert not any(a.missing or a.malformed for a in chosen), "targets must be good articles"
    started = time.perf_counter()
    with portal.serve() as base_url:
        sources = folder / "sources.yaml"
        sources.write_text(SOURCES.format(base_url=base_url), encoding="utf-8")
        db = str(folder / "warehouse.duckdb")
        for article in chosen:
            case.arm(portal, article.path)
        want = {base_url + a.path: a.title for a in chosen}
        listed = {base_url + a.path: _day(a.published_at) for a in portal.articles}
        run(db, str(sources))
        first, reasons = _tally(db, want, listed)
        run(db, str(sources))
        second, _ = _tally(db, want, listed)
    return Row(
        case.name,
        case.transient,
        len(want),
        first,
        second,
        reasons,
        time.perf_counter() - started,
    )


def _day(when: datetime) -> date:
    return when.astimezone(ZoneInfo(DEFAULT_TIMEZONE)).date()


def _tally(db: str, want: dict[str, str], listed: dict[str, date]) -> tuple[Tally, tuple[str, ...]]:
    """Where the pages are: a page in neither articles nor failures is lost only if the
    ledger holds its day as done (a listing page that failed leaves its days failed, for
    the next run to walk again); otherwise it counts as failed."""
    con = duckdb.connect(db, read_only=True)
    try:
        titles = dict(con.execute("SELECT url, title FROM articles").fetchall())
        failures = dict(con.execute("SELECT url, reason FROM failures").fetchall())
        done = {
            d
            for (d,) in con.execute(
                "SELECT day FROM partitions WHERE status = 'success'"
            ).fetchall()
        }
    finally:
        con.close()

    def missing(url: str) -> bool:
        return url not in titles and url not in failures and listed[url] in done

    ingested = sum(1 for url, title in want.items() if titles.get(url) == title)
    garbled = sum(1 for url, title in want.items() if url in titles and titles[url] != title)
    failed = sum(1 for url in want if url not in titles and not missing(url))
    lost = sum(1 for url in want if missing(url))
    others = sum(1 for url in listed.keys() - want.keys() if missing(url))
    reasons = tuple(sorted({failures[u] for u in want if u in failures}))
    return Tally(ingested, failed, garbled, lost, others), reasons


HEADER = (
    "| fault | kind | expected | run 1: ingested / failures / lost "
    "| run 2: ingested / failures / lost | other pages lost | s |"
)


def format_rows(rows: list[Row]) -> str:
    lines = [HEADER, "|---|---|---|---|---|---|---|"]
    for r in rows:
        one, two = r.first, r.second
        lines.append(
            f"| {r.name} | {'transient' if r.transient else 'permanent'} | {r.expected} "
            f"| {one.ingested} / {one.failed} / {one.lost} "
            f"| {two.ingested} / {two.failed} / {two.lost} "
            f"| {one.others_lost + two.others_lost} | {r.seconds:.1f} |"
        )
    return "\n".join(lines)


@contextmanager
def _prefect() -> Iterator[None]:
    """A temporary Prefect API for the runs, as the test suite uses."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


def nightly_run(db: str, sources_file: str) -> object:
    from flows.nightly import nightly

    # A run whose pages all failed (robots.txt unreachable) ends Failed: the matrix
    # reads the warehouse either way.
    return nightly(sources=["sample"], db=db, sources_file=sources_file, return_state=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fault_matrix", description=__doc__)
    parser.add_argument("--keep", type=Path, help="keep the warehouses in this folder")
    args = parser.parse_args(argv)

    def progress(row: Row) -> None:
        status = "ok" if row.ok else "FAILED"
        print(f"  {row.name}: {status} ({row.seconds:.1f} s)", file=sys.stderr, flush=True)

    with _prefect(), tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        rows = run_matrix(workdir, nightly_run, progress=progress)
    print(format_rows(rows))
    for row in rows:
        print(f"- {row.name}: " + ("; ".join(row.reasons) or "no failure"))
    bad = [r.name for r in rows if not r.ok]
    if bad:
        print(f"FAILED: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
