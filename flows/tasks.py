"""The Prefect layer over the ingest core: its steps as Prefect tasks (so each shows in
the UI, and parsing can run on a Dask task runner's workers), the run's logger, id and
parsing processes as Prefect sees them, and the summary artifact.

Work is batched: one task per listing walk and per batch of article URLs, never one per
page. A batch is fetched in the flow (which keeps each host's manners), parsed by a task
submitted to the flow's task runner while the next batch is fetched, and saved by the
flow process, the single writer of the warehouse.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypedDict

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from bulletin.errors import RunFailed
from flows.crawling.discover import Discovery
from flows.crawling.fetcher import Fetcher
from flows.ingest.parsing import Parser, default_workers
from flows.ingest.run import Pending, RunSummary, Steps, Walk, save_in, walk_listings
from flows.ingest.steps import Batch, fetch_pages, parse_pages
from flows.sources import Source
from storage.records import LoadCounts
from storage.runs import RUN_COUNTS


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(fetcher: Fetcher, source: Source, walk: Walk) -> Discovery:
    return walk_listings(fetcher, source, walk)


@task(name="fetch", cache_policy=NO_CACHE)
def fetch_task(fetcher: Fetcher, source: Source, urls: list[str], usual: int | None) -> Batch:
    return fetch_pages(fetcher, source, urls, usual_bytes=usual)


@task(name="parse", cache_policy=NO_CACHE)
def parse_task(batch: Batch, window: tuple[datetime, datetime] | None, parser: Parser) -> Batch:
    return parse_pages(batch, window=window, parser=parser)


@task(name="save", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def save_task(db: str | None, source: Source, batch: Batch) -> LoadCounts:
    return save_in(db, source, batch)


class PrefectSteps:
    """The core's steps as Prefect tasks; parsing is submitted to the task runner."""

    def discover(self, fetcher: Fetcher, source: Source, walk: Walk) -> Discovery:
        return discover_task(fetcher, source, walk)

    def fetch(self, fetcher: Fetcher, source: Source, urls: list[str], usual: int | None) -> Batch:
        return fetch_task(fetcher, source, urls, usual)

    def parse(
        self, batch: Batch, window: tuple[datetime, datetime] | None, parser: Parser
    ) -> Pending:
        return parse_task.submit(batch, window, parser)

    def save(self, db: str | None, source: Source, batch: Batch) -> LoadCounts:
        return save_task(db, source, batch)


PREFECT_STEPS = PrefectSteps()


def current_run_id() -> str:
    """The Prefect flow run id, or a fresh one outside a flow run."""
    run_id = flow_run.id
    return str(run_id) if run_id else str(uuid.uuid4())


def parse_workers() -> int:
    """Parsing processes of a run: ``flows.ingest.parsing.default_workers`` under the
    default (thread) task runner; one on a Dask (or other process-based) runner, whose
    workers are the processes."""
    context = FlowRunContext.get()
    runner = context.task_runner if context is not None else None
    return default_workers() if runner is None or isinstance(runner, ThreadPoolTaskRunner) else 1


def ended_failed(exc: RunFailed) -> Any:
    """What a flow returns, in place of its result, for a run that failed (a source
    needs a human): a Failed state with the run's message, so the run ends Failed with
    no traceback in the log (nothing went wrong in the code), and calling the flow
    raises ``exc`` all the same (typed Any: the caller never receives the state)."""
    state: State[Any] = Failed(message=str(exc), data=exc)
    return state


def publish_summary(summary: RunSummary) -> None:
    """A markdown artifact of the run, per source, in the Prefect UI."""
    lines = [
        f"# {summary.flow} run {summary.run_id}",
        "",
        "| source | " + " | ".join(RUN_COUNTS) + " |",
        "|---|" + "---|" * len(RUN_COUNTS),
    ]
    for source, counts in summary.per_source.items():
        row = counts.as_dict()
        lines.append(f"| {source} | " + " | ".join(str(row[c]) for c in RUN_COUNTS) + " |")
    if summary.problems:
        lines += ["", "**Needs attention:**", "", *(f"- {p}" for p in summary.problems)]
    create_markdown_artifact(
        "\n".join(lines),
        key=f"{summary.flow}-summary",
        description=f"What the {summary.flow} run ingested, per source",
    )


class RunOptions(TypedDict):
    """What a flow hands ``flows.ingest.run.run_ingest`` under Prefect."""

    run_id: str
    workers: int
    steps: Steps
    log: logging.Logger | logging.LoggerAdapter[logging.Logger]
    announce: Callable[[RunSummary], None]


def prefect_run_options() -> RunOptions:
    """The flow run's id, parsing processes, steps as tasks, logger and artifact."""
    return RunOptions(
        run_id=current_run_id(),
        workers=parse_workers(),
        steps=PREFECT_STEPS,
        log=get_run_logger(),
        announce=publish_summary,
    )
