"""Scale-out: a backfill whose parsing runs on a 2-worker Dask LocalCluster stores the
same rows as one on the default task runner."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

pytest.importorskip("prefect_dask")

from flows.backfill import backfill  # noqa: E402
from flows.runners import dask_runner  # noqa: E402

pytestmark = pytest.mark.slow

QUERIES = {
    "articles": "SELECT * EXCLUDE (first_seen_at, updated_at) FROM articles ORDER BY 1",
    "figures": "SELECT * FROM figures ORDER BY ALL",
    "stats": "SELECT * FROM stats ORDER BY ALL",
    "doc_refs": "SELECT * FROM doc_refs ORDER BY ALL",
    "people": "SELECT * FROM people ORDER BY ALL",
    "failures": "SELECT url, stage, reason FROM failures ORDER BY ALL",
    "partitions": "SELECT source, day, status, articles, failures FROM partitions ORDER BY ALL",
}


def contents(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in QUERIES.items()}
    finally:
        con.close()


def test_a_backfill_on_dask_stores_the_same_rows(
    prefect_harness: None, portal, tmp_path: Path, write_sources
) -> None:
    _, base_url = portal
    sources = str(write_sources(tmp_path, base_url))
    window = {"source": "sample", "date_from": date(2026, 9, 1), "date_to": date(2026, 11, 20)}
    plain, on_dask = tmp_path / "plain.duckdb", tmp_path / "dask.duckdb"

    backfill(**window, db=str(plain), sources_file=sources)
    result = backfill.with_options(task_runner=dask_runner("local", workers=2))(
        **window, db=str(on_dask), sources_file=sources
    )

    expected = contents(plain)
    assert len(expected["articles"]) > 20
    assert contents(on_dask) == expected
    assert result["new"] == len(expected["articles"])
