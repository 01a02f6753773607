"""Reparse: re-extract stored articles from the raw archive, with no network.

This is how an upgrade of the extractors reaches the warehouse: each archived page is
extracted again, and only the articles whose output changed are rewritten (with their
figures, attachments, stats, documents and people). Pages whose extraction failed
before are tried again too. No Prefect here: ``flows.reparse_flow`` wraps it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import duckdb

from extractors import Article
from flows.ingest import chunks
from flows.parsing import ParseJob, default_workers, parse_all
from flows.sources import DEFAULT_TIMEZONE, Source, SourcesError, load_sources
from storage.records import Failure, LoadCounts
from storage.warehouse import archived_pages, record_failures, save_articles

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
    ``workers`` processes (default: one per core)."""
    workers = workers or default_workers()
    profiles = _source_settings(sources_file)
    since_at = (
        datetime.combine(since, time.min, tzinfo=ZoneInfo(DEFAULT_TIMEZONE)) if since else None
    )
    rows = con.execute(
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
    totals = {"pages": 0, "failed": 0, "missing": 0}
    counts = LoadCounts()
    done = 0
    for pairs in chunks(rows, BATCH_SIZE):
        bodies = archived_pages(con, [url for _, url in pairs])
        by_source: dict[str, list[Article]] = {}
        failures: list[Failure] = []
        jobs: list[tuple[str, ParseJob]] = []
        for name, url in pairs:
            if url not in bodies:
                totals["missing"] += 1
                continue
            page = bodies[url]
            profile, timezone = profiles.get(name, (None, DEFAULT_TIMEZONE))
            jobs.append((name, ParseJob(url, page.body, page.content_type, profile, timezone)))
        totals["pages"] += len(jobs)
        results = parse_all([job for _, job in jobs], workers)
        for (name, job), result in zip(jobs, results, strict=True):
            if isinstance(result, str):
                failures.append(Failure(job.url, name, "extract", result, 200))
            else:
                by_source.setdefault(name, []).append(result)
        for name, articles in by_source.items():
            counts += save_articles(con, name, articles)
        record_failures(con, failures)
        totals["failed"] += len(failures)
        done += len(pairs)
        if progress is not None:
            progress(done, len(rows))
    return ReparseCounts(
        pages=totals["pages"],
        updated=counts.updated,
        unchanged=counts.unchanged,
        new=counts.new,
        failed=totals["failed"],
        missing=totals["missing"],
    )


def _source_settings(sources_file: str | None) -> dict[str, tuple[str | None, str]]:
    """Each known source's forced profile and timezone; an unknown one gets the defaults."""
    try:
        known: list[Source] = list(load_sources(sources_file).by_name.values())
    except SourcesError:
        if sources_file:
            raise
        known = []
    return {s.name: (s.extractor_profile, s.timezone) for s in known}
