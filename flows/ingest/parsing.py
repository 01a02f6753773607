"""Parsing on every core: archived or fetched page bodies in, articles (as the rows the
warehouse loads) or extraction failures out.

Extraction is pure CPU work, so a run parses in a pool of worker processes (one per core
by default, or ``$BULLETIN_PARSE_WORKERS``; started from a fork server that has the
extractors imported) while its threads fetch, or while it saves the previous batch
(``Parser.submit`` returns at once). The pool belongs to a ``Parser``, which one run
creates and closes: nothing here is shared between runs. Small batches, and runs whose
parse tasks already run on Dask workers, parse in the calling process. No Prefect here.

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
from typing import Any, Protocol, TypeVar

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


WORKERS_SETTING = "BULLETIN_PARSE_WORKERS"


def default_workers() -> int:
    """``$BULLETIN_PARSE_WORKERS`` parsing processes, else one per core this process may
    run on."""
    setting = os.environ.get(WORKERS_SETTING, "").strip()
    if setting:
        try:
            workers = int(setting)
        except ValueError:
            workers = 0
        if workers < 1:
            raise ValueError(f"{WORKERS_SETTING} must be a whole number ≥ 1, not {setting!r}")
        return workers
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


@dataclass(frozen=True, slots=True)
class Usage:
    """What a parser did since it was last asked: pages parsed, and the parsing
    processes (pids) that parsed at least one of them (this process not counted)."""

    pages: int
    processes: frozenset[int]

    def describe(self) -> str:
        pids = ", ".join(str(pid) for pid in sorted(self.processes)) or "-"
        return f"parsed {self.pages} pages in {len(self.processes)} processes (pids {pids})"


class Executor(Protocol):
    """What a parser needs of a pool: a ProcessPoolExecutor, or a stand-in in tests."""

    def submit(self, fn: Callable[..., T], /, *args: Any) -> Future[T]: ...


def process_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` parsing processes, forked from a fork server that has this module (so
    the extractors and BeautifulSoup) imported; each ends when the process that started
    the pool does (``_end_with_parent``)."""
    # A fork server forks workers from a clean process (this one has threads).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_end_with_parent)


class Parsing:
    """The parse of some jobs, on its way: ``result()`` waits for it."""

    def __init__(
        self, parser: Parser, jobs: Sequence[ParseJob], chunks: list[Future[_Chunk]]
    ) -> None:
        self._parser = parser
        self._jobs = jobs
        self._chunks = chunks  # none: parse in this process when asked

    def result(self) -> Parsed:
        """The jobs parsed (here, if the processes failed)."""
        chunks = self._parser._results(self._chunks) if self._chunks else None
        if chunks is not None:
            parsed = Parsed.concat([part for _, part in chunks])
            self._parser._count(len(self._jobs), {pid for pid, _ in chunks})
            return parsed
        parsed = _parse_chunk(self._jobs)
        self._parser._count(len(self._jobs), set())
        return parsed


class Parser:
    """The parsing processes of one run (``workers`` of them; none with one worker),
    started when first needed and stopped by ``close`` (or leaving its ``with``).

    If the processes cannot run (a script that starts a run without an
    ``if __name__ == "__main__":`` guard, no /dev/shm, ...), this parser's pages are
    parsed in the calling process instead, with a warning, once. A parser travels to
    another process (a Dask task's arguments) as a one-process parser.
    """

    def __init__(
        self, workers: int = 1, *, start_pool: Callable[[int], Executor] = process_pool
    ) -> None:
        self.workers = workers
        self._start_pool = start_pool
        self._pool: Executor | None = None
        self._lock = threading.Lock()
        self.broken: str | None = None  # why the processes could not run, once they could not
        self._pages = 0
        self._pids: set[int] = set()

    def __enter__(self) -> Parser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __reduce__(self) -> tuple[type[Parser], tuple[int]]:
        return (Parser, (1,))  # elsewhere, a one-process parser: no pool travels

    def submit(self, jobs: Sequence[ParseJob]) -> Parsing:
        """Start parsing ``jobs`` on the processes, when it pays, and return at once;
        otherwise they are parsed in this process when their result is asked for."""
        if self.workers <= 1 or len(jobs) < MIN_POOL_JOBS:
            return Parsing(self, jobs, [])
        size = max(1, len(jobs) // (self.workers * CHUNKS_PER_WORKER))
        chunks = self._submitted(
            _parse_chunk_alarmed, [(jobs[i : i + size],) for i in range(0, len(jobs), size)]
        )
        return Parsing(self, jobs, chunks or [])

    def parse(self, jobs: Sequence[ParseJob]) -> Parsed:
        """The jobs parsed, on the processes when it pays."""
        return self.submit(jobs).result()

    def listing_parser(self) -> Callable[..., Listing]:
        """``parse_listing``, run on the processes when there are several (so that
        listings walked side by side parse on every core), else in this process."""
        if self.workers <= 1:
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
            futures = self._submitted(_listing_or_reason, [args])
            results = self._results(futures) if futures else None
            if results:
                pid, result = results[0]
                self._count(1, {pid})
            else:
                result = _listing_or_reason(*args)
                self._count(1, set())
            if isinstance(result, str):
                raise ExtractionError(url, result)
            return result

        return parse

    def take_usage(self) -> Usage:
        """What this parser did since the last call."""
        with self._lock:
            usage = Usage(self._pages, frozenset(self._pids))
            self._pages, self._pids = 0, set()
        return usage

    def close(self) -> None:
        """Stop the parsing processes (a run calls this when it ends); pages still
        waiting are then parsed in the calling process when asked for."""
        with self._lock:
            pool, self._pool = self._pool, None
        if isinstance(pool, ProcessPoolExecutor):
            pool.shutdown(wait=True, cancel_futures=True)

    def _count(self, pages: int, pids: set[int]) -> None:
        with self._lock:
            self._pages += pages
            self._pids |= pids

    def _submitted(
        self, fn: Callable[..., T], calls: Sequence[tuple[object, ...]]
    ) -> list[Future[tuple[int, T]]] | None:
        """``fn(*args)`` for each of ``calls`` on the pool, each with the pid that ran
        it; None when the pool cannot run."""
        if self.broken is not None:
            return None
        try:
            with self._lock:
                if self._pool is None:
                    self._pool = self._start_pool(self.workers)
                pool = self._pool
            return [pool.submit(_with_pid, fn, *args) for args in calls]
        except _POOL_ERRORS as exc:
            self._give_up(exc)
            return None

    def _results(self, futures: Sequence[Future[T]]) -> list[T] | None:
        """Each future's result, in order; None when the pool broke or was closed under
        them (a failure elsewhere, the run's end): the caller then does the work."""
        try:
            return [future.result() for future in futures]
        except CancelledError:
            return None
        except _POOL_ERRORS as exc:
            self._give_up(exc)
            return None

    def _give_up(self, exc: BaseException) -> None:
        """Parse in this process from now on; warn of it the first time."""
        with self._lock:
            if self.broken is not None:
                return
            self.broken = f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0]}"
        self.close()
        warnings.warn(
            f"parsing in one process: the parsing processes could not run ({self.broken})",
            RuntimeWarning,
            stacklevel=4,
        )


_Chunk = tuple[int, Parsed]  # a chunk parsed in a pool's process, with that process's pid


def parse_all(jobs: Sequence[ParseJob], workers: int = 1) -> Parsed:
    """The jobs parsed, on ``workers`` processes of a parser of their own when it pays."""
    with Parser(workers) as parser:
        return parser.parse(jobs)


def _with_pid(fn: Callable[..., T], *args: Any) -> tuple[int, T]:
    return os.getpid(), fn(*args)


def _listing_or_reason(
    content: bytes, url: str, profile: str | None, timezone: str, content_type: str | None
) -> Listing | str:
    try:
        return parse_listing(
            content, url, profile=profile, timezone=timezone, content_type=content_type
        )
    except ExtractionError as exc:
        return exc.reason


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
