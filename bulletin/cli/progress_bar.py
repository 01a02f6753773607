"""The CLI's progress bar (rich) for long runs: days done, pages, articles, failures.

It listens to ``flows.ingest.progress`` reports from the run in the same process, and draws on
standard error only when that is a terminal (logs and pipes get the flow's log lines).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from flows.ingest.progress import Progress as RunProgress
from flows.ingest.progress import listening


@contextmanager
def progress_bar(
    title: str, *, force: bool = False, console: Console | None = None
) -> Iterator[None]:
    """Show a bar per source while the block runs (``force``: even off a terminal)."""
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days · {task.fields[pages]} pages · {task.fields[articles]} articles"),
        TextColumn("· {task.fields[failures]} failures"),
        TimeElapsedColumn(),
        disable=not (force or sys.stderr.isatty()),
        transient=False,
        console=console,
    )
    tasks: dict[str, TaskID] = {}

    def update(report: RunProgress) -> None:
        if report.source not in tasks:
            tasks[report.source] = bar.add_task(
                f"{title}: {report.source}", total=None, pages="0", articles=0, failures=0
            )
        bar.update(
            tasks[report.source],
            completed=report.days_done,
            total=report.days_total or None,
            pages=f"{report.pages_done}/{report.pages_total}",
            articles=report.articles,
            failures=report.failures,
        )

    with bar, listening(update):
        yield
