"""The command line's grammar: every command, its options and their types.

``build_parser`` describes the commands; the option types below refuse a value that
makes no sense (a day that is not YYYY-MM-DD, ``--batch-days 0``, ``--port 70000``)
while the arguments are parsed. A parse error is one line on stderr, ``bulletin
<command>: <message>``, and exit 2, like every other input error (see
``bulletin.cli.checks``): no usage block, ``--help`` shows it.

Imports nothing beyond the standard library: every command, ``--help`` included, parses
its arguments with this module.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

FORMATS = ("table", "csv", "json")


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line: ``bulletin <command>: <message>``."""

    def error(self, message: str) -> NoReturn:
        # argparse says "argument --batch-days: ..."; the option alone says which.
        message = message.removeprefix("argument ")
        self.exit(2, f"{self.prog}: {' '.join(message.split())}\n")

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:  # said by the command they were given to, not by "bulletin"
            command = getattr(parsed, "command", None)
            prog = f"{self.prog} {command}" if command else self.prog
            self.exit(2, f"{prog}: unrecognized arguments: {' '.join(extras)}\n")
        return parsed


def day(text: str) -> date:
    """An ISO day, ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def whole(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """A type: a whole number from ``minimum`` (to ``maximum``)."""
    wanted = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"expected a whole number {wanted}, got {value}")
        return value

    return parse


positive = whole(1)
port = whole(0, 65535)


def build_parser() -> Parser:
    parser = Parser(
        prog="bulletin",
        description="Ingest Vietnamese government portal bulletins into a DuckDB warehouse.",
        epilog="Exit status: 0 done; 1 a run failed or a source needs a human; 2 bad input.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> Parser:
        p: Parser = sub.add_parser(name, help=help)
        return p

    def with_db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", help="warehouse file (default: $BULLETIN_DB or ./warehouse.duckdb)")

    def with_sources(p: argparse.ArgumentParser, source_help: str | None = None) -> None:
        p.add_argument(
            "--sources",
            dest="sources_file",
            metavar="FILE",
            help="sources file (default: $BULLETIN_SOURCES, ./sources.yaml, or the shipped one)",
        )
        if source_help is not None:
            p.add_argument("--source", help=source_help + " (a name in the sources file)")

    def with_format(p: argparse.ArgumentParser) -> None:
        p.add_argument("--format", choices=FORMATS, default="table")

    def with_portal(p: argparse.ArgumentParser, **port_options: Any) -> None:
        p.add_argument("--count", type=whole(0), default=60, help="articles in the sample portal")
        p.add_argument("--days", type=positive, default=90, help="days the sample articles span")
        p.add_argument("--port", type=port, default=8765, **port_options)

    p = command("demo", "serve the sample portal, ingest it, show what came in")
    with_db(p)
    with_portal(
        p, help="port of the sample portal (default 8765; a busy port falls back to any free one)"
    )

    p = command("ingest", "run the nightly flow now")
    with_db(p)
    with_sources(p)
    p.add_argument(
        "--source",
        action="append",
        dest="source_names",
        metavar="S",
        help="source name (repeatable; default: every enabled source)",
    )
    p.add_argument("--since", type=day, help="ingest articles dated from this day on")

    p = command(
        "backfill", "ingest a source's articles dated within a range (or show the ledger: --status)"
    )
    with_db(p)
    with_sources(p, "source name")
    p.add_argument("--from", dest="date_from", type=day, metavar="DATE", help="first day")
    p.add_argument("--to", dest="date_to", type=day, metavar="DATE", help="last day")
    p.add_argument(
        "--status",
        action="store_true",
        help="show the ledger of days (of --source, --from, --to) instead of running",
    )
    p.add_argument("--batch-days", type=positive, default=7, metavar="N", help="days per batch")
    p.add_argument("--force", action="store_true", help="look again at days already done")
    with_format(p)

    p = command("gaps", "list the days of a source with no successful run")
    with_db(p)
    with_sources(p)
    p.add_argument("--source", required=True, help="source name (a name in the sources file)")
    p.add_argument(
        "--from", dest="date_from", type=day, metavar="DATE", help="(default: its start_date)"
    )
    p.add_argument("--to", dest="date_to", type=day, metavar="DATE", help="(default: today)")

    p = command("extract", "extract article pages from files (no network)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--url", help="the page's URL (default: file:// URL of the file)")
    p.add_argument("--profile", help="force a CMS profile (default: auto, detect it)")
    p.add_argument("--json", action="store_true", help="one JSON object per file")
    p.add_argument(
        "--candidates",
        action="store_true",
        help="show the generic extractor's candidate containers, in the order it tries "
        "them, with their scores (to see why it chose a block)",
    )

    p = command("sql", "query the warehouse (read-only, and no other file)")
    with_db(p)
    p.add_argument("query", help="SQL: queries only (no ATTACH, COPY, SET, INSTALL, ...)")
    with_format(p)

    p = command("reparse", "re-extract archived pages with no network")
    with_db(p)
    with_sources(p, "only this source")
    p.add_argument("--since", type=day, help="only articles dated from this day on")
    p.add_argument(
        "--workers", type=positive, metavar="N", help="parsing processes (default: one per core)"
    )

    p = command("export", "export the raw archive (WARC) for other tools")
    with_db(p)
    with_sources(p, "only this source")
    p.add_argument("--warc", required=True, metavar="FILE", help="WARC file (.warc or .warc.gz)")

    p = command("failures", "list the URLs that could not be ingested, and why")
    with_db(p)
    with_sources(p, "only this source")
    with_format(p)
    p.add_argument(
        "--retry",
        nargs="*",
        metavar="URL",
        help="hand the given-up pages (of --source, or only these URLs) back to the runs: "
        "attempts back to 0, due now",
    )

    p = command("sample-portal", "serve the sample portal until Ctrl-C")
    p.add_argument("--host", default="127.0.0.1")
    with_portal(p, help="(default 8765; 0: any free port)")
    p.add_argument("--end", type=day, help="date of the newest article (default: today)")
    p.add_argument("--seed", type=int, default=0)
    return parser
