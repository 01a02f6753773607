"""The Prefect tasks that wrap the plain steps, and the ingest body both flows share.

Work is batched: one task per listing walk and per batch of article URLs, never one
per page. The flow process is the single writer of the warehouse.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb
import httpx
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.discover import Archived, Discovery, discover
from flows.http import USER_AGENT, make_client
from flows.ingest import Batch, chunks, fetch_articles, save_batch
from flows.politeness import Politeness
from flows.safety import HostGuard
from flows.sources import Source, Sources, load_sources
from flows.writer import warehouse_slot
from storage.records import LoadCounts
from storage.warehouse import (
    archived_listing_pages,
    failed_urls,
    finish_run,
    give_up,
    known_article_urls,
    record_failures,
    retryable_failures,
    save_bodies,
    save_pages,
    start_run,
    writing,
)

MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Plan:
    """What one source's run covers: the date window and how discovery stops."""

    since: datetime | None
    until: datetime | None
    stop_at_known: bool
    retry_failures: bool


@dataclass(slots=True)
class RunSummary:
    """The counts a run records in ``runs`` and returns to its caller."""

    run_id: str
    flow: str
    sources: list[str]
    discovered: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    per_source: dict[str, dict[str, int]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "discovered": self.discovered,
            "fetched": self.fetched,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "flow": self.flow,
            "sources": self.sources,
            **self.counts(),
            "per_source": self.per_source,
        }


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(
    client: httpx.Client,
    source: Source,
    plan: Plan,
    known: set[str],
    politeness: Politeness,
    guard: HostGuard,
    archived: dict[str, Archived],
) -> Discovery:
    return discover(
        client,
        source,
        since=plan.since,
        until=plan.until,
        known=known,
        stop_at_known=plan.stop_at_known,
        politeness=politeness,
        guard=guard,
        archived=archived,
    )


@task(name="fetch-extract", cache_policy=NO_CACHE)
def fetch_extract_task(
    client: httpx.Client,
    source: Source,
    urls: list[str],
    plan: Plan,
    politeness: Politeness,
    guard: HostGuard,
) -> Batch:
    window = None
    if plan.since is not None and plan.until is not None and not plan.stop_at_known:
        window = (plan.since, plan.until)
    return fetch_articles(client, source, urls, window=window, politeness=politeness, guard=guard)


@task(name="save", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def save_task(db: str | None, source: Source, batch: Batch) -> LoadCounts:
    with writing(db) as con:
        return save_batch(con, source, batch)


def current_run_id() -> str:
    """The Prefect flow run id, or a fresh one outside a flow run."""
    run_id = flow_run.id
    return str(run_id) if run_id else str(uuid.uuid4())


def run_ingest(
    flow_name: str,
    source_names: list[str] | None,
    plan_for: Callable[[duckdb.DuckDBPyConnection, Source, datetime], Plan],
    *,
    db: str | None = None,
    sources_file: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> RunSummary:
    """Discover, fetch, extract and save for each source; record the run.

    The warehouse is written in short transactions (``storage.warehouse.writing``) and
    closed between them, so that readers (`bulletin sql`) and another run get in. Under
    a Prefect API the run holds the warehouse's global concurrency slot throughout
    (``flows.writer``).
    """
    with warehouse_slot():
        return _run(flow_name, source_names, plan_for, db, sources_file, date_from, date_to)


def _run(
    flow_name: str,
    source_names: list[str] | None,
    plan_for: Callable[[duckdb.DuckDBPyConnection, Source, datetime], Plan],
    db: str | None,
    sources_file: str | None,
    date_from: date | None,
    date_to: date | None,
) -> RunSummary:
    logger = get_run_logger()
    sources: Sources = load_sources(sources_file)
    selected = sources.select(source_names)
    summary = RunSummary(current_run_id(), flow_name, [s.name for s in selected])
    started = datetime.now(UTC)
    with writing(db) as con:
        start_run(
            con,
            summary.run_id,
            flow_name,
            summary.sources,
            date_from=date_from,
            date_to=date_to,
            now=started,
        )
    try:
        with make_client() as client:
            for source in selected:
                with writing(db) as con:
                    plan = plan_for(con, source, started)
                _ingest_source(db, client, source, plan, summary)
                logger.info("%s: %s", source.name, summary.per_source[source.name])
    except BaseException as exc:
        with writing(db) as con:
            finish_run(con, summary.run_id, "failed", summary.counts(), message=repr(exc))
        raise
    with writing(db) as con:
        finish_run(con, summary.run_id, "completed", summary.counts())
    return summary


def _ingest_source(
    db: str | None,
    client: httpx.Client,
    source: Source,
    plan: Plan,
    summary: RunSummary,
) -> None:
    logger = get_run_logger()
    with writing(db) as con:
        known = known_article_urls(con, source.name)
        failed = failed_urls(con, source.name)
        # Listing pages fetched before are asked for conditionally; a 304 is read from
        # the archive.
        archived = {
            url: Archived(page.body, page.content_type, (page.etag, page.last_modified))
            for url, page in archived_listing_pages(con, source.name).items()
            if page.etag or page.last_modified
        }
    politeness = Politeness(
        client,
        rate=source.rate,
        concurrency=source.concurrency,
        obey_robots=source.obey_robots,
        user_agent=USER_AGENT,
    )
    guard = HostGuard(source.hosts, allow_private=source.allow_private)
    known_or_failed = known | failed if plan.stop_at_known else known
    found = discover_task(client, source, plan, known_or_failed, politeness, guard, archived)
    with writing(db) as con:
        save_bodies(con, found.bodies)
        save_pages(con, found.pages)
        record_failures(con, found.failures)
        retry = retryable_failures(con, source.name, MAX_ATTEMPTS) if plan.retry_failures else []
    urls = [item.url for item in found.items]
    listed = set(urls)
    urls += [u for u in retry if u not in listed]
    counts = LoadCounts()
    failed_count = len(found.failures)
    done = 0
    for batch_urls in chunks(urls):
        batch = fetch_extract_task(client, source, batch_urls, plan, politeness, guard)
        counts += save_task(db, source, batch)
        failed_count += len(batch.failures)
        done += len(batch_urls)
        logger.info("%s: %d/%d pages fetched", source.name, done, len(urls))
    with writing(db) as con:
        given_up = give_up(con, source.name, MAX_ATTEMPTS)
    if given_up:
        logger.warning(
            "%s: %d page(s) failed %d times and will not be retried (see bulletin failures)",
            source.name,
            given_up,
            MAX_ATTEMPTS,
        )
    per_source = {
        "discovered": len(found.items),
        "fetched": len(urls),
        "new": counts.new,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "failed": failed_count,
    }
    summary.per_source[source.name] = per_source
    summary.discovered += per_source["discovered"]
    summary.fetched += per_source["fetched"]
    summary.new += counts.new
    summary.updated += counts.updated
    summary.unchanged += counts.unchanged
    summary.failed += failed_count
