"""The ``bulletin`` command line.

``sql``, ``extract``, ``failures``, ``gaps`` and ``backfill --status`` never import
Prefect (nor does ``--help``): the flow modules are imported only by the commands that
run a flow.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import date
from pathlib import Path

EXAMPLE_SQL = """\
SELECT a.category,
       count(DISTINCT a.article_id)  AS articles,
       count(f.ordinal)              AS figures,
       min(a.published_at)::DATE     AS first_day,
       max(a.published_at)::DATE     AS last_day
FROM articles a LEFT JOIN figures f USING (article_id)
GROUP BY a.category ORDER BY articles DESC, a.category"""

TABLES = ("articles", "figures", "attachments", "pages", "failures", "runs")


def _prefect_env() -> None:
    """These machines have no internet: no analytics, no tracking."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bulletin",
        description="Ingest Vietnamese government portal bulletins into a DuckDB warehouse.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", help="warehouse file (default: $BULLETIN_DB or ./warehouse.duckdb)")

    def with_sources(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--sources",
            dest="sources_file",
            help="sources file (default: $BULLETIN_SOURCES, ./sources.yaml, or the shipped one)",
        )

    p = sub.add_parser("demo", help="serve the sample portal, ingest it, show what came in")
    with_db(p)
    p.add_argument("--count", type=int, default=60, help="articles in the sample portal")
    p.add_argument("--days", type=int, default=90, help="days the sample articles span")
    p.add_argument(
        "--port",
        type=int,
        default=8765,
        help="port of the sample portal (default 8765; a busy port falls back to any free one)",
    )

    p = sub.add_parser("ingest", help="run the nightly flow now")
    with_db(p)
    with_sources(p)
    p.add_argument(
        "--source",
        action="append",
        dest="source_names",
        metavar="S",
        help="source name (repeatable; default: every enabled source)",
    )
    p.add_argument("--since", type=_day, help="ingest articles dated from this day on")

    p = sub.add_parser(
        "backfill",
        help="ingest a source's articles dated within a range (or show the ledger: --status)",
    )
    with_db(p)
    with_sources(p)
    p.add_argument("--source", help="source name")
    p.add_argument("--from", dest="date_from", type=_day, metavar="DATE", help="first day")
    p.add_argument("--to", dest="date_to", type=_day, metavar="DATE", help="last day")
    p.add_argument(
        "--status",
        action="store_true",
        help="show the ledger of days (of --source, --from, --to) instead of running",
    )
    p.add_argument("--batch-days", type=int, default=7, metavar="N", help="days per batch")
    p.add_argument("--force", action="store_true", help="look again at days already done")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = sub.add_parser("gaps", help="list the days of a source with no successful run")
    with_db(p)
    with_sources(p)
    p.add_argument("--source", required=True, help="source name")
    p.add_argument(
        "--from", dest="date_from", type=_day, metavar="DATE", help="(default: its start_date)"
    )
    p.add_argument("--to", dest="date_to", type=_day, metavar="DATE", help="(default: today)")

    p = sub.add_parser("extract", help="extract article pages from files (no network)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--url", help="the page's URL (default: file:// URL of the file)")
    p.add_argument("--profile", help="force a CMS profile (default: detect)")
    p.add_argument("--json", action="store_true", help="one JSON object per file")

    p = sub.add_parser("sql", help="query the warehouse (read-only, and no other file)")
    with_db(p)
    p.add_argument("query", help="SQL: queries only (no ATTACH, COPY, SET, INSTALL, ...)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = sub.add_parser("reparse", help="re-extract archived pages with no network")
    with_db(p)
    with_sources(p)
    p.add_argument("--source", help="only this source")
    p.add_argument("--since", type=_day, help="only articles dated from this day on")
    p.add_argument(
        "--workers", type=int, metavar="N", help="parsing processes (default: one per core)"
    )

    p = sub.add_parser("export", help="export the raw archive (WARC) for other tools")
    with_db(p)
    p.add_argument("--warc", required=True, metavar="FILE", help="WARC file (.warc or .warc.gz)")
    p.add_argument("--source", help="only this source")

    p = sub.add_parser("failures", help="list the URLs that could not be ingested, and why")
    with_db(p)
    p.add_argument("--source", help="only this source")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument(
        "--retry",
        nargs="*",
        metavar="URL",
        help="hand the given-up pages (of --source, or only these URLs) back to the runs: "
        "attempts back to 0, due now",
    )

    p = sub.add_parser("sample-portal", help="serve the sample portal until Ctrl-C")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--count", type=int, default=60)
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--end", type=_day, help="date of the newest article (default: today)")
    p.add_argument("--seed", type=int, default=0)
    return parser


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from bulletin.cli.output import FORMATS
    from storage.warehouse import connect, run_query

    # Query-only: SQL that would write, or reach any file but the warehouse, is refused
    # (QueryRefused, a StorageError: exit 2); a query DuckDB rejects exits 1.
    con = connect(args.db, query_only=True)
    try:
        try:
            cursor = run_query(con, args.query)
        except duckdb.Error as exc:
            print(f"bulletin sql: {exc}", file=sys.stderr)
            return 1
        if cursor.description is None:
            return 0
        columns = [d[0] for d in cursor.description]
        print(FORMATS[args.format](columns, cursor.fetchall()))
    finally:
        con.close()
    return 0


FAILURES_SQL = """\
SELECT source, stage, reason, attempts, last_status, last_failed_at, next_retry_at, url
FROM failures WHERE ? IS NULL OR source = ?
ORDER BY source, stage, last_failed_at DESC, url"""


def cmd_failures(args: argparse.Namespace) -> int:
    from bulletin.cli.output import FORMATS
    from storage.warehouse import connect, retry_given_up, writing

    if args.retry is not None:
        connect(args.db, read_only=True).close()  # a missing warehouse is an error here
        with writing(args.db) as con:
            count = retry_given_up(con, args.source, args.retry or None)
        print(f"{count} given-up page(s) handed back to the runs; the next run fetches them")
        return 0
    con = connect(args.db, read_only=True)
    try:
        cursor = con.execute(FAILURES_SQL, [args.source, args.source])
        columns = [d[0] for d in cursor.description or ()]
        print(FORMATS[args.format](columns, cursor.fetchall()))
    finally:
        con.close()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from storage.warc import export_warc
    from storage.warehouse import connect

    con = connect(args.db, read_only=True)
    try:
        count = export_warc(con, args.warc, source=args.source)
    finally:
        con.close()
    print(f"export: {count} records written to {args.warc}")
    return 0


def cmd_reparse(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from bulletin.cli.reaper import watching
    from flows.ingest.reparse import reparse
    from storage.warehouse import writing

    with watching(), writing(args.db) as con:
        counts = reparse(
            con,
            source=args.source,
            since=args.since,
            sources_file=args.sources_file,
            workers=args.workers,
        )
    print("reparse: " + ", ".join(f"{k} {v}" for k, v in asdict(counts).items()))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from extractors import ExtractionError, extract

    status = 0
    for path in args.files:
        url = args.url or path.resolve().as_uri()
        try:
            article = extract(path.read_bytes(), url, profile=args.profile)
        except (OSError, ExtractionError) as exc:
            print(f"bulletin extract: {path}: {exc}", file=sys.stderr)
            status = 1
            continue
        if args.json:
            print(json.dumps(article.to_dict(), ensure_ascii=False))
        else:
            when = article.published_at.isoformat() if article.published_at else "no date"
            print(f"{path}: {article.title} ({when}, {article.profile})")
            print(
                f"  {len(article.body_text)} chars of body, {len(article.figures)} figures, "
                f"author {article.author!r}, unit {article.source_unit!r}"
            )
    return status


def cmd_ingest(args: argparse.Namespace) -> int:
    _prefect_env()
    from bulletin.cli.reaper import watching

    with watching():  # killed, it leaves no process behind (the Prefect server included)
        from flows.nightly import nightly

        result = nightly(
            sources=args.source_names, db=args.db, sources_file=args.sources_file, since=args.since
        )
    print(_summary_line(result))
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    if args.status:
        return _show_ledger(args)
    missing = [f"--{n}" for n in ("source", "from", "to") if getattr(args, _DEST[n]) is None]
    if missing:
        print(f"bulletin backfill: {', '.join(missing)} required (or --status)", file=sys.stderr)
        return 2
    _prefect_env()
    from bulletin.cli.progress_bar import progress_bar
    from bulletin.cli.reaper import watching
    from flows.backfill import backfill

    with watching(), progress_bar(f"backfill {args.source} {args.date_from}..{args.date_to}"):
        result = backfill(
            source=args.source,
            date_from=args.date_from,
            date_to=args.date_to,
            db=args.db,
            sources_file=args.sources_file,
            batch_days=args.batch_days,
            force=args.force,
        )
    print(_summary_line(result))
    return 0


_DEST = {"source": "source", "from": "date_from", "to": "date_to"}


def _show_ledger(args: argparse.Namespace) -> int:
    from bulletin.cli.output import FORMATS
    from storage.ledger import LEDGER_SQL
    from storage.warehouse import connect

    con = connect(args.db, read_only=True)
    try:
        cursor = con.execute(
            LEDGER_SQL, {"source": args.source, "first": args.date_from, "last": args.date_to}
        )
        columns = [d[0] for d in cursor.description or ()]
        print(FORMATS[args.format](columns, cursor.fetchall()))
    finally:
        con.close()
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flows.sources import load_sources
    from storage.ledger import first_day, gaps
    from storage.warehouse import connect

    source = load_sources(args.sources_file).get(args.source)
    last = args.date_to or datetime.now(ZoneInfo(source.timezone)).date()
    con = connect(args.db, read_only=True)
    try:
        first = args.date_from or source.start_date or first_day(con, source.name)
        if first is None:
            print(
                f"bulletin gaps: {source.name} has no start_date and no day in the ledger; "
                "give --from",
                file=sys.stderr,
            )
            return 2
        missing = gaps(con, source.name, first, last)
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


def cmd_sample_portal(args: argparse.Namespace) -> int:
    from sample_portal import PortalConfig, serve_forever

    config = PortalConfig(count=args.count, days=args.days, end=args.end, seed=args.seed)
    serve_forever(config, args.host, args.port)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _prefect_env()
    from bulletin.cli.output import format_table
    from bulletin.cli.reaper import watching
    from sample_portal import PortalConfig, SamplePortal
    from storage.warehouse import connect, resolve_db_path

    db = str(resolve_db_path(args.db))
    portal = SamplePortal(PortalConfig(count=args.count, days=args.days))
    with ExitStack() as stack:
        stack.enter_context(watching())
        try:
            base_url = stack.enter_context(portal.serve(host="127.0.0.1", port=args.port))
        except OSError:
            # Article URLs carry the port: on another port the articles are new ones.
            print(f"Port {args.port} is busy: serving the sample portal on a free port")
            base_url = stack.enter_context(portal.serve(host="127.0.0.1", port=0))
        os.environ["BULLETIN_SAMPLE_URL"] = base_url
        print(f"Sample portal on {base_url} ({args.count} articles over {args.days} days)")
        from flows.nightly import nightly

        started = time.perf_counter()
        result = nightly(sources=["sample"], db=db)
        elapsed = time.perf_counter() - started
    print()
    print(f"Ingested the sample portal into {db} in {elapsed:.1f} s")
    print("  " + _summary_line(result))
    con = connect(db, read_only=True)
    try:
        counts = [(t, con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES]  # type: ignore[index]
        print("Rows: " + ", ".join(f"{t} {n}" for t, n in counts))
        failures = con.execute(
            "SELECT stage, url, reason, attempts FROM failures ORDER BY url"
        ).fetchall()
        if failures:
            print(
                "Failures, each recorded with its reason and retried on the next run "
                "(the sample portal breaks some pages on purpose):"
            )
            for stage, url, reason, attempts in failures:
                print(f"  [{stage}, attempt {attempts}] {url}: {reason}")
        print()
        print("Example query: articles and figures per category")
        cursor = con.execute(EXAMPLE_SQL)
        columns = [d[0] for d in cursor.description or ()]
        print(format_table(columns, cursor.fetchall()))
    finally:
        con.close()
    print()
    print(
        f'Try: bulletin sql --db {db} "SELECT title, published_at, author FROM articles '
        'ORDER BY published_at DESC LIMIT 5"'
    )
    return 0


def _summary_line(result: dict[str, object]) -> str:
    keys = ("discovered", "fetched", "new", "updated", "unchanged", "failed")
    return f"{result['flow']} run {result['run_id']}: " + ", ".join(
        f"{k} {result[k]}" for k in keys
    )


COMMANDS = {
    "demo": cmd_demo,
    "ingest": cmd_ingest,
    "backfill": cmd_backfill,
    "gaps": cmd_gaps,
    "extract": cmd_extract,
    "sql": cmd_sql,
    "failures": cmd_failures,
    "reparse": cmd_reparse,
    "export": cmd_export,
    "sample-portal": cmd_sample_portal,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bulletin.errors import SourcesError
    from flows.ingest.health import UnhealthySources
    from storage.errors import StorageError

    try:
        return COMMANDS[args.command](args)
    except UnhealthySources as exc:  # the run saved what it got; a source needs a human
        print(f"bulletin {args.command}: {exc}", file=sys.stderr)
        return 1
    except (SourcesError, StorageError, ValueError) as exc:
        print(f"bulletin {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
