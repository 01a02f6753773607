"""Days, as the backfill ledger counts them: which day a page belongs to, the days a run
covers, and how they are grouped into batches. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.partitions import DayOutcome

DEFAULT_BATCH_DAYS = 7


def day_of(when: datetime | None, timezone: str) -> date | None:
    """The calendar day of ``when`` in the source's timezone."""
    return when.astimezone(ZoneInfo(timezone)).date() if when is not None else None


def days_between(first: date, last: date) -> list[date]:
    """Every day from ``last`` back to ``first`` (newest first, as listings run)."""
    return [last - timedelta(days=k) for k in range((last - first).days + 1)]


def day_batches(days: Sequence[date], size: int = DEFAULT_BATCH_DAYS) -> list[list[date]]:
    """``days`` (newest first) in batches of at most ``size``."""
    ordered = sorted(days, reverse=True)
    return [ordered[k : k + size] for k in range(0, len(ordered), size)]


def outcomes(
    source: str,
    days: Iterable[date],
    failed: Mapping[date, Sequence[str]],
    listing_error: str | None = None,
) -> list[DayOutcome]:
    """Each day's outcome: its failed pages' reasons, or the listing error that leaves
    every day of the run in doubt."""
    result = []
    for day in days:
        reasons = failed.get(day, ())
        error = listing_error or (reasons[0] if reasons else None)
        result.append(DayOutcome(source, day, len(reasons), error))
    return result
