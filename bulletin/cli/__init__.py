"""The ``bulletin`` command line: ``main`` parses, checks, runs one command, and turns
what it raised into an exit status.

The modules, one job each:

- ``parser``: the commands, their options and the types that refuse a nonsense value;
- ``checks``: the input checks that run before any command (dates, sources, the
  warehouse): bad input is refused before Prefect is imported;
- ``running``: the commands that run something (``demo``, ``ingest``, ``backfill``,
  ``reparse``, ``sample-portal``); only they import flow modules (and ``demo``,
  ``ingest`` and ``backfill`` Prefect);
- ``looking``: the commands that look and run no flow (``sql``, ``failures``, ``gaps``,
  ``backfill --status``, ``export``, ``extract``, ``report``);
- ``history``: ``history``, an article's versions and what changed between them, in
  words (``word_diff``); it runs no flow either;
- ``output``: query results as a table, CSV or JSON;
- ``reaper``: no process outlives a killed command; ``progress_bar``: a backfill's bar.

Exit status: 0 done; 1 a run failed (``RunFailed``: its message names each source that
needs a human, and why) or the warehouse could not be read or written (another
``BulletinError``); 2 bad input (``InputError``: arguments, the sources file, a refused
query, no warehouse to read), in one line ``bulletin <command>: <message>`` and before
any run starts; 130 interrupted. Anything else is a bug and shows its traceback.

``sql``, ``extract``, ``failures``, ``gaps``, ``report``, ``history``, ``search`` and ``backfill
--status`` never import Prefect (nor does ``--help``, nor does any refusal of bad input).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bulletin.cli import history, looking, running, searching
from bulletin.cli.checks import check
from bulletin.cli.parser import build_parser
from bulletin.errors import BulletinError, InputError, RunFailed

__all__ = ["COMMANDS", "build_parser", "main"]

Command = Callable[[argparse.Namespace], int]

COMMANDS: dict[str, Command] = {
    "demo": running.demo,
    "ingest": running.ingest,
    "backfill": running.backfill,
    "backfill --status": looking.ledger,
    "reparse": running.reparse,
    "sample-portal": running.sample_portal,
    "sql": looking.sql,
    "failures": looking.failures,
    "gaps": looking.gaps,
    "search": searching.search,
    "export": looking.export,
    "extract": looking.extract,
    "report": looking.report,
    "history": history.history,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # a parse error: one line, exit 2
    name = f"bulletin {args.command}"
    try:
        check(args)
        status_only = args.command == "backfill" and args.status
        return COMMANDS["backfill --status" if status_only else args.command](args)
    except InputError as exc:  # a refused query too (also a StorageError)
        _say(name, exc, one_line=True)
        return 2
    except RunFailed as exc:  # the run saved what it got; a source needs a human
        _say(name, exc, one_line=False)
        return 1
    except BulletinError as exc:
        _say(name, exc, one_line=True)
        return 1
    except KeyboardInterrupt:
        return 130


def _say(name: str, exc: BaseException, *, one_line: bool) -> None:
    """``bulletin <command>: <message>`` on stderr; ``one_line`` joins its lines."""
    message = " ".join(str(exc).split()) if one_line else str(exc).strip()
    print(f"{name}: {message}", file=sys.stderr)
