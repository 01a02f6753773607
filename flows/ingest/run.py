"""One ingest run, plain: for each source, its plan, then discover → fetch → parse → save.

``run_ingest`` is the whole path of a nightly run or a backfill. It needs no Prefect:
the steps it calls (``Steps``) are plain functions by default, and ``flows.tasks`` hands
it the same steps as Prefect tasks. Pages are fetched a batch at a time; a batch is
parsed on the run's parsing processes while the next one is fetched, and saved by this
process, the single writer of the warehouse, in short transactions (``writing``) that
let readers and other runs in between. Each batch of days goes into the ledger
(``partitions``) once its last page is saved.

A run whose every source failed outright ends with ``SourcesFailed``, and one whose
sources need a human (``flows.ingest.health``) with ``UnhealthySources``, after
everything it fetched is saved and its ``runs`` row says ``failed``.
"""

from __future__ import annotations

import logging
import uuid
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from bulletin.errors import RunFailed, SourcesFailed, UnhealthySources
from extractors.records import Listing
from flows.crawling.client import make_client
from flows.crawling.discover import Archived, Discovery, Keep, discover
from flows.crawling.fetcher import Fetcher
from flows.ingest.days import GroupsSaved, day_batches, day_of, outcomes
from flows.ingest.health import failed_outright, problems
from flows.ingest.parsing import Parser, Parsing
from flows.ingest.plans import Plan, Planner
from flows.ingest.processes import is_running, this_process
from flows.ingest.progress import Progress, report
from flows.ingest.steps import Batch, chunks, fetch_pages, finish_parse, save_batch
from flows.sources import Source, load_sources
from storage.ledger import record_days
from storage.packs import Packed
from storage.records import LoadCounts, Page
from storage.runs import (
    RUN_COUNTS,
    finish_run,
    mark_crashed_runs,
    nothing_new_streak,
    record_source_counts,
    start_run,
)
from storage.warehouse import (
    MAX_ATTEMPTS,
    archived_listing_pages,
    clear_failures,
    failure_reasons,
    give_up,
    given_up_failures,
    known_article_urls,
    record_failures,
    retryable_failures,
    save_bodies,
    save_pages,
    usual_article_bytes,
    writing,
)

PARSE_AHEAD = 2  # batches parsed while the next one is fetched
LOG = logging.getLogger("bulletin.run")


class Pending(Protocol):
    """A step on its way (a parse): ``result()`` waits for it."""

    def result(self) -> Batch: ...


class Steps(Protocol):
    """The steps a run calls: plain functions (``PLAIN_STEPS``) or Prefect tasks."""

    def discover(self, fetcher: Fetcher, source: Source, walk: Walk) -> Discovery: ...

    def fetch(
        self, fetcher: Fetcher, source: Source, urls: list[str], usual: int | None
    ) -> Batch: ...

    def parse(
        self, batch: Batch, window: tuple[datetime, datetime] | None, parser: Parser
    ) -> Pending: ...

    def save(self, db: str | None, source: Source, batch: Batch) -> LoadCounts: ...


@dataclass(frozen=True, slots=True)
class Walk:
    """What a listing walk is asked: the plan's window, the links the warehouse knows
    or holds as failed, the listing pages fetched before (asked for conditionally),
    where the pages it fetches are saved, and how a listing page is parsed."""

    plan: Plan
    known: set[str]
    failed: set[str]
    archived: dict[str, Archived]
    keep: Keep
    parse: Callable[..., Listing]


def walk_listings(fetcher: Fetcher, source: Source, walk: Walk) -> Discovery:
    """The discover step: ``flows.crawling.discover`` for the walk's plan."""
    return discover(
        fetcher,
        source,
        since=walk.plan.since,
        until=walk.plan.until,
        known=walk.known,
        failed=walk.failed,
        stop_at_known=walk.plan.stop_at_known,
        archived=walk.archived,
        keep=walk.keep,
        parse=walk.parse,
    )


@dataclass(frozen=True, slots=True)
class _Parsing:
    batch: Batch
    parsing: Parsing
    window: tuple[datetime, datetime] | None

    def result(self) -> Batch:
        return finish_parse(self.batch, self.parsing.result(), self.window)


def save_in(db: str | None, source: Source, batch: Batch) -> LoadCounts:
    """The save step: one batch in one short write transaction."""
    with writing(db, checkpoint=False) as con:
        return save_batch(con, source, batch)


class PlainSteps:
    """The steps called directly: parsing starts on the parser's processes at once."""

    def discover(self, fetcher: Fetcher, source: Source, walk: Walk) -> Discovery:
        return walk_listings(fetcher, source, walk)

    def fetch(self, fetcher: Fetcher, source: Source, urls: list[str], usual: int | None) -> Batch:
        return fetch_pages(fetcher, source, urls, usual_bytes=usual)

    def parse(
        self, batch: Batch, window: tuple[datetime, datetime] | None, parser: Parser
    ) -> Pending:
        return _Parsing(batch, parser.submit(batch.jobs), window)

    def save(self, db: str | None, source: Source, batch: Batch) -> LoadCounts:
        return save_in(db, source, batch)


PLAIN_STEPS = PlainSteps()


@dataclass(slots=True)
class SourceCounts:
    """What a run did for one source; ``error`` is its first failure's reason."""

    discovered: int = 0
    pages: int = 0  # pages asked for: articles, listing pages read and failed
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, int]:
        return {"pages": self.pages, **{name: getattr(self, name) for name in RUN_COUNTS}}


@dataclass(slots=True)
class RunSummary:
    """The counts a run records in ``runs`` and returns to its caller, and what the
    run found wrong (``problems``)."""

    run_id: str
    flow: str
    sources: list[str]
    per_source: dict[str, SourceCounts] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            name: sum(getattr(c, name) for c in self.per_source.values()) for name in RUN_COUNTS
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "flow": self.flow,
            "sources": self.sources,
            **self.counts(),
            "per_source": {name: c.as_dict() for name, c in self.per_source.items()},
        }


@dataclass(frozen=True, slots=True)
class RunContext:
    """What every source of one run shares."""

    db: str | None
    run_id: str
    flow: str
    parser: Parser
    steps: Steps
    log: logging.Logger | logging.LoggerAdapter[logging.Logger]


def run_ingest(
    flow: str,
    source_names: list[str] | None,
    plan_for: Planner,
    *,
    db: str | None = None,
    sources_file: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    run_id: str | None = None,
    workers: int = 1,
    steps: Steps = PLAIN_STEPS,
    log: logging.Logger | logging.LoggerAdapter[logging.Logger] = LOG,
    announce: Callable[[RunSummary], None] | None = None,
) -> RunSummary:
    """Plan, discover, fetch, parse and save each source; record the run.

    ``workers`` parsing processes parse the pages; ``announce`` is told the summary
    before the run raises for its problems. Raises SourcesFailed when every source
    failed outright, UnhealthySources when a source needs a human.
    """
    selected = load_sources(sources_file).select(source_names)
    summary = RunSummary(run_id or str(uuid.uuid4()), flow, [s.name for s in selected])
    started = _begin(db, summary, date_from, date_to, log)
    try:
        with make_client() as client, Parser(workers) as parser:
            run = RunContext(db, summary.run_id, flow, parser, steps, log)
            for source in selected:
                with writing(db, checkpoint=False) as con:
                    plan = plan_for(con, source, started)
                counts = ingest_source(run, source, plan, Fetcher.for_source(client, source))
                summary.per_source[source.name] = counts
                log.info(
                    "%s: %s; %s", source.name, counts.as_dict(), parser.take_usage().describe()
                )
    except BaseException as exc:
        with writing(db) as con:
            finish_run(con, summary.run_id, "failed", summary.counts(), message=repr(exc))
        raise
    _settle(db, summary, selected)
    if announce is not None:
        announce(summary)
    raise_for_problems(summary)
    return summary


def raise_for_problems(summary: RunSummary) -> None:
    """SourcesFailed when every source failed outright, UnhealthySources when some
    source needs a human; nothing for a healthy run."""
    if not summary.problems:
        return
    every = bool(summary.per_source) and all(
        failed_outright(c.pages, c.failed) for c in summary.per_source.values()
    )
    error: type[RunFailed] = SourcesFailed if every else UnhealthySources
    head = "every source failed" if every else "a source needs attention"
    raise error(f"{head}:\n" + "\n".join(f"  {problem}" for problem in summary.problems))


def _begin(
    db: str | None,
    summary: RunSummary,
    date_from: date | None,
    date_to: date | None,
    log: logging.Logger | logging.LoggerAdapter[logging.Logger],
) -> datetime:
    """Record the run as running (and any run whose process died as crashed)."""
    started = datetime.now(UTC)
    me = this_process()
    with writing(db, checkpoint=False) as con:
        crashed = mark_crashed_runs(con, me.host, is_running, now=started)
        start_run(
            con,
            summary.run_id,
            summary.flow,
            summary.sources,
            date_from=date_from,
            date_to=date_to,
            now=started,
            host=me.host,
            pid=me.pid,
            process_start=me.start,
        )
    if crashed:
        log.warning("runs whose process died, now marked crashed: %s", ", ".join(crashed))
    return started


def _settle(db: str | None, summary: RunSummary, selected: Sequence[Source]) -> None:
    """Record each source's counts, what is wrong, and how the run ended."""
    with writing(db) as con:
        per_source = {name: c.as_dict() for name, c in summary.per_source.items()}
        record_source_counts(con, summary.run_id, summary.flow, per_source)
        for source in selected:
            counts = summary.per_source[source.name]
            streak = nothing_new_streak(con, source.name) if summary.flow == "nightly" else None
            summary.problems += problems(
                source.name,
                pages=counts.pages,
                failed=counts.failed,
                max_error_rate=source.max_error_rate,
                nothing_new_streak=streak,
                first_error=counts.error,
            )
        status = "failed" if summary.problems else "completed"
        message = "; ".join(summary.problems) or None
        finish_run(con, summary.run_id, status, summary.counts(), message=message)


def ingest_source(run: RunContext, source: Source, plan: Plan, fetcher: Fetcher) -> SourceCounts:
    """One source's part of a run: discover → fetch → parse → save, for its plan."""
    if plan.done:
        run.log.info(
            "%s: every day asked for is already ingested (bulletin backfill --status)", source.name
        )
        return SourceCounts()
    state = read_state(run.db, source)
    walk = Walk(
        plan,
        # A refetch knows no link, so the stored articles are fetched again, whole: a
        # conditional request could not tell an edit the warehouse never took (a page
        # fetched when re-dated outside a backfill's range is not kept) from none.
        set() if plan.refetch else state.known,
        set(state.failed) if plan.retry_failures else set(),
        state.archived,
        listing_keeper(run.db),
        run.parser.listing_parser(),
    )
    found = run.steps.discover(fetcher, source, walk)
    with writing(run.db, checkpoint=False) as con:  # the listing pages are saved as it walks
        record_failures(con, found.failures)
        clear_failures(con, found.listed)  # listing pages that failed before, read now
        retry = retryable_failures(con, source.name, MAX_ATTEMPTS) if plan.retry_failures else []
    work = plan_work(plan, found, source.timezone, retry, state.failed, state.given_up)
    counts = SourceCounts(
        discovered=len(found.items),
        pages=len(work.urls) + found.listing_pages + len(found.listing_errors),
        fetched=len(work.urls),
        failed=len(found.failures),
        error=work.listing_error,
    )
    if counts.error is None and found.failures:
        counts.error = f"{found.failures[0].url}: {found.failures[0].reason}"
    found.items, found.failed_items = [], []  # let the links go before the long part
    _SourceBatches(run, source, plan, fetcher, work, counts, state.usual_bytes).go()
    with writing(run.db, checkpoint=False) as con:
        given_up = give_up(con, source.name, MAX_ATTEMPTS)
    if given_up:
        run.log.warning(
            "%s: %d page(s) failed %d times and will not be retried (see bulletin failures)",
            source.name,
            given_up,
            MAX_ATTEMPTS,
        )
    return counts


@dataclass(frozen=True, slots=True)
class SourceState:
    """What the warehouse holds of a source when its run starts."""

    known: set[str]  # article URLs it has
    usual_bytes: int | None  # what its article pages usually weigh
    failed: dict[str, str]  # failed URLs and their reasons
    given_up: set[str]  # failed too often: never fetched again
    archived: dict[str, Archived]  # listing pages with validators, asked conditionally


def read_state(db: str | None, source: Source) -> SourceState:
    """A source's state, in one short transaction."""
    with writing(db, checkpoint=False) as con:
        return SourceState(
            known_article_urls(con, source.name),
            usual_article_bytes(con, source.name),
            failure_reasons(con, source.name),
            set(given_up_failures(con, source.name, MAX_ATTEMPTS)),
            {
                url: Archived(page.read, page.content_type, (page.etag, page.last_modified))
                for url, page in archived_listing_pages(con, source.name).items()
                if page.etag or page.last_modified
            },
        )


def listing_keeper(db: str | None) -> Keep:
    """Where a walk hands the listing pages it fetched: saved with their bodies."""

    def keep(pages: list[Page], bodies: Mapping[str, bytes | Packed]) -> None:
        with writing(db, checkpoint=False) as con:
            save_bodies(con, bodies)
            save_pages(con, pages)

    return keep


@dataclass(frozen=True, slots=True)
class Work:
    """The pages a source's run fetches, in groups (a batch of days each, newest first,
    then one group of pages with no listed day); each group's days; and each URL's day.
    ``unfetched`` are failed pages listed on the run's days and not fetched now (not
    due yet, or given up): their days cannot be done."""

    urls: list[str]
    groups: list[list[str]]
    days: list[list[date]]
    day_by_url: dict[str, date | None]
    unfetched: dict[str, str]
    listing_error: str | None  # a listing page failed: the run's days are left in doubt


def plan_work(
    plan: Plan,
    found: Discovery,
    timezone: str,
    retry: Sequence[str],
    failed: Mapping[str, str],
    given_up: set[str],
) -> Work:
    """What to fetch after discovery, and in which day groups: the links found on the
    plan's days (not its ``skip_days``), then failed pages due for a retry, less the
    given-up ones. A rule of the ledger: pure."""
    day_by_url = {
        item.url: day_of(item.published_at, timezone)
        for item in (*found.items, *found.failed_items)
    }
    listed = [i.url for i in found.items if day_by_url[i.url] not in plan.skip_days]
    seen = set(listed)
    urls = [u for u in (*listed, *(u for u in retry if u not in seen)) if u not in given_up]
    fetching = set(urls)
    unfetched = {u: failed[u] for u in day_by_url if u in failed and u not in fetching}
    days = [*day_batches(plan.days, plan.batch_days), []]
    group_of: dict[date | None, int] = {day: k for k, batch in enumerate(days) for day in batch}
    groups: list[list[str]] = [[] for _ in days]
    for url in urls:
        groups[group_of.get(day_by_url.get(url), len(days) - 1)].append(url)
    listing_error = found.listing_errors[0] if found.listing_errors else None
    return Work(urls, groups, days, day_by_url, unfetched, listing_error)


@dataclass(slots=True)
class _SourceBatches:
    """Fetching, parsing and saving one source's pages, batch after batch, and the
    ledger's days as their groups complete."""

    ctx: RunContext
    source: Source
    plan: Plan
    fetcher: Fetcher
    work: Work
    counts: SourceCounts
    usual_bytes: int | None
    pages_done: int = 0
    days_done: int = 0

    def go(self) -> None:
        saved = GroupsSaved.of(self.work.groups)
        pages = [(url, group) for group, urls in enumerate(self.work.groups) for url in urls]
        parsing: deque[tuple[Pending, dict[str, int]]] = deque()
        self._record(saved.saved([], []), saved)  # groups with no pages at all, up front
        for chunk in chunks(pages):
            owners = dict(chunk)
            batch = self.ctx.steps.fetch(self.fetcher, self.source, list(owners), self.usual_bytes)
            parsing.append((self.ctx.steps.parse(batch, self.plan.window, self.ctx.parser), owners))
            while len(parsing) > PARSE_AHEAD:
                self._save(*parsing.popleft(), saved)
        while parsing:
            self._save(*parsing.popleft(), saved)

    def _save(self, pending: Pending, owners: dict[str, int], saved: GroupsSaved) -> None:
        batch = pending.result()
        loaded = self.ctx.steps.save(self.ctx.db, self.source, batch)
        batch.release()
        counts = self.counts
        counts.new += loaded.new
        counts.updated += loaded.updated
        counts.unchanged += loaded.unchanged
        counts.failed += len(batch.failures)
        if counts.error is None and batch.failures:
            counts.error = f"{batch.failures[0].url}: {batch.failures[0].reason}"
        self.pages_done += len(batch.pages)
        self.ctx.log.info(
            "%s: %d/%d pages fetched", self.source.name, self.pages_done, len(self.work.urls)
        )
        failures = [(owners[f.url], f) for f in batch.failures if f.url in owners]
        self._record(saved.saved(list(owners.values()), failures), saved)

    def _record(self, groups: list[int], saved: GroupsSaved) -> None:
        """The days of the groups just completed, in the ledger, in one transaction."""
        if not groups:
            return
        work = self.work
        failed_on: dict[date, list[str]] = {}
        for failure in (f for group in groups for f in saved.failures[group]):
            day = work.day_by_url.get(failure.url)
            if day is not None:
                failed_on.setdefault(day, []).append(failure.reason)
        days = [day for group in groups for day in work.days[group]]
        in_groups = set(days)
        for url, reason in work.unfetched.items():  # listed on these days, not fetched
            day = work.day_by_url.get(url)
            if day is not None and day in in_groups:
                failed_on.setdefault(day, []).append(reason)
        with writing(self.ctx.db, checkpoint=False) as con:
            record_days(
                con,
                outcomes(self.source.name, days, failed_on, work.listing_error),
                run_id=self.ctx.run_id,
                flow=self.ctx.flow,
                timezone=self.source.timezone,
            )
        self.days_done += len(days)
        report(
            Progress(
                self.source.name,
                self.days_done,
                len(self.plan.days),
                self.pages_done,
                len(work.urls),
                self.counts.new + self.counts.updated,
                self.counts.failed,
            )
        )
