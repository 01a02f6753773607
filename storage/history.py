"""An article's history: the versions ``article_versions`` keeps of it and the latest,
its row in ``articles`` (``bulletin history``).

Versions are numbered from 1, the first stored; the row in ``articles`` is the latest,
numbered one more than the versions kept. ``storage.warehouse.save_rows`` keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb


@dataclass(frozen=True, slots=True)
class Version:
    """One version of an article: what it said, and when it was the one stored
    (from ``seen_at``, when it was stored, to ``replaced_at``; None for the latest)."""

    number: int
    content_hash: str
    title: str
    lead: str | None
    body_text: str
    published_at: datetime | None
    seen_at: datetime
    replaced_at: datetime | None


@dataclass(frozen=True, slots=True)
class History:
    """An article (its id, the URL it is stored under) and its versions, oldest first."""

    article_id: str
    url: str
    versions: list[Version]


# An article named by its id, its URL as fetched or canonical, or an alias; the article's
# own row wins over an alias.
_FIND = """
SELECT article_id, 0 AS rank FROM articles
WHERE article_id = $ref OR url = $ref OR canonical_url = $ref
UNION ALL
SELECT article_id, 1 AS rank FROM aliases WHERE url = $ref
ORDER BY rank, article_id LIMIT 1
"""
_COLUMNS = "content_hash, title, lead, body_text, published_at"


def find_article(con: duckdb.DuckDBPyConnection, ref: str) -> str | None:
    """The id of the article ``ref`` names (its article_id, its URL as fetched or
    canonical, or an alias in ``aliases``), or None."""
    row = con.execute(_FIND, {"ref": ref}).fetchone()
    return None if row is None else str(row[0])


def article_history(con: duckdb.DuckDBPyConnection, article_id: str) -> History | None:
    """The versions of an article, oldest first, the stored row last; None when no
    article has that id."""
    current = con.execute(
        f"SELECT url, {_COLUMNS}, updated_at FROM articles WHERE article_id = ?", [article_id]
    ).fetchone()
    if current is None:
        return None
    kept = con.execute(
        f"SELECT version, {_COLUMNS}, seen_at, replaced_at FROM article_versions "
        "WHERE article_id = ? ORDER BY version",
        [article_id],
    ).fetchall()
    versions = [Version(*row) for row in kept]
    url, digest, title, lead, body_text, published_at, updated_at = current
    latest = Version(len(kept) + 1, digest, title, lead, body_text, published_at, updated_at, None)
    return History(article_id, url, [*versions, latest])
