"""``bulletin history URL|ARTICLE_ID``: the versions of an article the warehouse kept
(``storage.history``), and what changed from each to the next, as a word diff
(``bulletin.cli.word_diff``).

Reads the warehouse and nothing else; imports neither Prefect nor httpx.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING

from bulletin.cli.word_diff import CONTEXT, word_diff
from bulletin.errors import InputError

if TYPE_CHECKING:
    from storage.history import History, Version

TEXTS = ("title", "lead", "body_text")  # the fields diffed from one version to the next
WHOLE = frozenset({"title"})  # shown whole around a change (short); the others in context
HASH_PREFIX = 12  # hex digits of a content hash shown in the table
# The columns of --format csv and json: a row per version, with its diff from the one before.
COLUMNS = (
    "article_id",
    "version",
    "seen_at",
    "replaced_at",
    "published_at",
    "content_hash",
    *TEXTS,
    *(f"{name}_diff" for name in TEXTS),
)


def history(args: argparse.Namespace) -> int:
    from storage.history import article_history, find_article
    from storage.warehouse import connect, resolve_db_path

    con = connect(args.db, read_only=True)
    try:
        article_id = find_article(con, args.article)
        found = article_history(con, article_id) if article_id is not None else None
    finally:
        con.close()
    if found is None:
        raise InputError(
            f"no article {args.article} in {resolve_db_path(args.db)}: give an article's URL "
            "(as fetched, canonical, or an alias) or its article_id"
        )
    print(render(found, args.format))
    return 0


def render(found: History, fmt: str) -> str:
    """The history as a table with the diffs under it, or as CSV or JSON rows."""
    from bulletin.cli.output import FORMATS, format_table

    versions = found.versions
    diffs: list[dict[str, str | None]] = [{}]  # each version's from the one before
    diffs += [_diffs(old, new) for old, new in pairwise(versions)]
    if fmt != "table":
        rows = [
            (
                found.article_id,
                v.number,
                v.seen_at,
                v.replaced_at,
                v.published_at,
                v.content_hash,
                *(getattr(v, name) for name in TEXTS),
                *(changes.get(name) for name in TEXTS),
            )
            for v, changes in zip(versions, diffs, strict=True)
        ]
        return FORMATS[fmt](COLUMNS, rows)
    table = format_table(
        ("version", "seen_at", "published_at", "content_hash"),
        [
            (
                v.number,
                v.seen_at.replace(microsecond=0),
                v.published_at,
                v.content_hash[:HASH_PREFIX],
            )
            for v in versions
        ],
    )
    count = f"{len(versions)} version{'s' if len(versions) != 1 else ''}"
    lines = [f"article {found.article_id}: {found.url} ({count}; the last is the one stored)"]
    lines.append(table)
    for (old, new), changes in zip(pairwise(versions), diffs[1:], strict=True):
        lines += ["", f"version {old.number} → {new.number}", *_changes(old, new, changes)]
    return "\n".join(lines)


def _diffs(old: Version, new: Version) -> dict[str, str | None]:
    return {
        name: word_diff(getattr(old, name), getattr(new, name), None if name in WHOLE else CONTEXT)
        for name in TEXTS
    }


def _changes(old: Version, new: Version, diffs: dict[str, str | None]) -> list[str]:
    """The lines that say what changed from ``old`` to ``new``."""
    lines = [f"  {name}: {diff}" for name, diff in diffs.items() if diff is not None]
    if old.published_at != new.published_at:
        lines.append(f"  published_at: {_when(old.published_at)} → {_when(new.published_at)}")
    return lines or ["  title, lead, body and date unchanged (another field changed)"]


def _when(value: datetime | None) -> str:
    return value.isoformat() if value is not None else "none"
