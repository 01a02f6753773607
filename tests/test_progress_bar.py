"""The CLI's progress bar draws what the run reports: days, pages, articles, failures."""

from __future__ import annotations

import io

from rich.console import Console

from bulletin.cli.progress_bar import progress_bar
from flows.ingest.progress import Progress, report


def test_the_bar_shows_each_source_s_days_pages_articles_and_failures() -> None:
    out = io.StringIO()
    console = Console(file=out, width=160, force_terminal=False, color_system=None)
    with progress_bar("backfill sample", force=True, console=console):
        report(Progress("sample", 3, 90, 120, 400, 118, 2))
        report(Progress("sample", 90, 90, 400, 400, 396, 4))
    text = out.getvalue()
    assert "backfill sample: sample" in text
    assert "90/90" in text
    assert "400/400 pages · 396 articles" in text
    assert "4 failures" in text
    report(Progress("sample", 1, 1, 1, 1, 1, 0))  # no listener left: nothing happens
