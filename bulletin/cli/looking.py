"""The commands that look and run no flow: ``sql``, ``failures``, ``gaps``, ``backfill
--status`` (the ledger), ``export``, ``extract`` and ``report``.

None of them imports Prefect, httpx or a flow module, so they start in well under a
second (tests/test_cli.py checks the imports). They read the warehouse (``failures --retry`` alone
writes to it, a few rows), or files given on the command line (``extract``), with
arguments ``bulletin.cli.checks`` has already accepted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.errors import BulletinError, ExtractionError, InputError

if TYPE_CHECKING:
    import duckdb

FAILURES_SQL = """\
SELECT source, stage, reason, attempts, last_status, last_failed_at, next_retry_at, url
FROM failures WHERE ? IS NULL OR source = ?
ORDER BY source, stage, last_failed_at DESC, url"""


def sql(args: argparse.Namespace) -> int:
    import duckdb

    from storage.warehouse import connect, run_query

    # Query-only: SQL that would write, or reach any file but the warehouse, is refused
    # (QueryRefused, an InputError: exit 2); a query DuckDB rejects exits 1.
    con = connect(args.db, query_only=True)
    try:
        try:
            cursor = run_query(con, args.query)
        except duckdb.Error as exc:
            print(f"bulletin sql: {exc}", file=sys.stderr)
            return 1
        if cursor.description is not None:
            _print_result(cursor, args.format)
    finally:
        con.close()
    return 0


def _print_result(cursor: duckdb.DuckDBPyConnection, fmt: str) -> None:
    """A query's result, as a table, CSV or JSON."""
    from bulletin.cli.output import FORMATS

    columns = [d[0] for d in cursor.description or ()]
    print(FORMATS[fmt](columns, cursor.fetchall()))


def _show(db: str | None, query: str, params: object, fmt: str) -> int:
    """Run ``query`` on the warehouse, read-only, and print its result."""
    from storage.warehouse import connect

    con = connect(db, read_only=True)
    try:
        _print_result(con.execute(query, params), fmt)
    finally:
        con.close()
    return 0


def failures(args: argparse.Namespace) -> int:
    from storage.warehouse import retry_given_up, writing

    if args.retry is not None:
        with writing(args.db) as con:
            count = retry_given_up(con, args.source, args.retry or None)
        print(f"{count} given-up page(s) handed back to the runs; the next run fetches them")
        return 0
    return _show(args.db, FAILURES_SQL, [args.source, args.source], args.format)


def ledger(args: argparse.Namespace) -> int:
    """``backfill --status``: the ledger's days (of ``--source``, ``--from``, ``--to``)."""
    from storage.ledger import LEDGER_SQL

    window = {"source": args.source, "first": args.date_from, "last": args.date_to}
    return _show(args.db, LEDGER_SQL, window, args.format)


def gaps(args: argparse.Namespace) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flows.sources import load_sources
    from storage.ledger import first_day
    from storage.ledger import gaps as days_without_success
    from storage.warehouse import connect

    source = load_sources(args.sources_file).get(args.source)
    last = args.date_to or datetime.now(ZoneInfo(source.timezone)).date()
    con = connect(args.db, read_only=True)
    try:
        first = args.date_from or source.start_date or first_day(con, source.name)
        if first is None:
            raise InputError(
                f"{source.name} has no start_date and no day in the ledger; give --from"
            )
        if first > last:
            raise InputError(f"no day to look at: the first, {first}, is after the last, {last}")
        missing = days_without_success(con, source.name, first, last)
    finally:
        con.close()
    total = (last - first).days + 1
    for day in missing:
        print(day.isoformat())
    print(
        f"{source.name}: {len(missing)} of {total} days from {first} to {last} "
        "have no successful run",
        file=sys.stderr,
    )
    return 0


def export(args: argparse.Namespace) -> int:
    """The tables to DIR (Parquet or CSV), or the raw pages to a WARC file (the choice is
    checked by ``checks``)."""
    from storage.warehouse import connect

    con = connect(args.db, read_only=True)
    try:
        if args.warc is not None:
            from storage.warc import export_warc

            count = export_warc(con, args.warc, source=args.source)
            print(f"export: {count} records written to {args.warc}")
            return 0
        from storage.export import PARTITIONED, WHOLE, export_tables

        width = max(map(len, [*PARTITIONED, *WHOLE]))  # the names line up
        done = export_tables(
            con,
            args.directory,
            args.export_format,
            source=args.source,
            since=args.since,
            progress=lambda e: print(
                f"  {e.table:<{width}} {e.rows:>9,} rows  {e.path}"
                + ("/" if e.partitioned else ""),
                flush=True,
            ),
        )
    finally:
        con.close()
    print(f"export: {sum(e.rows for e in done):,} rows in {len(done)} tables to {args.directory}")
    return 0


def report(args: argparse.Namespace) -> int:
    """The HTML report of the warehouse (of ``--source``, ``--since``) to ``--out``."""
    from datetime import UTC, datetime

    from bulletin.report_page import render, summary
    from storage.report import Scope, gather
    from storage.warehouse import connect, resolve_db_path

    con = connect(args.db, read_only=True)
    try:
        made = gather(con, Scope(args.source, args.since), args.unit)
    finally:
        con.close()
    page = render(made, written_at=datetime.now(UTC), warehouse=resolve_db_path(args.db).name)
    try:
        args.out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise BulletinError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(f"report: {args.out} ({args.out.stat().st_size:,} bytes): {summary(made)}")
    return 0


def _print_candidates(path: Path, url: str) -> None:
    """The generic extractor's ranking of a page's containers (README: "How the generic
    extractor decides")."""
    from extractors.article import open_document
    from extractors.decoding import decode_page
    from extractors.generic import explain

    doc = open_document(decode_page(path.read_bytes(), url, None).text, url)
    print(f"{path}: candidates, in the order they are tried")
    for c in explain(doc.soup):
        print(
            f"  {c.rank:>2}. score {c.score:>9.0f}  paragraphs {c.paragraphs:>6}  "
            f"other {c.other:>6}  aside {c.aside:>6}  {c.placement}\n"
            f"      {c.path}\n      {c.preview!r}"
        )


def extract(args: argparse.Namespace) -> int:
    from extractors import extract as extract_page

    profile = None if args.profile == "auto" else args.profile
    status = 0
    for path in args.files:
        url = args.url or path.resolve().as_uri()
        try:
            article = extract_page(path.read_bytes(), url, profile=profile)
        except (OSError, ExtractionError) as exc:
            print(f"bulletin extract: {path}: {exc}", file=sys.stderr)
            status = 1
            continue
        if args.candidates:
            _print_candidates(path, url)
        elif args.json:
            print(json.dumps(article.to_dict(), ensure_ascii=False))
        else:
            when = article.published_at.isoformat() if article.published_at else "no date"
            print(f"{path}: {article.title} ({when}, {article.profile})")
            print(
                f"  {len(article.body_text)} chars of body, {len(article.figures)} figures, "
                f"author {article.author!r}, unit {article.source_unit!r}"
            )
    return status
