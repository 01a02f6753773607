"""Reparse: re-extract stored articles from the raw archive, with no network.

This is how an upgrade of the extractors reaches the warehouse: each archived page is
extracted again, and only the articles whose output changed are rewritten (with their
figures, attachments, stats, documents and people), keeping no version of them in
``article_versions`` (the page did not change; its extraction did). Pages whose
extraction failed before are tried again too. Since nothing is fetched, failures are
left as they are but for extraction: a page that extracts now loses its extraction
failure, one that still fails (or fails now) has its reason updated, and no failure's
attempts, times or next retry change (``record_reparse_failures``); a fetch failure of
a page is kept even when its archived copy is rewritten.

The warehouse is held only in short writes (``storage.warehouse.writing``), as a run
holds it, so that readers (`bulletin sql`) and other runs get in between: one read of
the pages to redo, then for each batch a read of its archived pages, the parse on the
parsing processes with the file closed, and one write of what changed; a checkpoint at
the end. A page fetched again by a run while its batch was being parsed is left as that
run saved it (``ReparseCounts.refetched``). No Prefect here: ``flows.reparse`` wraps it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import duckdb

from extractors.dates import DEFAULT_TIMEZONE
from extractors.limits import DEFAULT_PARSE_TIMEOUT
from flows.ingest.parsing import ParseJob, Parser, Parsing, default_workers
from flows.ingest.steps import chunks
from flows.sources import Source, SourcesError, load_sources
from storage.errors import StorageError
from storage.memory import bounded_scan
from storage.records import Failure, LoadCounts
from storage.warehouse import (
    archived_pages,
    record_reparse_failures,
    resolve_db_path,
    save_rows,
    writing,
)

BATCH_SIZE = 200

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ReparseCounts:
    """What a reparse did: pages read from the archive, and what changed."""

    pages: int
    updated: int
    unchanged: int
    new: int
    failed: int
    missing: int  # article pages with no archived body
    refetched: int = 0  # fetched again by a run meanwhile: its extraction stands


def reparse(
    db: str | os.PathLike[str] | None,
    *,
    source: str | None = None,
    since: date | None = None,
    sources_file: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> ReparseCounts:
    """Re-extract the archived pages of the stored articles (of ``source``, published
    since ``since``) and of the failed extractions in the warehouse ``db`` (default:
    ``$BULLETIN_DB``), on ``workers`` processes (default: one per core).

    Each batch is read and written in short writes of its own; ``progress(done, total)``
    is called after each batch's write, with the warehouse closed. Batches overlap:
    while the processes parse one batch, this thread reads the next one's archived
    pages and saves the one before. The parsing processes are the reparse's own
    (``Parser``), stopped when it ends."""
    path = resolve_db_path(db)
    if not path.exists():
        raise StorageError(
            f"no warehouse at {path}: run `bulletin ingest` (or `bulletin demo`) first, "
            "or point --db / BULLETIN_DB at one"
        )
    workers = workers or default_workers()
    profiles = _source_settings(sources_file)
    with writing(path, checkpoint=False) as con:
        rows = _pages_to_reparse(con, source, since)
    tally = _Tally()
    with Parser(workers) as parser:
        pending: _Batch | None = None
        for pairs in chunks(rows, BATCH_SIZE):
            batch = _start(path, pairs, profiles, parser)
            if pending is not None:
                _finish(path, pending, tally, progress, len(rows))
            pending = batch
        if pending is not None:
            _finish(path, pending, tally, progress, len(rows))
    if rows:
        with writing(path) as con:  # folds the batches' log into the file
            con.execute("CHECKPOINT")
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


@dataclass(frozen=True, slots=True)
class _Job:
    """An archived page to parse: its source, the content hash of the fetch it comes
    from, and what to parse."""

    source: str
    digest: str | None
    parse: ParseJob


@dataclass(slots=True)
class _Batch:
    """A batch read from the archive, its pages being parsed."""

    size: int  # (source, url) pairs, archived or not
    jobs: list[_Job]  # the archived ones
    parsing: Parsing


@dataclass(slots=True)
class _Tally:
    """What the batches finished so far did."""

    done: int = 0
    pages: int = 0
    failed: int = 0
    missing: int = 0
    refetched: int = 0
    saved: LoadCounts = field(default_factory=LoadCounts)

    def counts(self) -> ReparseCounts:
        return ReparseCounts(
            pages=self.pages,
            updated=self.saved.updated,
            unchanged=self.saved.unchanged,
            new=self.saved.new,
            failed=self.failed,
            missing=self.missing,
            refetched=self.refetched,
        )


def _start(
    db: os.PathLike[str],
    pairs: list[tuple[str, str]],
    profiles: dict[str, tuple[str | None, str, float]],
    parser: Parser,
) -> _Batch:
    """Read a batch's archived pages (one short read) and start parsing them."""
    urls = [url for _, url in pairs]
    with writing(db, checkpoint=False) as con:
        bodies = archived_pages(con, urls)
        digests = _page_hashes(con, urls)
    jobs: list[_Job] = []
    for name, url in pairs:
        if url in bodies:
            page = bodies[url]
            profile, timezone, limit = profiles.get(
                name, (None, DEFAULT_TIMEZONE, DEFAULT_PARSE_TIMEOUT)
            )
            job = ParseJob(
                url, page.body, page.content_type, profile, timezone, parse_timeout=limit
            )
            jobs.append(_Job(name, digests.get(url), job))
    return _Batch(len(pairs), jobs, parser.submit([job.parse for job in jobs]))


def _finish(
    db: os.PathLike[str],
    batch: _Batch,
    tally: _Tally,
    progress: Progress | None,
    total: int,
) -> None:
    """Wait for a batch's parse, then save what changed and its failures in one short
    write, and report."""
    parsed = batch.parsing.result()
    row_urls = parsed.rows.column("url")
    with writing(db, checkpoint=False) as con:
        current = _page_hashes(con, [job.parse.url for job in batch.jobs])
        by_source: dict[str, list[int]] = {}  # source -> positions of its articles
        extracted: list[str] = []  # URLs of the pages that gave an article
        failures: list[Failure] = []
        refetched = 0
        for job, error, pos in zip(batch.jobs, parsed.errors, parsed.positions(), strict=True):
            url = job.parse.url
            if current.get(url) != job.digest:  # a run fetched it again: its version stands
                refetched += 1
            elif error is not None:
                failures.append(Failure(url, job.source, "extract", error, 200))
            elif pos is not None:
                by_source.setdefault(job.source, []).append(pos)
                extracted.extend({url, row_urls[pos]})
        for name, positions in by_source.items():
            # No fetch: a failure at another stage (a later fetch that failed) stays, and
            # no version is kept: the page is the one the stored row was extracted from,
            # so a change is the extractors', not an edit on the portal.
            rows = parsed.rows.take(positions)
            tally.saved += save_rows(con, name, rows, settles=("extract",), keep_versions=False)
        _clear_extract_failures(con, extracted)
        record_reparse_failures(con, failures)  # no fetch: no attempt counted
    tally.done += batch.size
    tally.pages += len(batch.jobs)
    tally.failed += len(failures)
    tally.missing += batch.size - len(batch.jobs)
    tally.refetched += refetched
    if progress is not None:
        progress(tally.done, total)


def _page_hashes(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, str | None]:
    """The content hash of the latest full fetch of each of ``urls`` in the fetch log."""
    rows = bounded_scan(
        con,
        "SELECT url, content_hash FROM pages WHERE url IN (SELECT unnest(?))",
        [list(urls)],
    )
    return dict(rows)


def _clear_extract_failures(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> None:
    """Forget the extraction failures of pages that extract now (saving a changed
    article does too, but not an unchanged one)."""
    if urls:
        con.execute(
            "DELETE FROM failures WHERE stage = 'extract' AND url IN (SELECT unnest(?))",
            [list(urls)],
        )


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
