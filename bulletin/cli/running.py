"""The commands that run something: ``demo``, ``ingest``, ``backfill``, ``reparse`` and
``sample-portal``.

Each one gets arguments ``bulletin.cli.checks`` has already accepted, and imports what
it runs (the flows, so Prefect) only inside its function, under ``watching()``
(``bulletin.cli.reaper``): killed, it leaves no process behind. A run that ends with a
source needing a human raises ``RunFailed`` (``SourcesFailed``, ``UnhealthySources``),
which ``main`` prints and turns into exit 1.
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import ExitStack

EXAMPLE_SQL = """\
SELECT a.category,
       count(DISTINCT a.article_id)  AS articles,
       count(f.ordinal)              AS figures,
       min(a.published_at)::DATE     AS first_day,
       max(a.published_at)::DATE     AS last_day
FROM articles a LEFT JOIN figures f USING (article_id)
GROUP BY a.category ORDER BY articles DESC, a.category"""

TABLES = ("articles", "figures", "attachments", "pages", "failures", "runs")
SAMPLE_URL = "BULLETIN_SAMPLE_URL"  # the demo's portal, as the sources file reads it


def prefect_env() -> None:
    """These machines have no internet: no analytics, no tracking. And Prefect's
    temporary server gets 2 minutes to start, not 20 s: on a loaded machine (load
    average 10 on 2 cores) 20 s was seen to run out, failing a run that had not begun."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def summary_line(result: dict[str, object]) -> str:
    from storage.runs import RUN_COUNTS

    return f"{result['flow']} run {result['run_id']}: " + ", ".join(
        f"{k} {result[k]}" for k in RUN_COUNTS
    )


def ingest(args: argparse.Namespace) -> int:
    prefect_env()
    from bulletin.cli.reaper import watching

    with watching():  # killed, it leaves no process behind (the Prefect server included)
        from flows.nightly import nightly

        result = nightly(
            sources=args.source_names, db=args.db, sources_file=args.sources_file, since=args.since
        )
    print(summary_line(result))
    return 0


def backfill(args: argparse.Namespace) -> int:
    prefect_env()
    from bulletin.cli.progress_bar import progress_bar
    from bulletin.cli.reaper import watching

    with watching(), progress_bar(f"backfill {args.source} {args.date_from}..{args.date_to}"):
        from flows.backfill import backfill as backfill_flow

        result = backfill_flow(
            source=args.source,
            date_from=args.date_from,
            date_to=args.date_to,
            db=args.db,
            sources_file=args.sources_file,
            batch_days=args.batch_days,
            force=args.force,
            refetch=args.refetch,
        )
    print(summary_line(result))
    return 0


def reparse(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from bulletin.cli.reaper import watching
    from flows.ingest.reparse import reparse as reparse_archive

    with watching():  # it opens the warehouse itself, for each write in turn
        counts = reparse_archive(
            args.db,
            source=args.source,
            since=args.since,
            sources_file=args.sources_file,
            workers=args.workers,
        )
    print("reparse: " + ", ".join(f"{k} {v}" for k, v in asdict(counts).items()))
    return 0


def sample_portal(args: argparse.Namespace) -> int:
    from sample_portal import PortalConfig, serve_forever

    config = PortalConfig(
        count=args.count, days=args.days, end=args.end, seed=args.seed, revision=args.revision
    )
    serve_forever(config, args.host, args.port)
    return 0


def demo(args: argparse.Namespace) -> int:
    prefect_env()
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
        os.environ[SAMPLE_URL] = base_url
        print(f"Sample portal on {base_url} ({args.count} articles over {args.days} days)")
        from flows.nightly import nightly

        started = time.perf_counter()
        result = nightly(sources=["sample"], db=db)
        elapsed = time.perf_counter() - started
    print()
    print(f"Ingested the sample portal into {db} in {elapsed:.1f} s")
    print("  " + summary_line(result))
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
    print(f"     bulletin search --db {db} chuyen doi so --limit 5")
    print(f"     bulletin report --db {db} --out report.html")
    return 0
