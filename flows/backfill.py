"""The backfill flow: every article a source dated within a range of days
(``flows.ingest.plans.backfill_plan``), through the ingest core."""

from __future__ import annotations

from datetime import date

from prefect import flow

from bulletin.errors import InputError, RunFailed
from flows.ingest.days import DEFAULT_BATCH_DAYS
from flows.ingest.plans import backfill_planner
from flows.ingest.run import run_ingest
from flows.runners import task_runner
from flows.tasks import ended_failed, prefect_run_options
from flows.warehouse_slot import warehouse_slot


@flow(name="backfill", log_prints=True, task_runner=task_runner())
def backfill(
    source: str,
    date_from: date,
    date_to: date,
    db: str | None = None,
    sources_file: str | None = None,
    batch_days: int = DEFAULT_BATCH_DAYS,
    force: bool = False,
    refetch: bool = False,
) -> dict[str, object]:
    """Ingest the articles of ``source`` dated from ``date_from`` to ``date_to``: the
    days the ledger does not hold as done (with ``force``, every day: listing pages are
    asked for conditionally and known articles are not fetched again), ``batch_days``
    days at a time. ``refetch`` is ``force`` that fetches the known articles again too:
    an article whose content changed is updated, its stored version kept in
    ``article_versions``."""
    if date_from > date_to:
        raise InputError(f"date_from {date_from} is after date_to {date_to}")
    if batch_days < 1:
        raise InputError(f"batch_days must be at least 1, not {batch_days}")
    try:
        with warehouse_slot():
            summary = run_ingest(
                "backfill",
                [source],
                backfill_planner(date_from, date_to, batch_days, force, refetch),
                db=db,
                sources_file=sources_file,
                date_from=date_from,
                date_to=date_to,
                **prefect_run_options(),
            )
    except RunFailed as exc:  # saved what it got; a source needs a human
        return ended_failed(exc)
    return summary.to_dict()
