"""The command line's grammar: every command, its options and their types.

``build_parser`` describes the commands; the option types below refuse a value that
makes no sense (a day that is not YYYY-MM-DD, ``--batch-days 0``, ``--port 70000``)
while the arguments are parsed. A parse error is one line on stderr, ``bulletin
<command>: <message>``, and exit 2, like every other input error (see
``bulletin.cli.checks``): no usage block, ``--help`` shows it.

Imports nothing beyond the standard library and the profile names: every command,
``--help`` included, parses its arguments with this module.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from extractors.profile_names import PROFILE_NAMES

FORMATS = ("table", "csv", "json")
EXPORT_FORMATS = ("parquet", "csv")  # storage.export.EXPORT_FORMATS, held equal by a test


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


# The commands by task, in the order `bulletin --help` lists them.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("run", ("demo", "ingest", "backfill")),
    ("look", ("sql", "failures", "gaps", "extract", "report", "history")),
    ("search", ("search",)),
    ("export", ("export",)),
    ("maintain", ("reparse", "sample-portal")),
)
DAY = "YYYY-MM-DD"


def build_parser() -> Parser:
    parser = Parser(
        prog="bulletin",
        usage="bulletin [-h] COMMAND [options]",
        description="Ingest Vietnamese government portal bulletins into a DuckDB warehouse.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # The commands are listed by task in the epilog (`_grouped`), not in one list here.
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help=argparse.SUPPRESS
    )
    summaries: dict[str, str] = {}

    def command(name: str, summary: str, examples: Sequence[str], more: str = "") -> Parser:
        """A command: its one line, what more it does, and examples for its --help."""
        summaries[name] = summary
        p: Parser = sub.add_parser(
            name,
            prog=f"bulletin {name}",
            description=f"{summary[0].upper()}{summary[1:]}." + (f"\n\n{more}" if more else ""),
            epilog="examples:\n" + "\n".join(f"  {line}" for line in examples),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        return p

    def with_db(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--db",
            metavar="FILE",
            help="warehouse file (default: $BULLETIN_DB, else ./warehouse.duckdb)",
        )

    def with_sources(p: argparse.ArgumentParser, source_help: str | None = None) -> None:
        p.add_argument(
            "--sources",
            dest="sources_file",
            metavar="FILE",
            help="sources file (default: $BULLETIN_SOURCES, else ./sources.yaml, else the "
            "shipped one)",
        )
        if source_help is not None:
            p.add_argument(
                "--source", metavar="NAME", help=source_help + " (a name in the sources file)"
            )

    def with_range(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--from",
            dest="date_from",
            type=day,
            metavar=DAY,
            help="first day (default: its start_date)",
        )
        p.add_argument(
            "--to", dest="date_to", type=day, metavar=DAY, help="last day (default: today)"
        )

    def with_format(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--format",
            choices=FORMATS,
            default="table",
            metavar="FORMAT",
            help="output: table, csv or json (default: %(default)s)",
        )

    def with_portal(p: argparse.ArgumentParser, port_help: str) -> None:
        p.add_argument(
            "--count",
            type=whole(0),
            default=60,
            metavar="N",
            help="articles in the sample portal (default: %(default)s)",
        )
        p.add_argument(
            "--days",
            type=positive,
            default=90,
            metavar="N",
            help="days the sample articles span, back from --end (default: %(default)s)",
        )
        p.add_argument("--port", type=port, default=8765, metavar="PORT", help=port_help)

    p = command(
        "demo",
        "serve the sample portal, ingest it, show what came in",
        ["bulletin demo", "bulletin demo --db /tmp/demo.duckdb --count 20 --port 0"],
        "Offline: the sample portal runs on 127.0.0.1 for the length of the command.",
    )
    with_db(p)
    with_portal(
        p,
        "port of the sample portal (default: %(default)s; a busy port falls back to any free one)",
    )

    p = command(
        "ingest",
        "run the nightly flow now: each source's new and changed articles",
        ["bulletin ingest", "bulletin ingest --source vonhai --since 2026-11-01"],
        "Exit 1 when a source failed outright or needs a human; `bulletin failures` says why.",
    )
    with_db(p)
    with_sources(p)
    p.add_argument(
        "--source",
        action="append",
        dest="source_names",
        metavar="NAME",
        help="source name (repeatable; default: every enabled source)",
    )
    p.add_argument(
        "--since", type=day, metavar=DAY, help=f"only articles dated from this day on ({DAY})"
    )

    p = command(
        "backfill",
        "ingest a source's articles dated within a range, or show its ledger (--status)",
        [
            "bulletin backfill --source vonhai --from 2024-01-01 --to 2024-12-31",
            "bulletin backfill --source vonhai --from 2026-11-01 --to 2026-11-30 --refetch",
            "bulletin backfill --status --source vonhai --format csv",
        ],
        "Days already done are skipped (the ledger), unless --force. Articles already stored\n"
        "are not fetched again, unless --refetch.",
    )
    with_db(p)
    with_sources(p, "source name")
    with_range(p)
    p.add_argument(
        "--status",
        action="store_true",
        help="show the ledger of days (of --source, --from, --to) instead of running",
    )
    p.add_argument(
        "--batch-days",
        type=positive,
        default=7,
        metavar="N",
        help="days per batch, each saved as it completes (default: %(default)s)",
    )
    p.add_argument("--force", action="store_true", help="look again at days already done")
    p.add_argument(
        "--refetch",
        action="store_true",
        help="--force, and fetch the articles already stored again: those edited since "
        "are updated, each earlier version kept (see `bulletin history`)",
    )
    with_format(p)

    p = command(
        "gaps",
        "list the days of a source with no successful run",
        ["bulletin gaps --source vonhai --from 2026-01-01"],
    )
    with_db(p)
    with_sources(p)
    p.add_argument(
        "--source", required=True, metavar="NAME", help="source name (a name in the sources file)"
    )
    with_range(p)

    p = command(
        "extract",
        "extract article pages from files, no network",
        [
            "bulletin extract page.html --url https://vonhai.thainguyen.gov.vn/tin-tuc/-/a/123",
            "bulletin extract page.html --json",
            "bulletin extract page.html --candidates",
        ],
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="saved HTML pages")
    p.add_argument("--url", help="the page's URL (default: the file's file:// URL)")
    p.add_argument(
        "--profile",
        metavar="NAME",
        help=f"force a CMS profile: {', '.join(PROFILE_NAMES)} (default: auto, detect it)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per file")
    p.add_argument(
        "--candidates",
        action="store_true",
        help="show the generic extractor's candidate containers, in the order it tries "
        "them, with their scores (to see why it chose a block)",
    )

    p = command(
        "sql",
        "query the warehouse, read-only",
        [
            'bulletin sql "SELECT source, count(*) FROM articles GROUP BY ALL"',
            'bulletin sql --format csv "SELECT * FROM article_doc_refs" > refs.csv',
        ],
        "Queries only: SQL that would write, or read any file but the warehouse, is refused.",
    )
    with_db(p)
    p.add_argument("query", help="SQL: queries only (no ATTACH, COPY, SET, INSTALL, ...)")
    with_format(p)

    p = command(
        "reparse",
        "re-extract archived pages with the installed extractors, no network",
        ["bulletin reparse", "bulletin reparse --source vonhai --since 2026-01-01 --workers 2"],
        "Only articles whose extraction changed are rewritten.",
    )
    with_db(p)
    with_sources(p, "only this source")
    p.add_argument(
        "--since", type=day, metavar=DAY, help=f"only articles dated from this day on ({DAY})"
    )
    p.add_argument(
        "--workers", type=positive, metavar="N", help="parsing processes (default: one per core)"
    )

    p = command(
        "export",
        "export the tables as Parquet or CSV files, or the raw archive as WARC",
        [
            "bulletin export exports/ --format parquet",
            "bulletin export exports/ --format csv --source vonhai --since 2026-01-01",
            "bulletin export --warc archive.warc.gz --source vonhai",
        ],
        "The big tables (articles and what hangs from them, pages) are partitioned by source\n"
        "and month, Hive style: DIR/articles/source=vonhai/month=2026-05/part_0.parquet;\n"
        "the others are one file each (DIR/runs.parquet). A re-export of the same range\n"
        "replaces its files. The raw pages go to a WARC file (--warc), not to DIR.",
    )
    with_db(p)
    with_sources(p, "only this source")
    p.add_argument("directory", nargs="?", type=Path, metavar="DIR", help="folder to write")
    p.add_argument(
        "--format",
        dest="export_format",
        choices=EXPORT_FORMATS,
        default="parquet",
        metavar="FORMAT",
        help="files: parquet or csv (default: %(default)s)",
    )
    p.add_argument(
        "--since",
        type=day,
        metavar=DAY,
        help="only the months from this day's month on, of the partitioned tables",
    )
    p.add_argument(
        "--warc", metavar="FILE", help="write the raw pages to this WARC file (.warc or .warc.gz)"
    )

    p = command(
        "report",
        "write an HTML report of the warehouse, one file that opens offline",
        [
            "bulletin report",
            "bulletin report --out vonhai.html --source vonhai --since 2026-01-01",
            "bulletin report --unit 'hộ gia đình'",
        ],
        "Charts, each beside its data table: articles and figures per source and month, the\n"
        "most cited documents, the most quoted officials, one unit's quoted values over time,\n"
        "and failures by stage and reason. Scripts and styles are inside the file.",
    )
    with_db(p)
    with_sources(p, "only this source")
    p.add_argument(
        "--since",
        type=day,
        metavar=DAY,
        help="only articles dated from this day on, and failures last seen from it on",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("report.html"),
        metavar="FILE",
        help="HTML file to write (default: %(default)s)",
    )
    p.add_argument(
        "--unit",
        metavar="UNIT",
        help="the unit of the values-over-time chart, as in stats.unit, e.g. '%%' or 'hộ' "
        "(default: the unit quoted most in range)",
    )

    p = command(
        "search",
        "find articles by words typed with or without diacritics, best first",
        [
            "bulletin search nghi quyet 35",
            "bulletin search '\"dai hoi doan\" vo nhai' --source vonhai --since 2026-01-01",
            "bulletin search chuyen doi so --limit 5 --format json",
        ],
        "Case and diacritics do not matter (dai hoi finds Đại hội); đ is d. An article must\n"
        'have every word, in any order; a quoted phrase ("nghị quyết 35") and a word with\n'
        "inner punctuation (35-NQ/TW) must appear as written, word after word. Words in\n"
        "the title count 3 times as much as in the lead and body, rare words more than\n"
        "common ones. Each result has a snippet with the matched words marked «so».\n"
        "In SQL: SELECT * FROM search('nghi quyet 35') JOIN articles USING (article_id).",
    )
    with_db(p)
    with_sources(p, "only this source")
    p.add_argument("query", nargs="+", metavar="QUERY", help="the words to find")
    p.add_argument(
        "--since", type=day, metavar=DAY, help=f"only articles dated from this day on ({DAY})"
    )
    p.add_argument(
        "--until", type=day, metavar=DAY, help=f"only articles dated up to this day ({DAY})"
    )
    p.add_argument(
        "--limit",
        type=positive,
        default=20,
        metavar="N",
        help="how many articles to show (default: %(default)s)",
    )
    with_format(p)

    p = command(
        "failures",
        "list the URLs that could not be ingested, and why",
        ["bulletin failures --source vonhai", "bulletin failures --retry"],
    )
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

    p = command(
        "history",
        "show the versions of an article and what changed between them",
        [
            "bulletin history https://vonhai.thainguyen.gov.vn/tin-tuc/-/asset_publisher/x/content/y",
            "bulletin history 3f2a9c0d1e2b4a5c --format json",
        ],
        "A version is kept each time a fetch finds the article's content changed (a reparse\n"
        "keeps none). Version 1 is the first stored; the last is the row in articles. Words\n"
        "removed show as [-words-], words added as {+words+}, with a few words around them.",
    )
    with_db(p)
    p.add_argument(
        "article",
        metavar="URL|ARTICLE_ID",
        help="the article's URL (as fetched, canonical, or an alias) or its article_id",
    )
    with_format(p)

    p = command(
        "sample-portal",
        "serve the sample portal until Ctrl-C",
        [
            "bulletin sample-portal --port 8765 --count 200 --end 2026-12-01",
            "bulletin sample-portal --end 2026-12-01 --revision 2",
        ],
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="HOST",
        help="address to listen on (default: %(default)s)",
    )
    with_portal(p, "port to listen on (default: %(default)s; 0: any free port)")
    p.add_argument(
        "--end", type=day, metavar=DAY, help="date of the newest article (default: today)"
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of the articles' text (default: %(default)s)",
    )
    p.add_argument(
        "--revision",
        type=positive,
        default=1,
        metavar="N",
        help="what the portal serves: 1 its articles as generated, 2 the same with one "
        "article edited and another re-dated since, to see `bulletin history` (default: "
        "%(default)s)",
    )
    parser.epilog = _grouped(summaries) + (
        "\n\nExit status: 0 done; 1 a run failed or a source needs a human; 2 bad input.\n"
        "`bulletin COMMAND --help` shows a command's options, their defaults and examples."
    )
    return parser


def _grouped(summaries: dict[str, str]) -> str:
    """The commands by task (GROUPS), each with its one line."""
    width = max(len(name) for name in summaries) + 2
    lines = []
    for group, names in GROUPS:
        lines.append(f"{group}:")
        lines += [f"  {name:<{width}}{summaries[name]}" for name in names]
    return "\n".join(lines)
