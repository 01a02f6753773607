"""The check that the search index is up to date: ``search_terms`` holds exactly the
rows the writer makes (``storage.rows.search_rows``) of the text ``articles`` holds."""

from __future__ import annotations

import duckdb

from extractors.records import Article
from storage.rows import search_rows

TERMS_SQL = (
    "SELECT article_id, term, title_hits, body_hits, positions FROM search_terms "
    "ORDER BY article_id, term"
)


def expected_index(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The index rows of the stored articles, as the writer makes them, sorted."""
    stored = con.execute(
        "SELECT article_id, url, title, lead, body_text FROM articles ORDER BY article_id"
    ).fetchall()
    records = [Article(url, url, title, None, lead, body) for _, url, title, lead, body in stored]
    table = search_rows(records, [row[0] for row in stored]).drop_columns(["_row"])
    return sorted(tuple(row.values()) for row in table.to_pylist())


def assert_index_up_to_date(con: duckdb.DuckDBPyConnection) -> int:
    """Assert the index is the stored articles' (and not empty); return its row count."""
    stored = con.execute(TERMS_SQL).fetchall()
    assert stored, "the search index is empty"
    assert stored == expected_index(con)
    articles = con.execute("SELECT count(*) FROM articles").fetchone()
    indexed = con.execute("SELECT count(DISTINCT article_id) FROM search_terms").fetchone()
    assert indexed == articles
    return len(stored)
