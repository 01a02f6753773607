"""Reparse: re-extract stored articles from the raw archive, with no network.

This is how an upgrade of the extractors reaches the warehouse: each archived page is
extracted again, and only the articles whose output changed are rewritten (with their
figures, attachments, stats, documents and people). Pages whose extraction failed
before are tried again too; since nothing is fetched, a failure's attempts and next
retry stay as they are. No Prefect here: ``flows.reparse`` wraps it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import duckdb

from extractors.limits import DEFAULT_PARSE_TIMEOUT
from flows.ingest.parsing import ParseJob, Parsing, default_workers, submit_all
from flows.ingest.steps import chunks
from flows.sources import DEFAULT_TIMEZONE, Source, SourcesError, load_sources
from storage.records import Failure, LoadCounts
from storage.warehouse import archived_pages, record_reparse_failures, save_rows

BATCH_SIZE = 200


@dataclass(frozen=True, slots=True)
class ReparseCounts:
    """What a reparse did: pages read from the archive, and what changed."""

    pages: int
    updated: int
    unchanged: int
    new: int
    failed: int
    missing: int  # article pages with no archived body


def reparse(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str | None = None,
    since: date | None = None,
    sources_file: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> ReparseCounts:
    """Re-extract the archived pages of stored articles (and of failed extractions), on
    ``workers`` processes (default: one per core).

    Batches overlap: while the processes parse one batch, this thread reads the next
    one's archived pages and saves the one before."""
    workers = workers or default_workers()
    profiles = _source_settings(sources_file)
    rows = _pages_to_reparse(con, source, since)
    tally = _Tally()
    pending: _Batch | None = None
    for pairs in chunks(rows, BATCH_SIZE):
        batch = _start(con, pairs, profiles, workers)
        if pending is not None:
            _finish(con, pending, tally, progress, len(rows))
        pending = batch
    if pending is not None:
        _finish(con, pending, tally, progress, len(rows))
    return tally.counts()


def _pages_to_reparse(
    con: duckdb.DuckDBPyConnection, source: str | None, since: date | None
) -> list[tuple[str, str]]:
    """(source, url) of the stored articles and failed extractions to redo, in order."""
    since_at = (
        datetime.combine(since, time.min, tzinfo=ZoneInfo(DEFAULT_TIMEZONE)) if since else None
    )
    return con.execute(
        """
        SELECT source, url FROM articles
        WHERE ($source IS NULL OR source = $source)
          AND ($since IS NULL OR published_at >= $since)
        UNION
        SELECT source, url FROM failures
        WHERE stage = 'extract' AND ($source IS NULL OR source = $source)
        ORDER BY source, url
        """,
        {"source": source, "since": since_at},
    ).fetchall()


@dataclass(slots=True)
class _Batch:
    """A batch read from the archive, its pages being parsed."""

    size: int  # (source, url) pairs, archived or not
    jobs: list[tuple[str, ParseJob]]  # source and page of each archived one
    parsing: Parsing


@dataclass(slots=True)
class _Tally:
    """What the batches finished so far did."""

    done: int = 0
    pages: int = 0
    failed: int = 0
    missing: int = 0
    saved: LoadCounts = field(default_factory=LoadCounts)

    def counts(self) -> ReparseCounts:
        return ReparseCounts(
            pages=self.pages,
            updated=self.saved.updated,
            unchanged=self.saved.unchanged,
            new=self.saved.new,
            failed=self.failed,
            missing=self.missing,
        )


def _start(
    con: duckdb.DuckDBPyConnection,
    pairs: list[tuple[str, str]],
    profiles: dict[str, tuple[str | None, str, float]],
    workers: int,
) -> _Batch:
    """Read a batch's archived pages and start parsing them."""
    bodies = archived_pages(con, [url for _, url in pairs])
    jobs: list[tuple[str, ParseJob]] = []
    for name, url in pairs:
        if url in bodies:
            page = bodies[url]
            profile, timezone, limit = profiles.get(
                name, (None, DEFAULT_TIMEZONE, DEFAULT_PARSE_TIMEOUT)
            )
            job = ParseJob(
                url, page.body, page.content_type, profile, timezone, parse_timeout=limit
            )
            jobs.append((name, job))
    return _Batch(len(pairs), jobs, submit_all([job for _, job in jobs], workers))


def _finish(
    con: duckdb.DuckDBPyConnection,
    batch: _Batch,
    tally: _Tally,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> None:
    """Wait for a batch's parse, save what changed and its failures, and report."""
    parsed = batch.parsing.result()
    by_source: dict[str, list[int]] = {}  # source -> positions of its articles
    failures: list[Failure] = []
    for (name, job), error, pos in zip(batch.jobs, parsed.errors, parsed.positions(), strict=True):
        if error is not None:
            failures.append(Failure(job.url, name, "extract", error, 200))
        elif pos is not None:
            by_source.setdefault(name, []).append(pos)
    for name, positions in by_source.items():
        tally.saved += save_rows(con, name, parsed.rows.take(positions))
    record_reparse_failures(con, failures)  # no fetch: no attempt counted
    tally.done += batch.size
    tally.pages += len(batch.jobs)
    tally.failed += len(failures)
    tally.missing += batch.size - len(batch.jobs)
    if progress is not None:
        progress(tally.done, total)


def _source_settings(sources_file: str | None) -> dict[str, tuple[str | None, str, float]]:
    """Each known source's forced profile, timezone and time to parse a page in; an
    unknown one gets the defaults."""
    try:
        known: list[Source] = list(load_sources(sources_file).by_name.values())
    except SourcesError:
        if sources_file:
            raise
        known = []
    return {s.name: (s.extractor_profile, s.timezone, s.parse_timeout) for s in known}
