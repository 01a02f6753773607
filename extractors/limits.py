"""A time limit on reading one page, checked cooperatively by the extraction loops.

The caller sets the limit (``time_limit``) around ``extract``; the loops whose work grows
with the page (facts over each quantity, document and official found) call ``check``,
which raises ``ParseTimeout`` once the limit is past. This is the second line: it cannot
interrupt work in C (lxml building the tree), which is why the parsing processes also arm
a real timer (``flows.ingest.parsing``). The limit is per thread: parsing threads do not share it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_PARSE_TIMEOUT = 30.0  # seconds to parse and extract one page, unless a source says


class ParseTimeout(BaseException):
    """Reading one page took longer than its limit.

    A ``BaseException`` (like ``KeyboardInterrupt``): no ``except Exception`` on the way
    may mistake it for a page's own error and carry on.
    """


_local = threading.local()


def too_slow(seconds: float) -> str:
    """The failure reason recorded for a page past its limit."""
    return f"too slow to parse (over {seconds:g} s)"


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Within the block, ``check`` raises ``ParseTimeout`` once ``seconds`` have passed
    (None: no limit). Blocks nest; the inner limit holds inside."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = None if seconds is None else time.monotonic() + seconds
    try:
        yield
    finally:
        _local.deadline = previous


def check() -> None:
    """Raise ``ParseTimeout`` if this thread's limit has passed."""
    deadline = getattr(_local, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise ParseTimeout
