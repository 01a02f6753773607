"""The warehouse's tables as files other tools read (pandas, polars, R, a BI tool).

Parquet or CSV. The big tables are partitioned by source and month in the Hive layout
(``articles/source=vonhai/month=2024-05/part_0.parquet``): an article and the rows that
hang from it (figures, attachments, stats, doc_refs, people) by the month the article
was published (``undated`` without a date), a page by the month it was fetched. The
other tables are one file each. The raw page bodies are not exported here: the WARC
export (``storage.warc``) is their format.

A re-export of the same range replaces its files: the partitions in the range are
removed before they are written, and ``--since`` takes whole months, so no partition is
ever half replaced.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

EXPORT_FORMATS = ("parquet", "csv")
UNDATED = "undated"  # the month partition of rows without a date
_MONTH = "coalesce(strftime({column}, '%Y-%m'), '" + UNDATED + "')"
_ARTICLE_MONTH = _MONTH.format(column="a.published_at")
_CHILDREN = ("figures", "attachments", "stats", "doc_refs", "people")

# Partitioned tables: the SELECT that gives each row its source and month.
PARTITIONED: dict[str, str] = {
    "articles": f"SELECT a.*, {_ARTICLE_MONTH} AS month FROM articles a",
    **{
        child: f"SELECT c.*, a.source, {_ARTICLE_MONTH} AS month "
        f"FROM {child} c JOIN articles a USING (article_id)"
        for child in _CHILDREN
    },
    "pages": f"SELECT p.*, {_MONTH.format(column='p.fetched_at')} AS month FROM pages p",
}
# Tables written whole, one file each; those with a source column follow --source.
WHOLE: dict[str, bool] = {
    "failures": True,
    "partitions": True,
    "run_sources": True,
    "runs": False,
    "aliases": False,
    "article_versions": False,
}


@dataclass(frozen=True, slots=True)
class Exported:
    """One table's export: where it went and how many rows."""

    table: str
    rows: int
    path: Path
    partitioned: bool


def export_tables(
    con: duckdb.DuckDBPyConnection,
    directory: Path,
    fmt: str = "parquet",
    *,
    source: str | None = None,
    since: date | None = None,
    progress: Callable[[Exported], None] | None = None,
) -> list[Exported]:
    """Write every table under `directory` (created if missing); `source` keeps one
    source's rows, `since` the partitioned tables' months from `since`'s month on."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    directory.mkdir(parents=True, exist_ok=True)
    first_month = since.strftime("%Y-%m") if since else None
    done = []
    for table, select in PARTITIONED.items():
        where, params = _range(source, first_month)
        target = directory / table
        _remove_partitions(target, source, first_month)
        rows = _count(con, select, where, params)
        if rows:
            con.execute(
                f"COPY (SELECT * FROM ({select}) WHERE {where}) TO '{_quoted(target)}' "
                f"({_options(fmt)}, PARTITION_BY (source, month), OVERWRITE_OR_IGNORE true, "
                "FILENAME_PATTERN 'part_{i}')",
                params,
            )
        done.append(_report(progress, Exported(table, rows, target, True)))
    for table, by_source in WHOLE.items():
        select = f"SELECT * FROM {table}"
        where, params = ("source = ?", [source]) if by_source and source else ("true", [])
        target = directory / f"{table}.{fmt}"
        target.unlink(missing_ok=True)
        rows = _count(con, select, where, params)
        con.execute(
            f"COPY (SELECT * FROM ({select}) WHERE {where}) TO '{_quoted(target)}' "
            f"({_options(fmt)})",
            params,
        )
        done.append(_report(progress, Exported(table, rows, target, False)))
    return done


def _range(source: str | None, first_month: str | None) -> tuple[str, list[object]]:
    clauses: list[str] = ["true"]
    params: list[object] = []
    if source:
        clauses.append("source = ?")
        params.append(source)
    if first_month:
        clauses.append(f"month >= ? AND month <> '{UNDATED}'")
        params.append(first_month)
    return " AND ".join(clauses), params


def _remove_partitions(target: Path, source: str | None, first_month: str | None) -> None:
    """Remove the partitions of `target` that the range covers (all, with no range): only
    the `source=…/month=…` folders of the layout, nothing else a user keeps there."""
    if not target.exists():
        return
    for source_dir in target.glob("source=*"):
        if source and source_dir.name != f"source={source}":
            continue
        for month_dir in source_dir.glob("month=*"):
            month = month_dir.name.removeprefix("month=")
            if not first_month or (month != UNDATED and month >= first_month):
                shutil.rmtree(month_dir)
        if not any(source_dir.iterdir()):
            source_dir.rmdir()


def _count(con: duckdb.DuckDBPyConnection, select: str, where: str, params: list[object]) -> int:
    row = con.execute(f"SELECT count(*) FROM ({select}) WHERE {where}", params).fetchone()
    return int(row[0]) if row else 0


def _options(fmt: str) -> str:
    return "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _report(progress: Callable[[Exported], None] | None, done: Exported) -> Exported:
    if progress is not None:
        progress(done)
    return done
