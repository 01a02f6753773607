"""A reader in a process of its own: one `bulletin sql` query, timed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def count_articles(db: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `bulletin sql` on ``db`` in a new process; its wall time and its outcome."""
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bulletin.cli",
            "sql",
            "--db",
            str(db),
            "--format",
            "csv",
            "SELECT count(*) AS n FROM articles",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return time.monotonic() - started, done
