"""What DuckDB may hold in memory while the warehouse is written: the cap a user sets
(``$BULLETIN_WRITE_MEMORY``) and the bound on what a write's whole-column scans cache."""

from __future__ import annotations

import os
import re
from typing import Any

import duckdb

from storage.errors import StorageError

# Bytes of the warehouse's blocks that a scan within a write (``bounded_scan``) may keep.
SCAN_MEMORY = 16 << 20

_MEMORY = re.compile(r"(\d+(?:\.\d+)?)\s*(B|[KMGT]i?B)", re.IGNORECASE)


def write_memory() -> str | None:
    """The cap on DuckDB's memory for writes (``$BULLETIN_WRITE_MEMORY``, e.g. 256MB), if
    any; without one, DuckDB's own (80 % of RAM). DuckDB spills to disk past a cap, but a
    checkpoint needs memory for the tables' last row groups, and a write that cannot get
    it stops with an error that names the setting. A cap bounds a long run's memory; size
    it well."""
    memory = os.environ.get("BULLETIN_WRITE_MEMORY", "").strip()
    if not memory:
        return None
    if not _MEMORY.fullmatch(memory):
        raise StorageError(
            f"BULLETIN_WRITE_MEMORY={memory!r} is not an amount of memory, e.g. 256MB or 1GB"
        )
    return memory


def memory_bytes(amount: str) -> int:
    """``amount`` ("256MB", "1.5GiB", "4096B") in bytes, as DuckDB reads it (MB is 10^6
    bytes, MiB 2^20)."""
    match = _MEMORY.fullmatch(amount.strip())
    if match is None:
        raise ValueError(f"not an amount of memory: {amount!r}")
    number, unit = float(match[1]), match[2].upper()
    base = 1024 if unit.endswith("IB") else 1000
    power = {"B": 0, "K": 1, "M": 2, "G": 3, "T": 4}[unit[0]]
    return int(number * base**power)


def bounded_scan(
    con: duckdb.DuckDBPyConnection, sql: str, params: object = None
) -> list[tuple[Any, ...]]:
    """The rows of ``sql``, a scan within a write, keeping at most SCAN_MEMORY of the
    warehouse's blocks.

    The big tables carry no index (migration 11), so a write's look-ups scan their key
    columns whole, and DuckDB keeps every block it reads until the connection closes:
    over a 50,000-article backfill, each write held 25 to 50 MB more at its end than at
    its start. Here the memory limit is what the connection holds besides table blocks,
    plus SCAN_MEMORY: DuckDB drops the blocks it read first (they are on disk, so that
    costs nothing) as it reads more. A scan that needs more than that (a few MB do), or
    a connection that cannot come down to it, runs under the usual limit rather than
    fail. Afterwards the limit is ``$BULLETIN_WRITE_MEMORY`` again, or DuckDB's
    default."""
    (held,) = con.execute(
        "SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory() "
        "WHERE tag <> 'BASE_TABLE'"
    ).fetchone() or (0,)
    configured = write_memory()
    cap = memory_bytes(configured) if configured is not None else None
    bound = held + SCAN_MEMORY if cap is None else min(held + SCAN_MEMORY, cap)
    restore = f"SET memory_limit = '{configured}'" if configured else "RESET memory_limit"
    try:
        con.execute(f"SET memory_limit = '{bound}B'")  # evicts table blocks down to it
        return con.execute(sql, params).fetchall()
    except duckdb.OutOfMemoryException:
        if cap is not None and bound >= cap:
            raise
        con.execute(restore)
        return con.execute(sql, params).fetchall()
    finally:
        con.execute(restore)
