"""Search without diacritics: the articles that have every word of a query (and every
quoted phrase), best first, each with a snippet around its match.

The index is the table ``search_terms`` (migration 13), which the writer keeps with
each article (``storage.rows.search_rows``, ``storage.warehouse.save_rows``), and the
ranking and phrase matching are the SQL macro of that migration
``search_ranked(q, depth)``, which ``search(q)`` runs for SQL users over every article.
This module runs the same macro with the filters of ``bulletin search`` and a shortcut:
it checks the phrases of the best-scored articles only (``depth``), and looks deeper
only when those do not give it ``limit`` articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from extractors.text import SEARCH_WORD, fold

DEFAULT_LIMIT = 20
FIRST_DEPTH = 200  # best-scored articles whose phrases are checked first (or 4 x limit) ...
CHECK_GROWTH = 4  # ... then this many times more at each round, until `limit` are found
SNIPPET_WORDS = (5, 20)  # words of context before and after a snippet's first match
MARK = ("«", "»")  # around a matched word in a snippet
NEAR = 8  # words: a snippet shows the first run this long with the most query words


class EmptyQuery(ValueError):
    """A query with no word to search for (nothing but spaces, quotes or punctuation)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One article a search found: where it is, its score and a snippet of its text
    with the matched words marked «so»."""

    rank: int
    score: float
    article_id: str
    source: str
    published_at: datetime | None
    title: str
    url: str
    snippet: str


def query_parts(con: duckdb.DuckDBPyConnection, query: str) -> list[list[str]]:
    """The query's parts as the SQL macro ``search_query`` cuts them: each quoted phrase
    or space-free run as its folded words."""
    (parts,) = con.execute("SELECT search_query(?)", [query]).fetchone() or ([],)
    return [list(p) for p in parts or []]


def search(
    con: duckdb.DuckDBPyConnection,
    query: str,
    *,
    source: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[Hit]:
    """The ``limit`` best articles for ``query`` (of ``source``, dated from ``since`` to
    ``until`` inclusive, when given), best first."""
    parts = query_parts(con, query)
    if not parts:
        raise EmptyQuery(f"nothing to search for in {query!r}: give a word or a number")
    filters, params = _filters(source, since, until)
    depth = max(FIRST_DEPTH, limit * CHECK_GROWTH)
    while True:
        # The best articles not known to miss a phrase: those checked and found, and
        # those beyond `depth` (unchecked: NULL). When the first `limit` are all found,
        # no unchecked article ranks before them, and they are the answer.
        ranked = con.execute(
            "SELECT s.article_id, s.score, s.phrases_found FROM search_ranked($q, $depth) s "
            f"JOIN articles a USING (article_id) WHERE s.phrases_found IS NOT false {filters} "
            "ORDER BY s.score DESC, a.published_at DESC NULLS LAST, s.article_id LIMIT $limit",
            {"q": query, "depth": depth, "limit": limit, **params},
        ).fetchall()
        if all(found for _, _, found in ranked):
            break
        depth *= CHECK_GROWTH
    return _hits(con, [(aid, score) for aid, score, _ in ranked], parts)


def _filters(
    source: str | None, since: date | None, until: date | None
) -> tuple[str, dict[str, object]]:
    """The conditions (on ``articles a``) of the search's filters, and their values."""
    clauses: list[str] = []
    params: dict[str, object] = {}
    if source is not None:
        clauses.append("a.source = $source")
        params["source"] = source
    if since is not None:
        clauses.append("a.published_at >= $since")
        params["since"] = since
    if until is not None:  # the whole day
        clauses.append("a.published_at < $until")
        params["until"] = until + timedelta(days=1)
    return "".join(f" AND {c}" for c in clauses), params


def _hits(
    con: duckdb.DuckDBPyConnection,
    ranked: list[tuple[str, float]],
    parts: Sequence[Sequence[str]],
) -> list[Hit]:
    """The articles of ``ranked`` as hits, with their snippets."""
    words = [w for part in parts for w in part]
    if not ranked:
        return []
    rows = {
        row[0]: row[1:]
        for row in con.execute(
            "SELECT article_id, source, published_at, title, url, lead, body_text "
            "FROM articles WHERE article_id IN (SELECT unnest(?))",
            [[aid for aid, _ in ranked]],
        ).fetchall()
    }
    hits = []
    for rank, (aid, score) in enumerate(ranked, start=1):
        src, published, title, url, lead, body = rows[aid]
        text = "\n".join(t for t in (lead, body) if t)
        snippet = snippet_of(text, words, parts) or snippet_of(title, words, parts)
        hits.append(Hit(rank, round(score, 4), aid, src, published, title, url, snippet))
    return hits


def snippet_of(text: str, words: Sequence[str], parts: Sequence[Sequence[str]] = ()) -> str:
    """A few words of ``text`` around its match, the matched words marked «so»: the
    first phrase of ``parts`` (folded words) found, else the first stretch of NEAR words
    with the most of ``words``. Empty when none of them is in the text."""
    tokens = list(SEARCH_WORD.finditer(text))  # unfolded: offsets in the text
    folded = [fold(t.group()) for t in tokens]
    first, marked = _first_match(folded, set(words), [p for p in parts if len(p) > 1])
    if first is None:
        return ""
    before, after = SNIPPET_WORDS
    lo, hi = max(0, first - before), min(len(tokens), first + after)
    pieces: list[str] = []
    at = tokens[lo].start()
    for k in range(lo, hi):
        if k in marked:
            token = tokens[k]
            between = text[at : token.start()]
            if k - 1 in marked and k > lo and not between.strip():
                pieces[-1:] = [between, token.group(), MARK[1]]  # one mark for a run
            else:
                pieces += [between, MARK[0], token.group(), MARK[1]]
            at = token.end()
    pieces.append(text[at : tokens[hi - 1].end() if hi < len(tokens) else len(text)])
    snippet = " ".join("".join(pieces).split())
    return ("… " if lo > 0 else "") + snippet + (" …" if hi < len(tokens) else "")


def _first_match(
    folded: Sequence[str], words: set[str], phrases: Sequence[Sequence[str]]
) -> tuple[int | None, set[int]]:
    """Where the snippet starts its match (the first phrase found; else the word that
    begins the run of NEAR words holding the most different query words, the first such
    run), and the positions of the words to mark (every query word)."""
    marked = {k for k, w in enumerate(folded) if w in words}
    first = None
    for phrase in phrases:
        n = len(phrase)
        for k in range(len(folded) - n + 1):
            if list(folded[k : k + n]) == list(phrase):
                first = k if first is None else min(first, k)
                break
    if first is None and marked:
        ordered = sorted(marked)
        first = max(
            ordered,
            key=lambda k: (len({folded[j] for j in ordered if k <= j < k + NEAR}), -k),
        )
    return first, marked
