"""Reparse: pages/s re-extracting an archive on one worker process and on two.

    python -m bench.reparse [--pages 10000] [--quick] [--rounds 1] [--unchanged]

Builds a warehouse of ``--pages`` archived article pages without a crawl: each page of a
sample portal (max(90, N // 20) days up to 2026-11-20) is rendered in-process, extracted,
and saved as a crawl saves it (``save_bodies``, ``save_pages``, ``save_rows``,
``record_failures``). By default every stored article's ``content_hash`` is then made
stale, as after an extractor upgrade that changes every article, so that a reparse
rewrites each one; ``--unchanged`` keeps them, and a reparse only compares.

Each run gets a fresh copy of that file and calls ``flows.ingest.reparse.reparse(con,
sources_file=..., workers=W)`` for W = 1 and 2 in this process, timed from the call to
its return (the parsing pool's start-up included; the pool is closed after each run). With
``--rounds`` above 1 the order alternates and medians are reported. Target: two workers
at least 1.7 x the pages/s of one.

Each run's time is also split by the functions ``flows.ingest.reparse`` calls (wrapped
with timers for the run, without editing it): reading the archive (``archived_pages``),
parsing (``Parser.submit`` and the wait for its ``result()``) and saving (``save_rows``,
``record_failures``). With one worker, parsing is the parse itself, in this process;
with two, it is only the time this process waits for the workers, which parse the next
batch while it reads and saves. From the one-worker split, Amdahl's law gives the best
speed-up two workers could reach on two free cores if reading and saving did not overlap
the parse; since they do, the bound is 2 x, less the pool's start-up and the pickling.
CPU / wall shows what the process tree got: on this shared machine the kernel's
autogroup scheduling gives each session an equal share, so while another session keeps a
core busy, all of this benchmark's processes together get about one core.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.portal_process import portal_config, tree_cpu_seconds, write_sources
from sample_portal import SamplePortal
from sample_portal.routes import respond

BASE_URL = "http://127.0.0.1:8765"
SOURCE = "sample"
PROFILE = "liferay-6.2"
BUILD_BATCH = 500


def build(db: Path, portal: SamplePortal) -> dict[str, int]:
    """Render, extract and save every article page of ``portal`` into ``db``."""
    from extractors.dates import DEFAULT_TIMEZONE
    from flows.ingest.parsing import ParseJob, Parser, default_workers
    from storage.records import Failure, Page
    from storage.warehouse import (
        connect,
        record_failures,
        save_bodies,
        save_pages,
        save_rows,
    )

    host = BASE_URL.split("//", 1)[1]
    tally = {"pages": 0, "articles": 0, "failures": 0, "not served": 0}
    con = connect(db)
    parser = Parser(default_workers())
    try:
        for start in range(0, portal.count, BUILD_BATCH):
            now = datetime.now(UTC)
            bodies: dict[str, bytes] = {}
            pages: list[Page] = []
            jobs: list[ParseJob] = []
            for index in range(start, min(start + BUILD_BATCH, portal.count)):
                path = portal.article(index).path
                response = respond(portal, path, host)
                if response.status != 200:
                    tally["not served"] += 1
                    continue
                url, body = BASE_URL + path, response.body
                digest = hashlib.sha256(body).hexdigest()
                bodies[digest] = body
                pages.append(
                    Page(url, SOURCE, "article", 200, now, len(body), digest, response.content_type)
                )
                jobs.append(ParseJob(url, body, response.content_type, PROFILE, DEFAULT_TIMEZONE))
            parsed = parser.parse(jobs)
            failures = [
                Failure(job.url, SOURCE, "extract", error, 200)
                for job, error in zip(jobs, parsed.errors, strict=True)
                if error is not None
            ]
            save_bodies(con, bodies)
            save_pages(con, pages)
            save_rows(con, SOURCE, parsed.rows)
            record_failures(con, failures)
            tally["pages"] += len(pages)
            tally["articles"] += len(parsed.rows)
            tally["failures"] += len(failures)
    finally:
        con.close()
        parser.close()
    return tally


def make_stale(db: Path) -> None:
    """Every article's content hash wrong, so that a reparse rewrites each one."""
    from storage.warehouse import connect

    con = connect(db)
    try:
        con.execute("UPDATE articles SET content_hash = 'stale'")
    finally:
        con.close()


def has_workers() -> bool:
    from flows.ingest.reparse import reparse

    return "workers" in inspect.signature(reparse).parameters


PHASES = {
    "archived_pages": "read archive",
    "Parser.submit": "parse",  # and the result() of what it returns: see TimedParsing
    "save_rows": "save",
    "save_articles": "save",  # before save_rows
    "record_failures": "save",
}


def timed(fn: Callable[..., Any], phase: str, seconds: dict[str, float]) -> Callable[..., Any]:
    """``fn``, adding the seconds of each call to ``seconds[phase]``."""

    def call(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            seconds[phase] = seconds.get(phase, 0.0) + time.perf_counter() - started

    return call


class TimedParsing:
    """What ``Parser.submit`` returned, its ``result()`` (the wait) timed as parsing too."""

    def __init__(self, parsing: Any, seconds: dict[str, float]) -> None:
        self.result = timed(parsing.result, "parse", seconds)


@contextmanager
def timed_phases() -> Iterator[dict[str, float]]:
    """Wrap the functions ``flows.ingest.reparse`` calls with timers for a block; yields the
    seconds by phase."""
    import flows.ingest.reparse as module

    seconds: dict[str, float] = {}
    originals: dict[str, Callable[..., Any]] = {}

    def owner_of(name: str) -> tuple[Any, str]:
        """The object that holds ``name`` ("Parser.submit": the class) and the attribute."""
        if "." not in name:
            return module, name
        cls, attr = name.split(".", 1)
        return getattr(module, cls), attr

    def wrap(name: str, phase: str) -> Callable[..., Any]:
        owner, attr = owner_of(name)
        original = originals[name] = getattr(owner, attr)
        call = timed(original, phase, seconds)
        if name != "Parser.submit":
            return call
        return lambda *args, **kwargs: TimedParsing(call(*args, **kwargs), seconds)

    for name, phase in PHASES.items():
        owner, attr = (
            owner_of(name) if "." not in name or hasattr(module, name.split(".")[0]) else (None, "")
        )
        if owner is not None and hasattr(owner, attr):
            setattr(owner, attr, wrap(name, phase))
    try:
        yield seconds
    finally:
        for name, original in originals.items():
            owner, attr = owner_of(name)
            setattr(owner, attr, original)


@dataclass(frozen=True, slots=True)
class Run:
    workers: int
    seconds: float
    cpu: float
    counts: dict[str, int]
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def pages_per_s(self) -> float:
        return self.counts["pages"] / self.seconds


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        own.ru_utime
        + own.ru_stime
        + reaped.ru_utime
        + reaped.ru_stime
        + tree_cpu_seconds(os.getpid())
    )


def run_once(base: Path, workdir: Path, sources: Path, workers: int) -> Run:
    """``reparse(db, workers=workers)`` on a fresh copy of ``base``."""
    from dataclasses import asdict

    from flows.ingest.reparse import reparse
    from storage.packs import copy_warehouse

    db = workdir / f"run-w{workers}.duckdb"
    copy_warehouse(base, db)
    try:
        kwargs: dict[str, Any] = {"sources_file": str(sources)}
        if has_workers():
            kwargs["workers"] = workers
        cpu_before = _cpu()
        with timed_phases() as phases:
            started = time.perf_counter()
            counts = reparse(db, **kwargs)
            seconds = time.perf_counter() - started
        cpu = _cpu() - cpu_before  # the parser's workers were reaped when it closed
    finally:
        db.unlink(missing_ok=True)
        shutil.rmtree(f"{db}.raw", ignore_errors=True)
    return Run(workers, seconds, cpu, asdict(counts), dict(phases))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reparse", description=__doc__)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="1000 pages")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each (default 1)")
    parser.add_argument(
        "--unchanged", action="store_true", help="keep the stored articles as extracted"
    )
    parser.add_argument("--keep", type=Path, help="keep the base warehouse here")
    args = parser.parse_args(argv)
    count = 1000 if args.quick else args.pages
    two_workers = has_workers()

    portal = SamplePortal(portal_config(count))
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-reparse-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        base = workdir / "base.duckdb"
        base.unlink(missing_ok=True)
        shutil.rmtree(f"{base}.raw", ignore_errors=True)
        sources = write_sources(workdir / "sources.yaml", BASE_URL, portal)
        print(f"building a warehouse of {count} archived pages ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        built = build(base, portal)
        if not args.unchanged:
            make_stale(base)
        print(f"  built in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        order = [1, 2] if two_workers else [1]
        for round_ in range(args.rounds):
            for workers in order if round_ % 2 == 0 else order[::-1]:
                print(f"reparse, workers={workers} ...", file=sys.stderr, flush=True)
                runs.append(run_once(base, workdir, sources, workers))
                print(f"  {runs[-1].seconds:.1f} s", file=sys.stderr, flush=True)

    print(
        f"Warehouse: {built['pages']} archived article pages ({built['articles']} articles, "
        f"{built['failures']} extraction failures) of a {count}-article sample portal; "
        f"stored articles {'unchanged' if args.unchanged else 'all stale (every one rewritten)'}"
        f"; {args.rounds} round(s), {os.cpu_count()} cores.\n"
    )
    print(
        "| workers | pages | updated | unchanged | failed | s (median) | pages/s "
        "| CPU s | CPU / wall |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    medians: dict[int, float] = {}
    for workers in (1, 2):
        mine = [r for r in runs if r.workers == workers]
        if not mine:
            print(f"| {workers} | pending | | | | | | | |")
            continue
        seconds = statistics.median(r.seconds for r in mine)
        cpu = statistics.median(r.cpu for r in mine)
        c = mine[0].counts
        medians[workers] = c["pages"] / seconds
        print(
            f"| {workers} | {c['pages']} | {c['updated']} | {c['unchanged']} | {c['failed']} "
            f"| {seconds:.1f} | {medians[workers]:.1f} | {cpu:.1f} | {cpu / seconds:.2f} |"
        )
    if 1 in medians and 2 in medians:
        speedup = medians[2] / medians[1]
        verdict = "met" if speedup >= 1.7 else "MISSED"
        print(f"\nSpeed-up, 2 workers / 1: **{speedup:.2f} x** (target >= 1.7: {verdict})")
    else:
        print("\nSpeed-up: pending (flows.ingest.reparse.reparse has no `workers` parameter yet)")
    print("\nWhere each run's time went (s; timers around the functions reparse calls):\n")
    print("| workers | read archive | parse | save | other | total |")
    print("|---|---|---|---|---|---|")
    for r in runs:
        known = sum(r.phases.values())
        cells = " | ".join(f"{r.phases.get(p, 0.0):.1f}" for p in ("read archive", "parse", "save"))
        print(f"| {r.workers} | {cells} | {r.seconds - known:.1f} | {r.seconds:.1f} |")
    one = [r for r in runs if r.workers == 1]
    if one:
        total = statistics.median(r.seconds for r in one)
        parse = statistics.median(r.phases.get("parse", 0.0) for r in one)
        bound = total / (total - parse + parse / 2)
        print(
            f"\nFrom the one-worker split: parsing is {100 * parse / total:.0f} % of its time; "
            f"with reading and saving after each batch's parse, two workers on two free cores "
            f"would reach at most {bound:.2f} x (Amdahl). They overlap the parse, so the bound "
            f"is 2 x, less the pool's start-up and the pickling of pages and articles."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
