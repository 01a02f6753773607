"""Where a flow's tasks run: threads in the flow's process by default (parsing then uses
every core through ``flows.ingest.parsing``), or a Dask cluster when ``$BULLETIN_DASK_ADDRESS``
names one (``local`` starts a LocalCluster of ``$BULLETIN_DASK_WORKERS`` processes).

Dask needs the optional extra ``bulletin[dask]`` (prefect-dask) and a Prefect API the
workers can report to. Only parsing goes to the cluster: the flow fetches (keeping each
host's manners) and is the one writer of the warehouse.
"""

from __future__ import annotations

import os
from typing import Any, cast

from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner


def task_runner() -> TaskRunner[PrefectFuture[Any]]:
    """The task runner the environment asks for."""
    address = os.environ.get("BULLETIN_DASK_ADDRESS", "").strip()
    if not address:
        return cast(TaskRunner[PrefectFuture[Any]], ThreadPoolTaskRunner())
    return dask_runner(address, int(os.environ.get("BULLETIN_DASK_WORKERS", "2")))


def dask_runner(address: str = "local", workers: int = 2) -> TaskRunner[PrefectFuture[Any]]:
    """A DaskTaskRunner on the cluster at ``address``, or on a new local cluster of
    ``workers`` single-threaded processes."""
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise RuntimeError("Dask needs the optional extra: pip install 'bulletin[dask]'") from exc
    if address == "local":
        runner = DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True}
        )
    else:
        runner = DaskTaskRunner(address=address)
    return cast(TaskRunner[PrefectFuture[Any]], runner)
