"""Parsing on every core: archived or fetched page bodies in, articles or extraction
failures out.

Extraction is pure CPU work, so a run parses in a pool of worker processes (one per core
by default, started from a fork server that has the extractors imported) while its
threads fetch. Small batches, and runs whose parse tasks already run on Dask workers,
parse in the calling process. No Prefect here.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from extractors import Article, ExtractionError, extract

MIN_POOL_JOBS = 8  # fewer pages than this are parsed in-process: a pool is not worth it


@dataclass(frozen=True, slots=True)
class ParseJob:
    """One page to extract, with what its source says of how to read it."""

    url: str
    body: bytes
    content_type: str | None
    profile: str | None
    timezone: str
    status: int = 200  # the HTTP status the page came with


def default_workers() -> int:
    """One parsing process per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_one(job: ParseJob) -> Article | str:
    """The article, or the reason extraction failed."""
    try:
        return extract(
            job.body,
            job.url,
            profile=job.profile,
            timezone=job.timezone,
            content_type=job.content_type,
        )
    except ExtractionError as exc:
        return exc.reason


def parse_all(jobs: Sequence[ParseJob], workers: int = 1) -> list[Article | str]:
    """``parse_one`` of each job, in order; on ``workers`` processes when it pays.

    If the processes cannot run (a script that starts a run without an
    ``if __name__ == "__main__":`` guard, no /dev/shm, ...), the pages are parsed in
    this process instead, with a warning, once.
    """
    global _pool_broken
    if workers <= 1 or len(jobs) < MIN_POOL_JOBS or _pool_broken is not None:
        return [parse_one(job) for job in jobs]
    chunk = max(1, len(jobs) // (workers * 4))
    try:
        return list(_pool(workers).map(parse_one, jobs, chunksize=chunk))
    except (BrokenProcessPool, RuntimeError, OSError) as exc:
        _pool_broken = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
        close_pools()
        warnings.warn(
            f"parsing in one process: the parsing processes could not run ({_pool_broken})",
            RuntimeWarning,
            stacklevel=2,
        )
        return [parse_one(job) for job in jobs]


_pools: dict[int, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()
_pool_broken: str | None = None  # why the processes could not run, once they could not


def _pool(workers: int) -> ProcessPoolExecutor:
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            # A fork server forks workers from a clean process (this one has threads),
            # with the extractors already imported.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["extractors"])
            pool = _pools[workers] = ProcessPoolExecutor(workers, mp_context=context)
        return pool


def close_pools() -> None:
    """Stop the parsing processes (a run calls this when it ends)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)
