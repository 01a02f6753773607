"""Health rules after a run, pure: a source that failed outright (every page it asked
for failed: unreachable, refused), one whose pages failed at more than its
``max_error_rate``, or one that found nothing new for ``NOTHING_NEW_NIGHTS`` nightly
runs in a row needs a human. The run then ends Failed (after everything it fetched is
saved), naming each source and why, so that Prefect automations can notify."""

from __future__ import annotations

NOTHING_NEW_NIGHTS = 7
MIN_PAGES_FOR_RATE = 10  # below this many pages, a rate says little


def failed_outright(pages: int, failed: int) -> bool:
    """Whether a source asked for pages and every one of them failed."""
    return pages > 0 and failed >= pages


def problems(
    source: str,
    *,
    pages: int,
    failed: int,
    max_error_rate: float,
    nothing_new_streak: int | None = None,
    first_error: str | None = None,
) -> list[str]:
    """What is wrong with one source after a run: ``failed`` of the ``pages`` it asked
    for (articles and listings) failed, the first with ``first_error``;
    ``nothing_new_streak`` is None for a flow that does not watch for it."""
    if failed_outright(pages, failed):
        why = f": {first_error}" if first_error else ""
        return [f"{source}: all {pages} pages failed{why}"]
    found = []
    if nothing_new_streak is not None and nothing_new_streak >= NOTHING_NEW_NIGHTS:
        found.append(f"{source}: no new article for {nothing_new_streak} nightly runs in a row")
    if pages >= MIN_PAGES_FOR_RATE and failed / pages > max_error_rate:
        found.append(
            f"{source}: {failed} of {pages} pages failed ({failed / pages:.0%}, "
            f"above the {max_error_rate:.0%} allowed; see bulletin failures --source {source})"
        )
    return found
