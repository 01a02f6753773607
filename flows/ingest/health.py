"""Health checks after a run: a source that found nothing new for ``NOTHING_NEW_NIGHTS``
nightly runs in a row, or whose pages failed at more than its ``max_error_rate``, fails
the flow (after everything it fetched is saved), naming the source and why, so that
Prefect automations can notify."""

from __future__ import annotations

NOTHING_NEW_NIGHTS = 7
MIN_PAGES_FOR_RATE = 10  # below this many pages, a rate says little


class UnhealthySources(RuntimeError):
    """One or more sources need a human: the message says which and why."""


def problems(
    source: str,
    *,
    pages: int,
    failed: int,
    max_error_rate: float,
    nothing_new_streak: int | None = None,
) -> list[str]:
    """What is wrong with one source after a run: ``failed`` of the ``pages`` it asked
    for (articles and listings) failed; ``nothing_new_streak`` is None for a flow that
    does not watch for it."""
    found = []
    if nothing_new_streak is not None and nothing_new_streak >= NOTHING_NEW_NIGHTS:
        found.append(f"{source}: no new article for {nothing_new_streak} nightly runs in a row")
    if pages >= MIN_PAGES_FOR_RATE and failed / pages > max_error_rate:
        found.append(
            f"{source}: {failed} of {pages} pages failed ({failed / pages:.0%}, "
            f"above the {max_error_rate:.0%} allowed; see bulletin failures --source {source})"
        )
    return found
