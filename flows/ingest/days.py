"""Days, as the backfill ledger counts them: which day a page belongs to, the days a run
covers, how they are grouped into batches, and when a batch's pages are all saved.
Pure code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.ledger import DayOutcome
from storage.records import Failure

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


@dataclass(slots=True)
class GroupsSaved:
    """Groups of pages (a batch of days each) saved in chunks that run across groups:
    a group is complete once its last page is saved, and groups complete in order."""

    pending: list[int]  # pages of each group not saved yet
    failures: list[list[Failure]]  # each group's failed pages so far
    complete: int = 0  # groups complete so far: the first ``complete`` ones

    @classmethod
    def of(cls, groups: Sequence[Sequence[object]]) -> GroupsSaved:
        return cls([len(g) for g in groups], [[] for _ in groups])

    def saved(self, owners: Sequence[int], failures: Iterable[tuple[int, Failure]]) -> list[int]:
        """Record a saved chunk: the group of each of its pages, and its failures with
        their groups. Returns the groups this completes (with none saved yet, the
        leading empty groups)."""
        for group in owners:
            self.pending[group] -= 1
        for group, failure in failures:
            self.failures[group].append(failure)
        first = self.complete
        while self.complete < len(self.pending) and self.pending[self.complete] == 0:
            self.complete += 1
        return list(range(first, self.complete))
