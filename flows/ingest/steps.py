"""Plain ingest steps: fetch a batch of article URLs, parse it, save it.

No Prefect here: ``flows.pipeline`` wraps these in tasks, and tests call them directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import duckdb
import httpx

from flows.crawling.client import HTML_MEDIA, Fetched, FetchError, fetch
from flows.crawling.guard import HostGuard
from flows.crawling.politeness import Politeness
from flows.ingest.parsing import ParseJob, parse_all
from flows.sources import Source
from storage.records import Failure, LoadCounts, Page
from storage.rows import ArticleRows, article_rows
from storage.warehouse import record_failures, save_bodies, save_pages, save_rows

BATCH_SIZE = 100  # article pages fetched, parsed and saved together
# A page under this share of what a source's article pages usually weigh is not one.
SHORT_SHARE = 0.25


@dataclass(slots=True)
class Batch:
    """The outcome of one batch of article URLs: every URL is in articles or failures."""

    source: str = ""
    rows: ArticleRows = field(default_factory=lambda: article_rows([]))  # the articles
    pages: list[Page] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    bodies: dict[str, bytes] = field(default_factory=dict)  # by content hash
    jobs: list[ParseJob] = field(default_factory=list)  # fetched, not parsed yet
    usual_bytes: int | None = None  # what the source's article pages usually weigh

    def release(self) -> None:
        """Drop the bodies and rows once saved: whatever still refers to the batch (a
        task's state, in a cycle that waits for the garbage collector) keeps little."""
        self.bodies = {}
        self.jobs = []
        self.rows = article_rows([])


T = TypeVar("T")


def chunks(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def fetch_articles(
    client: httpx.Client,
    source: Source,
    urls: Sequence[str],
    *,
    window: tuple[datetime, datetime] | None = None,
    politeness: Politeness | None = None,
    guard: HostGuard | None = None,
    workers: int = 1,
) -> Batch:
    """Fetch and extract each URL (``fetch_pages``, then ``parse_pages``)."""
    fetched = fetch_pages(client, source, urls, politeness=politeness, guard=guard)
    return parse_pages(fetched, window=window, workers=workers)


def fetch_pages(
    client: httpx.Client,
    source: Source,
    urls: Sequence[str],
    *,
    politeness: Politeness | None = None,
    guard: HostGuard | None = None,
    usual_bytes: int | None = None,
) -> Batch:
    """Fetch each URL; a fetch failure, or a page that is not HTML, is recorded with its
    stage and reason, and the HTML pages wait in ``jobs`` to be parsed. With
    ``usual_bytes`` (what the source's article pages usually weigh), a page under
    ``SHORT_SHARE`` of that which still extracts is a soft error (an error page, a page
    cut short): ``parse_pages`` records it as a fetch failure, retried.

    Up to ``source.concurrency`` pages are fetched at once (``politeness`` keeps the
    host's rate and slots); the batch keeps the order of ``urls``.
    """
    batch = Batch()
    workers = max(1, min(source.concurrency, len(urls)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        outcomes = list(
            pool.map(
                lambda url: _fetch_one(client, source, url, politeness, guard),
                urls,
            )
        )
    for page, fetched, failure in outcomes:
        batch.pages.append(page)
        if fetched is not None:
            batch.bodies[fetched.content_hash] = fetched.content
        if failure is not None:
            batch.failures.append(failure)
        elif fetched is not None:
            batch.jobs.append(
                ParseJob(
                    fetched.url,
                    fetched.content,
                    fetched.content_type,
                    source.extractor_profile,
                    source.timezone,
                    fetched.status,
                    parse_timeout=source.parse_timeout,
                )
            )
    batch.source = source.name
    batch.usual_bytes = usual_bytes
    return batch


def parse_pages(
    batch: Batch,
    *,
    window: tuple[datetime, datetime] | None = None,
    workers: int = 1,
) -> Batch:
    """Extract the batch's waiting pages (on ``workers`` processes); an extraction
    failure is recorded, and so is a page that extracts but weighs under
    ``SHORT_SHARE`` of the source's usual pages (a soft error, stage fetch: retried).
    With ``window``, an article dated outside it is not kept (listings without dates
    cannot be filtered before the fetch)."""
    parsed = parse_all(batch.jobs, workers)
    kept: list[int] = []
    published = parsed.rows.column("published_at")
    for job, error, pos in zip(batch.jobs, parsed.errors, parsed.positions(), strict=True):
        short = _short_page(len(job.body), batch.usual_bytes)
        if error is not None:
            batch.failures.append(Failure(job.url, batch.source, "extract", error, job.status))
        elif short is not None:
            batch.failures.append(Failure(job.url, batch.source, "fetch", short, job.status))
        elif pos is not None and (
            window is None or published[pos] is None or window[0] <= published[pos] <= window[1]
        ):
            kept.append(pos)
    batch.rows = parsed.rows.take(kept)
    batch.jobs = []
    return batch


def _short_page(size: int, usual: int | None) -> str | None:
    """Why a page of ``size`` bytes is too short to be one of the source's, or None."""
    if usual is None or size >= SHORT_SHARE * usual:
        return None
    return (
        f"soft error: page much shorter than this source's pages "
        f"({size} bytes; they usually weigh {usual})"
    )


def _fetch_one(
    client: httpx.Client,
    source: Source,
    url: str,
    politeness: Politeness | None,
    guard: HostGuard | None,
) -> tuple[Page, Fetched | None, Failure | None]:
    """One URL's fetch-log row, its response, and its failure if it has one."""
    try:
        fetched = fetch(client, url, politeness=politeness, guard=guard, timeouts=source.timeouts)
    except FetchError as exc:
        page = Page(url, source.name, "article", exc.status, datetime.now(UTC), None, None, None)
        return page, None, Failure(url, source.name, "fetch", exc.reason, exc.status)
    page = fetched.page(source.name, "article")
    media = (fetched.content_type or "").split(";")[0].strip().lower()
    if media and media not in HTML_MEDIA:
        # A PDF or an image linked as an article: recorded, never retried.
        reason = f"not an HTML page ({media})"
        return page, fetched, Failure(url, source.name, "skip", reason, fetched.status)
    return page, fetched, None


def save_batch(con: duckdb.DuckDBPyConnection, source: Source, batch: Batch) -> LoadCounts:
    """Load one batch: the raw bodies, the fetch log, the articles (upserted), failures."""
    save_bodies(con, batch.bodies)
    save_pages(con, batch.pages)
    counts = save_rows(con, source.name, batch.rows)
    record_failures(con, batch.failures, backoff=source.retry_backoff)
    return counts
