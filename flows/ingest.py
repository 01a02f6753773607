"""Plain ingest steps: fetch and extract a batch of article URLs, save a batch.

No Prefect here: ``flows.tasks`` wraps these, and tests call them directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import duckdb
import httpx

from extractors import Article, ExtractionError, extract
from flows.http import Fetched, FetchError, fetch
from flows.politeness import Politeness
from flows.safety import HostGuard
from flows.sources import Source
from storage.records import Failure, LoadCounts, Page
from storage.warehouse import record_failures, save_articles, save_bodies, save_pages

BATCH_SIZE = 25
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(slots=True)
class Batch:
    """The outcome of one batch of article URLs: every URL is in articles or failures."""

    articles: list[Article] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    bodies: dict[str, bytes] = field(default_factory=dict)  # by content hash


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
) -> Batch:
    """Fetch and extract each URL; a failure is recorded with its stage and reason.

    Up to ``source.concurrency`` pages are fetched at once (``politeness`` keeps the
    host's rate and slots); the batch keeps the order of ``urls``. With ``window``, an
    article dated outside it is fetched but not kept (listings without dates cannot be
    filtered before the fetch).
    """
    batch = Batch()
    workers = max(1, min(source.concurrency, len(urls)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        outcomes = list(
            pool.map(lambda url: _fetch_one(client, source, url, politeness, guard), urls)
        )
    for outcome in outcomes:
        batch.pages.append(outcome.page)
        if outcome.fetched is not None:
            batch.bodies[outcome.fetched.content_hash] = outcome.fetched.content
        if outcome.failure is not None:
            batch.failures.append(outcome.failure)
        article = outcome.article
        if article is None:
            continue
        if (
            window is not None
            and article.published_at is not None
            and not (window[0] <= article.published_at <= window[1])
        ):
            continue
        batch.articles.append(article)
    return batch


@dataclass(frozen=True, slots=True)
class _Outcome:
    """One URL's fetch: its fetch-log row, the response, and an article or a failure."""

    page: Page
    fetched: Fetched | None = None
    article: Article | None = None
    failure: Failure | None = None


def _fetch_one(
    client: httpx.Client,
    source: Source,
    url: str,
    politeness: Politeness | None,
    guard: HostGuard | None,
) -> _Outcome:
    try:
        fetched = fetch(client, url, politeness=politeness, guard=guard, timeouts=source.timeouts)
    except FetchError as exc:
        page = Page(url, source.name, "article", exc.status, datetime.now(UTC), None, None, None)
        return _Outcome(page, failure=Failure(url, source.name, "fetch", exc.reason, exc.status))
    page = fetched.page(source.name, "article")
    media = (fetched.content_type or "").split(";")[0].strip().lower()
    if media and media not in HTML_TYPES:
        # A PDF or an image linked as an article: recorded, never retried.
        reason = f"not an HTML page ({media})"
        failure = Failure(url, source.name, "skip", reason, fetched.status)
        return _Outcome(page, fetched, failure=failure)
    try:
        article = extract(
            fetched.content,
            url,
            profile=source.extractor_profile,
            timezone=source.timezone,
            content_type=fetched.content_type,
        )
    except ExtractionError as exc:
        failure = Failure(url, source.name, "extract", exc.reason, fetched.status)
        return _Outcome(page, fetched, failure=failure)
    return _Outcome(page, fetched, article=article)


def save_batch(con: duckdb.DuckDBPyConnection, source: Source, batch: Batch) -> LoadCounts:
    """Load one batch: the raw bodies, the fetch log, the articles (upserted), failures."""
    save_bodies(con, batch.bodies)
    save_pages(con, batch.pages)
    counts = save_articles(con, source.name, batch.articles)
    record_failures(con, batch.failures, backoff=source.retry_backoff)
    return counts
