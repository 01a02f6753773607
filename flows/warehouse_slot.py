"""The warehouse's single writer, as Prefect sees it: the global concurrency limit
``bulletin-warehouse`` (one slot), which a run holds from start to end when runs talk to
a Prefect API, so that runs started together queue, visibly, in the Prefect UI.

Within a run, each write is a short transaction under the file lock
(``storage.warehouse.writing``), which is what keeps two processes on the machine apart
with or without a Prefect API (the embedded default has none).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.settings import PREFECT_API_URL

WAREHOUSE_LIMIT = "bulletin-warehouse"
LEASE_SECONDS = 60  # renewed while the run lives; a run killed -9 frees it after this


def limit_in_use() -> bool:
    """Whether runs talk to a Prefect API, where the global limit lives."""
    return bool(PREFECT_API_URL.value())


@contextmanager
def warehouse_slot() -> Iterator[None]:
    """Hold the warehouse's one slot for a run (created on first use); a no-op without a
    Prefect API."""
    if not limit_in_use():
        yield
        return
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(WAREHOUSE_LIMIT, 1)
    with concurrency(WAREHOUSE_LIMIT, occupy=1, strict=True, lease_duration=LEASE_SECONDS):
        yield
