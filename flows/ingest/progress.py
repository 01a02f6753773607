"""Progress of a run, for whoever listens in the same process (the CLI's progress bar).

The pipeline reports; listeners are plain callables. No Prefect, no rich here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    """Where one source's run stands."""

    source: str
    days_done: int
    days_total: int
    pages_done: int
    pages_total: int
    articles: int  # new or updated so far
    failures: int


Listener = Callable[[Progress], None]
_listeners: list[Listener] = []
_lock = threading.Lock()


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Call ``listener`` with each report while the block runs."""
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)


def report(progress: Progress) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(progress)
