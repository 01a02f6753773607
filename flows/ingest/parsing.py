"""Parsing on every core: archived or fetched page bodies in, articles (as the rows the
warehouse loads) or extraction failures out.

Extraction is pure CPU work, so a run parses in a pool of worker processes (one per core
by default, started from a fork server that has the extractors imported) while its
threads fetch, or while it saves the previous batch (``submit_all`` returns at once).
Small batches, and runs whose parse tasks already run on Dask workers, parse in the
calling process. No Prefect here.

Each page has a time limit to be parsed and extracted in (``ParseJob.parse_timeout``, a
source's ``parse_timeout``): past it, the page is an extraction failure "too slow to
parse (over N s)" and the rest of its batch goes on. In the parsing processes a real
timer (SIGALRM, in the worker's main thread) interrupts the page wherever it is, lxml's
callbacks included; parsing in this process (a Prefect task's thread, where no signal
can be used) relies on the checks the extraction loops make (``extractors.limits``).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TypeVar

from extractors import Article, ExtractionError, extract, parse_listing
from extractors.limits import DEFAULT_PARSE_TIMEOUT, ParseTimeout, time_limit, too_slow
from extractors.records import Listing
from storage.rows import ArticleRows, article_rows

T = TypeVar("T")

MIN_POOL_JOBS = 8  # fewer pages than this are parsed in-process: a pool is not worth it
CHUNKS_PER_WORKER = 8  # a batch goes to the processes in chunks, this many per worker
_POOL_ERRORS = (BrokenProcessPool, RuntimeError, OSError)  # the processes cannot run


@dataclass(frozen=True, slots=True)
class ParseJob:
    """One page to extract, with what its source says of how to read it."""

    url: str
    body: bytes
    content_type: str | None
    profile: str | None
    timezone: str
    status: int = 200  # the HTTP status the page came with
    parse_timeout: float = DEFAULT_PARSE_TIMEOUT  # seconds to parse and extract it in


def default_workers() -> int:
    """One parsing process per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_one(job: ParseJob) -> Article | str:
    """The article, or the reason extraction failed (taking longer than
    ``job.parse_timeout`` included, as far as the extraction loops check)."""
    try:
        with time_limit(job.parse_timeout):
            return extract(
                job.body,
                job.url,
                profile=job.profile,
                timezone=job.timezone,
                content_type=job.content_type,
            )
    except ExtractionError as exc:
        return exc.reason
    except ParseTimeout:
        return too_slow(job.parse_timeout)


ALARM_REPEAT = 0.05  # seconds between alarms once a page is past its limit
_alarm_armed = False  # whether SIGALRM now means "this page is past its limit"


def _on_alarm(signum: int, frame: object) -> None:
    if _alarm_armed:
        raise ParseTimeout


def parse_one_alarmed(job: ParseJob) -> Article | str:
    """``parse_one`` under a real timer, in a parsing process: SIGALRM interrupts the
    page after ``job.parse_timeout`` seconds wherever it is (Python code, a regular
    expression, lxml calling back to build the tree), not only where extraction checks.
    Outside a process's main thread, or without ``setitimer``, ``parse_one`` as is."""
    global _alarm_armed
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        return parse_one(job)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        try:
            _alarm_armed = True
            # Repeating: an alarm whose exception is swallowed (raised inside a garbage
            # collector callback, say) rings again until the page is interrupted.
            signal.setitimer(signal.ITIMER_REAL, job.parse_timeout, ALARM_REPEAT)
            return parse_one(job)
        finally:
            _alarm_armed = False  # an alarm handled from here on raises nothing
            signal.setitimer(signal.ITIMER_REAL, 0)
    except ParseTimeout:  # the alarm rang as the page ended
        return too_slow(job.parse_timeout)
    finally:
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True, slots=True)
class Parsed:
    """Pages parsed together: for each, in order, why its extraction failed (None: it
    gave an article); and the articles as rows (``storage.rows``), in the same order,
    failures left out. Rows are built where the pages are parsed, so the writer only
    inserts them."""

    errors: list[str | None]
    rows: ArticleRows

    def positions(self) -> list[int | None]:
        """For each page, the position of its article in ``rows`` (None: it failed)."""
        found: list[int | None] = []
        count = 0
        for error in self.errors:
            found.append(None if error is not None else count)
            count += error is None
        return found

    @staticmethod
    def concat(parts: Sequence[Parsed]) -> Parsed:
        return Parsed(
            [e for part in parts for e in part.errors],
            ArticleRows.concat([part.rows for part in parts]),
        )


class Parsing:
    """The parse of some jobs, on its way: ``result()`` waits for it."""

    def __init__(self, jobs: Sequence[ParseJob], chunks: list[Future[Parsed]]):
        self._jobs = jobs
        self._chunks = chunks  # none: parse in this process when asked

    def result(self) -> Parsed:
        """The jobs parsed (here, if the processes failed)."""
        chunks = _results(self._chunks) if self._chunks else None
        if chunks is not None:
            return Parsed.concat(chunks)
        return _parse_chunk(self._jobs)


def submit_all(jobs: Sequence[ParseJob], workers: int = 1) -> Parsing:
    """Start parsing ``jobs`` on ``workers`` processes, when it pays, and return at once;
    otherwise they are parsed in this process when their result is asked for.

    If the processes cannot run (a script that starts a run without an
    ``if __name__ == "__main__":`` guard, no /dev/shm, ...), the pages are parsed in
    this process instead, with a warning, once.
    """
    if workers <= 1 or len(jobs) < MIN_POOL_JOBS:
        return Parsing(jobs, [])
    size = max(1, len(jobs) // (workers * CHUNKS_PER_WORKER))
    chunks = _submitted(
        workers, _parse_chunk_alarmed, [(jobs[i : i + size],) for i in range(0, len(jobs), size)]
    )
    return Parsing(jobs, chunks or [])


def parse_all(jobs: Sequence[ParseJob], workers: int = 1) -> Parsed:
    """The jobs parsed, on ``workers`` processes when it pays."""
    return submit_all(jobs, workers).result()


def _listing_or_reason(
    content: bytes, url: str, profile: str | None, timezone: str, content_type: str | None
) -> Listing | str:
    try:
        return parse_listing(
            content, url, profile=profile, timezone=timezone, content_type=content_type
        )
    except ExtractionError as exc:
        return exc.reason


def listing_parser(workers: int) -> Callable[..., Listing]:
    """``parse_listing``, run on the parsing processes when there are several (so that
    listings walked side by side parse on every core), else in this process."""
    if workers <= 1:
        return parse_listing

    def parse(
        content: bytes,
        url: str,
        *,
        profile: str | None = None,
        timezone: str,
        content_type: str | None = None,
    ) -> Listing:
        args = (content, url, profile, timezone, content_type)
        futures = _submitted(workers, _listing_or_reason, [args])
        results = _results(futures) if futures else None
        result = results[0] if results else _listing_or_reason(*args)
        if isinstance(result, str):
            raise ExtractionError(url, result)
        return result

    return parse


def _parse_chunk(
    jobs: Sequence[ParseJob], parse: Callable[[ParseJob], Article | str] | None = None
) -> Parsed:
    results = [(parse or parse_one)(job) for job in jobs]
    return Parsed(
        [r if isinstance(r, str) else None for r in results],
        article_rows([r for r in results if not isinstance(r, str)]),
    )


def _parse_chunk_alarmed(jobs: Sequence[ParseJob]) -> Parsed:
    """``_parse_chunk`` in a parsing process: each page under a real timer."""
    return _parse_chunk(jobs, parse_one_alarmed)


def _submitted(
    workers: int, fn: Callable[..., T], calls: Sequence[tuple[object, ...]]
) -> list[Future[T]] | None:
    """``fn(*args)`` for each of ``calls`` on the pool; None when the pool cannot run."""
    if _pool_broken is not None:
        return None
    try:
        pool = _pool(workers)
        return [pool.submit(fn, *args) for args in calls]
    except _POOL_ERRORS as exc:
        _give_up_pool(exc)
        return None


def _results(futures: Sequence[Future[T]]) -> list[T] | None:
    """Each future's result, in order; None when the pool broke or was closed under them
    (a failure elsewhere, a run's end): the caller then does the work itself."""
    try:
        return [future.result() for future in futures]
    except CancelledError:
        return None
    except _POOL_ERRORS as exc:
        _give_up_pool(exc)
        return None


def _give_up_pool(exc: BaseException) -> None:
    """Parse in this process from now on; warn of it the first time."""
    global _pool_broken
    if _pool_broken is not None:
        return
    _pool_broken = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"
    close_pools()
    warnings.warn(
        f"parsing in one process: the parsing processes could not run ({_pool_broken})",
        RuntimeWarning,
        stacklevel=3,
    )


_pools: dict[int, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()
_pool_broken: str | None = None  # why the processes could not run, once they could not


def _pool(workers: int) -> ProcessPoolExecutor:
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            # A fork server forks workers from a clean process (this one has threads),
            # with this module, so the extractors and BeautifulSoup, already imported
            # ("extractors" alone loads neither).
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["flows.ingest.parsing"])
            # A run killed outright leaves no worker behind (_end_with_parent).
            pool = _pools[workers] = ProcessPoolExecutor(
                workers, mp_context=context, initializer=_end_with_parent
            )
        return pool


def _end_with_parent() -> None:
    """In a worker: end it as soon as the process that started the pool ends (killed
    outright, it stops no pool), instead of waiting for work forever. Neither the fork
    server nor PR_SET_PDEATHSIG would: the workers hold the fork server open (it ends
    once all its clients have), so only the pool's process ending tells. A thread waits
    for that on the worker's sentinel of it."""
    parent = multiprocessing.parent_process()
    sentinel = parent.sentinel if parent is not None else None
    if sentinel is None:
        return

    def wait() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=wait, name="end-with-parent", daemon=True).start()


def close_pools() -> None:
    """Stop the parsing processes (a run calls this when it ends)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)
