"""The steps of one batch of article URLs: fetch it, parse it, save it.

No Prefect here: ``flows.ingest.run`` calls these directly or through the Prefect tasks
of ``flows.tasks``, and tests call them directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import duckdb

from flows.crawling.client import HTML_MEDIA, Fetched, FetchError
from flows.crawling.fetcher import Fetcher
from flows.ingest.parsing import Parsed, ParseJob, Parser, parse_all
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
    fetcher: Fetcher,
    source: Source,
    urls: Sequence[str],
    *,
    window: tuple[datetime, datetime] | None = None,
    parser: Parser | None = None,
) -> Batch:
    """Fetch and extract each URL (``fetch_pages``, then ``parse_pages``)."""
    return parse_pages(fetch_pages(fetcher, source, urls), window=window, parser=parser)


def fetch_pages(
    fetcher: Fetcher,
    source: Source,
    urls: Sequence[str],
    *,
    usual_bytes: int | None = None,
) -> Batch:
    """Fetch each URL; a fetch failure, or a page that is not HTML, is recorded with its
    stage and reason, and the HTML pages wait in ``jobs`` to be parsed. With
    ``usual_bytes`` (what the source's article pages usually weigh), a page under
    ``SHORT_SHARE`` of that which still extracts is a soft error (an error page, a page
    cut short): ``parse_pages`` records it as a fetch failure, retried.

    Up to ``source.concurrency`` pages are fetched at once (the fetcher keeps each
    host's rate and slots); the batch keeps the order of ``urls``.
    """
    batch = Batch()
    workers = max(1, min(source.concurrency, len(urls)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        outcomes = list(
            pool.map(
                lambda url: _fetch_one(fetcher, source, url),
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
    parser: Parser | None = None,
) -> Batch:
    """Extract the batch's waiting pages (on the processes of ``parser``; without one,
    in this process); an extraction
    failure is recorded, and so is a page that extracts but weighs under
    ``SHORT_SHARE`` of the source's usual pages (a soft error, stage fetch: retried).
    With ``window``, an article dated outside it is not kept (listings without dates
    cannot be filtered before the fetch)."""
    parsed = parser.parse(batch.jobs) if parser is not None else parse_all(batch.jobs)
    return finish_parse(batch, parsed, window)


def finish_parse(
    batch: Batch, parsed: Parsed, window: tuple[datetime, datetime] | None = None
) -> Batch:
    """``parse_pages`` once the batch's pages are parsed (``parsed``, in order)."""
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
    fetcher: Fetcher, source: Source, url: str
) -> tuple[Page, Fetched | None, Failure | None]:
    """One URL's fetch-log row, its response, and its failure if it has one."""
    try:
        fetched = fetcher.get(url)
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
