"""The nightly flow: what each source published since its last successful run
(``flows.ingest.plans.nightly_plan``), through the ingest core."""

from __future__ import annotations

from datetime import date

from prefect import flow

from bulletin.errors import RunFailed
from flows.ingest.plans import nightly_plan, since_day_plan
from flows.ingest.run import run_ingest
from flows.runners import task_runner
from flows.tasks import ended_failed, prefect_run_options
from flows.warehouse_slot import warehouse_slot


@flow(name="nightly", log_prints=True, task_runner=task_runner())
def nightly(
    sources: list[str] | None = None,
    db: str | None = None,
    sources_file: str | None = None,
    since: date | None = None,
) -> dict[str, object]:
    """Ingest what is new on each source (all enabled sources when none are named).

    ``since`` overrides how far back to reach, for every source.
    """
    plan = nightly_plan if since is None else since_day_plan(since)
    try:
        with warehouse_slot():
            summary = run_ingest(
                "nightly", sources, plan, db=db, sources_file=sources_file, **prefect_run_options()
            )
    except RunFailed as exc:  # saved what it got; a source needs a human
        return ended_failed(exc)
    return summary.to_dict()
