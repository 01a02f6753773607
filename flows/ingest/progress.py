"""Progress of a run, for whoever listens in the same context (the CLI's progress bar).

The ingest core reports; listeners are plain callables, registered for the block that
starts the run (a context variable: another thread or run listening elsewhere hears
nothing of this one). No Prefect, no rich here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
_listeners: ContextVar[tuple[Listener, ...]] = ContextVar("bulletin_progress", default=())


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Call ``listener`` with each report made in this context while the block runs."""
    token = _listeners.set((*_listeners.get(), listener))
    try:
        yield
    finally:
        _listeners.reset(token)


def report(progress: Progress) -> None:
    """Tell the listeners of this context where a run stands."""
    for listener in _listeners.get():
        listener(progress)
