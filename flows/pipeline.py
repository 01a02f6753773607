"""The Prefect tasks that wrap the plain steps, and the ingest body both flows share.

Work is batched: one task per listing walk and per batch of article URLs, never one
per page. A batch is fetched in the flow (which keeps each host's manners), parsed by a
task submitted to the flow's task runner (on every core by default, on Dask workers
when the flow runs on a Dask task runner) while the next batch is fetched, and saved by
the flow process, the single writer of the warehouse. Days are recorded in the ledger
(``partitions``) as their batches are saved.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import duckdb
import httpx
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from bulletin.cli.reaper import is_running, this_process
from flows.crawling.client import USER_AGENT, make_client
from flows.crawling.discover import Archived, Discovery, discover
from flows.crawling.guard import HostGuard
from flows.crawling.politeness import Politeness
from flows.ingest.days import DEFAULT_BATCH_DAYS, GroupsSaved, day_batches, day_of, outcomes
from flows.ingest.health import UnhealthySources, problems
from flows.ingest.parsing import close_pools, default_workers, listing_parser
from flows.ingest.progress import Progress, report
from flows.ingest.steps import Batch, chunks, fetch_pages, parse_pages, save_batch
from flows.sources import Source, Sources, load_sources
from flows.warehouse_slot import warehouse_slot
from storage.health import nothing_new_streak, record_source_counts
from storage.ledger import record_days
from storage.packs import Packed
from storage.records import Failure, LoadCounts, Page
from storage.warehouse import (
    MAX_ATTEMPTS,
    archived_listing_pages,
    clear_failures,
    failure_reasons,
    finish_run,
    give_up,
    given_up_failures,
    known_article_urls,
    mark_crashed_runs,
    record_failures,
    retryable_failures,
    save_bodies,
    save_pages,
    start_run,
    usual_article_bytes,
    writing,
)

PARSE_AHEAD = 2  # batches parsed while the next one is fetched


@dataclass(frozen=True, slots=True)
class Plan:
    """What one source's run covers: the date window, how discovery stops, and the days
    it records in the ledger (``days``, newest first; pages listed on ``skip_days`` are
    left alone), saved ``batch_days`` days at a time."""

    since: datetime | None
    until: datetime | None
    stop_at_known: bool
    retry_failures: bool
    days: tuple[date, ...] = ()
    skip_days: frozenset[date] = frozenset()
    batch_days: int = DEFAULT_BATCH_DAYS
    done: bool = False  # every day asked for is in the ledger as done: nothing to fetch


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
    failed: set[str],
    politeness: Politeness,
    guard: HostGuard,
    archived: dict[str, Archived],
    db: str | None,
    workers: int,
) -> Discovery:
    def keep(pages: list[Page], bodies: Mapping[str, bytes | Packed]) -> None:
        with writing(db, checkpoint=False) as con:
            save_bodies(con, bodies)
            save_pages(con, pages)

    return discover(
        client,
        source,
        since=plan.since,
        until=plan.until,
        known=known,
        failed=failed,
        stop_at_known=plan.stop_at_known,
        politeness=politeness,
        guard=guard,
        archived=archived,
        keep=keep,
        parse=listing_parser(workers),
    )


@task(name="fetch", cache_policy=NO_CACHE)
def fetch_task(
    client: httpx.Client,
    source: Source,
    urls: list[str],
    politeness: Politeness,
    guard: HostGuard,
    usual_bytes: int | None = None,
) -> Batch:
    return fetch_pages(
        client, source, urls, politeness=politeness, guard=guard, usual_bytes=usual_bytes
    )


@task(name="parse", cache_policy=NO_CACHE)
def parse_task(batch: Batch, window: tuple[datetime, datetime] | None, workers: int) -> Batch:
    return parse_pages(batch, window=window, workers=workers)


@task(name="save", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def save_task(db: str | None, source: Source, batch: Batch) -> LoadCounts:
    with writing(db, checkpoint=False) as con:
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
    (``flows.warehouse_slot``).
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
    me = this_process()
    with writing(db, checkpoint=False) as con:
        crashed = mark_crashed_runs(con, me.host, is_running, now=started)
        start_run(
            con,
            summary.run_id,
            flow_name,
            summary.sources,
            date_from=date_from,
            date_to=date_to,
            now=started,
            host=me.host,
            pid=me.pid,
            process_start=me.start,
        )
    if crashed:
        logger.warning("runs whose process died, now marked crashed: %s", ", ".join(crashed))
    try:
        with make_client() as client:
            for source in selected:
                with writing(db, checkpoint=False) as con:
                    plan = plan_for(con, source, started)
                _ingest_source(db, client, source, plan, summary)
                logger.info("%s: %s", source.name, summary.per_source[source.name])
    except BaseException as exc:
        with writing(db) as con:
            finish_run(con, summary.run_id, "failed", summary.counts(), message=repr(exc))
        raise
    finally:
        close_pools()
    with writing(db) as con:
        record_source_counts(con, summary.run_id, flow_name, summary.per_source)
        found = [
            problem
            for source in selected
            for problem in problems(
                source.name,
                pages=summary.per_source[source.name].get("pages", 0),
                failed=summary.per_source[source.name]["failed"],
                max_error_rate=source.max_error_rate,
                nothing_new_streak=(
                    nothing_new_streak(con, source.name) if flow_name == "nightly" else None
                ),
            )
        ]
        finish_run(
            con, summary.run_id, "completed", summary.counts(), message="; ".join(found) or None
        )
    publish_summary(summary, found)
    if found:
        raise UnhealthySources("; ".join(found))
    return summary


def publish_summary(summary: RunSummary, found: list[str]) -> None:
    """A markdown artifact of the run, per source, in the Prefect UI."""
    columns = ("discovered", "fetched", "new", "updated", "unchanged", "failed")
    lines = [
        f"# {summary.flow} run {summary.run_id}",
        "",
        "| source | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for source, counts in summary.per_source.items():
        lines.append(f"| {source} | " + " | ".join(str(counts.get(c, 0)) for c in columns) + " |")
    if found:
        lines += ["", "**Needs attention:**", "", *(f"- {problem}" for problem in found)]
    create_markdown_artifact(
        "\n".join(lines),
        key=f"{summary.flow}-summary",
        description=f"What the {summary.flow} run ingested, per source",
    )


def parse_workers() -> int:
    """Parsing processes per parse task: every core under the default (thread) task
    runner; one on a Dask (or other process-based) runner, whose workers are the
    processes."""
    context = FlowRunContext.get()
    runner = context.task_runner if context is not None else None
    return default_workers() if runner is None or isinstance(runner, ThreadPoolTaskRunner) else 1


def _ingest_source(
    db: str | None,
    client: httpx.Client,
    source: Source,
    plan: Plan,
    summary: RunSummary,
) -> None:
    logger = get_run_logger()
    if plan.done:
        logger.info(
            "%s: every day asked for is already ingested (bulletin backfill --status)", source.name
        )
        summary.per_source[source.name] = dict.fromkeys(summary.counts(), 0)
        return
    with writing(db, checkpoint=False) as con:
        known = known_article_urls(con, source.name)
        usual_bytes = usual_article_bytes(con, source.name)
        failed = failure_reasons(con, source.name)
        gave_up_on = given_up_failures(con, source.name, MAX_ATTEMPTS)  # never fetched again
        # Listing pages fetched before are asked for conditionally; a 304 is read from
        # the archive.
        archived = {
            url: Archived(page.read, page.content_type, (page.etag, page.last_modified))
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
    # A run that retries failures fetches a failed page when it is due, not whenever a
    # listing shows it; one that does not (a backfill) fetches what its listings show.
    watched = set(failed) if plan.retry_failures else set()
    found = discover_task(
        client, source, plan, known, watched, politeness, guard, archived, db, parse_workers()
    )
    with writing(db, checkpoint=False) as con:  # the listing pages are saved as the walk goes
        record_failures(con, found.failures)
        clear_failures(con, found.listed)  # listing pages that failed before, read now
        retry = retryable_failures(con, source.name, MAX_ATTEMPTS) if plan.retry_failures else []
    day_by_url = {
        item.url: day_of(item.published_at, source.timezone)
        for item in (*found.items, *found.failed_items)
    }
    items = [i for i in found.items if day_by_url[i.url] not in plan.skip_days]
    listed = {item.url for item in items}
    urls = [item.url for item in items] + [u for u in retry if u not in listed]
    urls = [url for url in urls if url not in gave_up_on]
    # Failed pages listed on the run's days and not fetched now (not due yet, or given
    # up): their days cannot be done.
    fetching = set(urls)
    unfetched = {u: failed[u] for u in day_by_url if u in failed and u not in fetching}
    found.failed_items = []
    # The listing items are not needed past this point: let them go before the long
    # part of the run.
    discovered = len(found.items)
    found.items = []
    del items, listed
    run = _SourceRun(
        db, client, source, plan, politeness, guard, summary.run_id, len(urls), usual_bytes
    )
    run.failed += len(found.failures)
    listing_error = found.listing_errors[0] if found.listing_errors else None
    # Day by day, newest first; then pages without a listed day (and retries). Article
    # batches run across day batches (a day with few articles is no task of its own);
    # a day batch goes into the ledger once its last page is saved.
    batches = [*day_batches(plan.days, plan.batch_days), []]
    batch_of: dict[date | None, int] = {day: k for k, days in enumerate(batches) for day in days}
    grouped: list[list[str]] = [[] for _ in batches]
    for url in urls:
        grouped[batch_of.get(day_by_url.get(url), len(batches) - 1)].append(url)

    def record(group: int, failures: list[Failure]) -> None:
        days = batches[group]
        failed_on: dict[date, list[str]] = {}
        for failure in failures:
            day = day_by_url.get(failure.url)
            if day is not None:
                failed_on.setdefault(day, []).append(failure.reason)
        for url, reason in unfetched.items():  # listed on these days, not fetched
            day = day_by_url.get(url)
            if day is not None and day in days:
                failed_on.setdefault(day, []).append(reason)
        with writing(db, checkpoint=False) as con:
            record_days(
                con,
                outcomes(source.name, days, failed_on, listing_error),
                run_id=summary.run_id,
                flow=summary.flow,
                timezone=source.timezone,
            )
        run.days_done += len(days)
        run.report(len(plan.days))

    run.ingest(grouped, record)
    with writing(db, checkpoint=False) as con:
        given_up = give_up(con, source.name, MAX_ATTEMPTS)
    if given_up:
        logger.warning(
            "%s: %d page(s) failed %d times and will not be retried (see bulletin failures)",
            source.name,
            given_up,
            MAX_ATTEMPTS,
        )
    counts = run.counts
    per_source = {
        "discovered": discovered,
        "pages": len(urls) + found.listing_pages + len(found.listing_errors),
        "fetched": len(urls),
        "new": counts.new,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "failed": run.failed,
    }
    summary.per_source[source.name] = per_source
    summary.discovered += per_source["discovered"]
    summary.fetched += per_source["fetched"]
    summary.new += counts.new
    summary.updated += counts.updated
    summary.unchanged += counts.unchanged
    summary.failed += run.failed


@dataclass(slots=True)
class _SourceRun:
    """Fetching, parsing and saving one source's pages, batch after batch."""

    db: str | None
    client: httpx.Client
    source: Source
    plan: Plan
    politeness: Politeness
    guard: HostGuard
    run_id: str
    pages_total: int
    usual_bytes: int | None  # what the source's article pages usually weigh
    pages_done: int = 0
    days_done: int = 0
    failed: int = 0
    counts: LoadCounts = field(default_factory=LoadCounts)
    workers: int = field(default_factory=parse_workers)

    @property
    def window(self) -> tuple[datetime, datetime] | None:
        plan = self.plan
        if plan.since is not None and plan.until is not None and not plan.stop_at_known:
            return (plan.since, plan.until)
        return None

    def ingest(self, groups: list[list[str]], done: Callable[[int, list[Failure]], None]) -> None:
        """Fetch, parse and save the pages of ``groups``, in batches that run across
        groups; ``done(group, its failures)`` as each group's last page is saved."""
        saved = GroupsSaved.of(groups)
        pages = [(url, group) for group, urls in enumerate(groups) for url in urls]
        parsing: deque[tuple[PrefectFuture[Batch], dict[str, int]]] = deque()

        def save_next() -> None:
            future, owners = parsing.popleft()
            batch = future.result()
            self._save(batch)
            failures = [(owners[f.url], f) for f in batch.failures if f.url in owners]
            for group in saved.saved(list(owners.values()), failures):
                done(group, saved.failures[group])

        for group in saved.saved([], []):  # groups with no pages at all, up front
            done(group, [])
        for chunk in chunks(pages):
            owners = dict(chunk)
            fetched = fetch_task(
                self.client,
                self.source,
                list(owners),
                self.politeness,
                self.guard,
                self.usual_bytes,
            )
            parsing.append((parse_task.submit(fetched, self.window, self.workers), owners))
            while len(parsing) > PARSE_AHEAD:
                save_next()
        while parsing:
            save_next()

    def _save(self, batch: Batch) -> None:
        self.counts += save_task(self.db, self.source, batch)
        batch.release()
        self.failed += len(batch.failures)
        self.pages_done += len(batch.pages)
        get_run_logger().info(
            "%s: %d/%d pages fetched", self.source.name, self.pages_done, self.pages_total
        )

    def report(self, days_total: int) -> None:
        report(
            Progress(
                self.source.name,
                self.days_done,
                days_total,
                self.pages_done,
                self.pages_total,
                self.counts.new + self.counts.updated,
                self.failed,
            )
        )
