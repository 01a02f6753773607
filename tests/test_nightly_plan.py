"""The nightly plan reaches back to a day an earlier run left failed for a listing page,
and then walks past the pages of known links; other failed days leave it as it was."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flows.ingest.plans import OVERLAP, Plan, nightly_plan
from flows.sources import Source
from storage.ledger import DayOutcome, record_days
from storage.runs import finish_run, start_run
from storage.warehouse import writing

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
LAST_RUN = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)
SOURCE = Source(
    name="s", base_url="http://portal.test", listings=("/",), start_date=date(2026, 11, 1)
)
LISTING_ERROR = "listing http://portal.test/?page=3: listing page shows no article links"


def ledger(tmp_path: Path, days: list[tuple[date, str | None, int]]) -> Path:
    """A warehouse with a completed nightly run, and ``days`` recorded as (day, error,
    attempts) by it."""
    db = tmp_path / "w.duckdb"
    with writing(db) as con:
        start_run(con, "r1", "nightly", ["s"], now=LAST_RUN)
        finish_run(con, "r1", "completed", {}, now=LAST_RUN)
        for day, error, attempts in days:
            for _ in range(attempts):
                outcome = DayOutcome("s", day, 0, error)
                record_days(con, [outcome], run_id="r1", flow="nightly", timezone=str(HCM))
    return db


def plan_of(db: Path) -> Plan:
    with writing(db) as con:
        return nightly_plan(con, SOURCE, NOW)


@pytest.mark.parametrize(
    ("days", "since", "stop_at_known"),
    [
        ([], LAST_RUN - OVERLAP, True),
        # A listing page failed on 5 November: the walk goes back to it, past known pages.
        (
            [(date(2026, 11, 5), LISTING_ERROR, 1)],
            datetime.combine(date(2026, 11, 5), time.min, tzinfo=HCM),
            False,
        ),
        # ... but not once the day failed MAX_ATTEMPTS (3) times: that is the backfill's.
        ([(date(2026, 11, 5), LISTING_ERROR, 3)], LAST_RUN - OVERLAP, True),
        # ... nor before the source's first-run reach (start_date 1 November).
        ([(date(2026, 10, 30), LISTING_ERROR, 1)], LAST_RUN - OVERLAP, True),
        # A day whose articles failed is left to the failures' own retries.
        ([(date(2026, 11, 5), "HTTP 404 Not Found", 1)], LAST_RUN - OVERLAP, True),
    ],
)
def test_the_reach_of_a_nightly_run(
    tmp_path: Path,
    days: list[tuple[date, str | None, int]],
    since: datetime,
    stop_at_known: bool,
) -> None:
    plan = plan_of(ledger(tmp_path, days))
    assert (plan.since, plan.stop_at_known, plan.retry_failures) == (since, stop_at_known, True)
    first = since.astimezone(HCM).date()
    assert plan.days[0] == NOW.astimezone(HCM).date()
    assert plan.days[-1] == first
    assert len(plan.days) == (plan.days[0] - first).days + 1
