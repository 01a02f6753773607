"""Input checks: what the user gave is refused here, before any command runs, so before
any flow module is imported and Prefect's temporary server starts.

``check(args)`` raises ``InputError`` (``main`` prints it in one line and exits 2) for

- ``backfill`` without ``--status`` and without ``--source``, ``--from`` or ``--to``;
- a range whose ``--from`` is after its ``--to`` (``backfill``, ``gaps``);
- a sources file that cannot be read or is malformed (``flows.sources`` says which
  entry and field), and a ``--source`` it does not name: every command that takes
  ``--source`` refuses an unknown one alike, the same message;
- a sample portal that cannot be laid out (``demo``, ``sample-portal``);
- an extractor profile that does not exist (``extract --profile``);
- a file to write with no directory to go to (``export --warc``, ``report --out``);
- no warehouse, for the commands that only read it.

Numbers that make no sense (``--batch-days 0``, ``--port 70000``) are refused even
earlier, by the option types of ``bulletin.cli.parser``.

The sources file is loaded when the command runs a flow on it (``ingest``, ``backfill``,
``demo``), names a source, or is given ``--sources``; ``reparse`` without either keeps
its own rule (a default file that does not load gives every source the defaults).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bulletin.cli.running import SAMPLE_URL
from bulletin.errors import InputError, StorageError

# Commands that only read the warehouse (with ``backfill --status``): it must be there.
READERS = frozenset({"sql", "failures", "gaps", "export", "report", "history", "search"})


def check(args: argparse.Namespace) -> None:
    """Raise ``InputError`` for input of ``args`` that cannot be used."""
    _required(args)
    _range(args)
    _sources(args)
    _portal(args)
    _profile(args)
    _export(args)
    _report(args)
    _warehouse(args)


def _status(args: argparse.Namespace) -> bool:
    """``backfill --status``: the ledger, not a run."""
    return args.command == "backfill" and bool(args.status)


def _required(args: argparse.Namespace) -> None:
    if args.command != "backfill" or _status(args):
        return
    given = {"--source": args.source, "--from": args.date_from, "--to": args.date_to}
    missing = [option for option, value in given.items() if value is None]
    if missing:
        raise InputError(f"{', '.join(missing)} required (or --status)")


def _range(args: argparse.Namespace) -> None:
    first = getattr(args, "date_from", None)
    last = getattr(args, "date_to", None)
    if first is not None and last is not None and first > last:
        raise InputError(f"--from {first} is after --to {last}")
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    if since is not None and until is not None and since > until:
        raise InputError(f"--since {since} is after --until {until}")


def _sources(args: argparse.Namespace) -> None:
    if args.command == "demo":
        names: list[str] = ["sample"]  # what the demo ingests, from the default file
    elif args.command == "ingest":
        names = list(args.source_names or ())
    else:
        source = getattr(args, "source", None)
        names = [source] if source is not None else []
    given = getattr(args, "sources_file", None)
    runs = args.command in ("ingest", "demo") or (args.command == "backfill" and not _status(args))
    if not (runs or names or given):
        return
    from flows.sources import load_sources  # light: no flow, no Prefect, no parser

    with _sample_url(args):
        sources = load_sources(given)  # SourcesError: the file, the entry and the field
    if names:
        sources.select(names)  # SourcesError: the unknown names, and the known ones


@contextmanager
def _sample_url(args: argparse.Namespace) -> Iterator[None]:
    """For ``demo``: the file read as the demo's flow reads it, once the demo has set
    BULLETIN_SAMPLE_URL to its portal (whatever it was before)."""
    if args.command != "demo":
        yield
        return
    before = os.environ.get(SAMPLE_URL)
    os.environ[SAMPLE_URL] = f"http://127.0.0.1:{args.port}"
    try:
        yield
    finally:
        if before is None:
            del os.environ[SAMPLE_URL]
        else:
            os.environ[SAMPLE_URL] = before


def _portal(args: argparse.Namespace) -> None:
    if args.command not in ("demo", "sample-portal"):
        return
    from sample_portal import PortalConfig

    try:
        PortalConfig(
            count=args.count,
            days=args.days,
            end=getattr(args, "end", None),
            revision=getattr(args, "revision", 1),
        )
    except ValueError as exc:  # the configuration's own checks, on what was given
        raise InputError(f"sample portal: {exc}") from None


def _profile(args: argparse.Namespace) -> None:
    if args.command != "extract" or args.profile in (None, "auto"):
        return
    from extractors.profiles import PROFILES  # extract loads the parser anyway

    if args.profile not in PROFILES:
        known = ", ".join(("auto", *PROFILES))
        raise InputError(f"--profile: unknown profile {args.profile!r} (known: {known})")


def _export(args: argparse.Namespace) -> None:
    """Export: a folder for the tables, or --warc FILE; each a place that can be written."""
    if args.command != "export":
        return
    if (args.directory is None) == (args.warc is None):
        raise InputError("give a folder to write the tables to, or --warc FILE (not both)")
    if args.warc is None:
        if args.directory.exists() and not args.directory.is_dir():
            raise InputError(f"{args.directory} is a file, not a folder to write the tables in")
        return
    if args.since is not None:
        raise InputError("--since applies to the tables, not to --warc")
    _file_to_write("--warc", Path(args.warc))


def _report(args: argparse.Namespace) -> None:
    if args.command == "report":
        _file_to_write("--out", args.out)


def _file_to_write(option: str, target: Path) -> None:
    """The file ``option`` names: not a directory, and in one that exists."""
    if target.is_dir():
        raise InputError(f"{option}: {target} is a directory")
    if not target.parent.is_dir():
        raise InputError(f"{option}: no directory {target.parent} to write {target.name} in")


def _warehouse(args: argparse.Namespace) -> None:
    if args.command not in READERS and not _status(args):
        return
    from storage.warehouse import connect, resolve_db_path  # the command needs it next

    if resolve_db_path(args.db).exists():
        return
    try:  # no file: connect says so, with what to do, and opens nothing
        connect(args.db, read_only=True).close()
    except StorageError as exc:
        raise InputError(str(exc)) from None
