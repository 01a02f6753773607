"""Articles in the warehouse's table shapes (``storage.schemas``): Arrow tables built
from extracted records, with their ids and hashes, ready for one bulk insert.

Pure (pyarrow and hashing, no DuckDB), so the parsing processes build them next to the
extraction and the single writer only inserts (``storage.warehouse.save_rows``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from extractors.records import Article
from extractors.text import search_words
from extractors.version import EXTRACTOR_VERSION
from storage.schemas import ARTICLES, CHILDREN, OF_ARTICLE, SEARCH_TERMS, without


def article_id(canonical_url: str) -> str:
    """The stable id of an article: a hash of its canonical URL."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


def text_hash(article: Article) -> str:
    """A hash of what makes two pages the same article, whatever their URLs."""
    published = article.published_at.isoformat() if article.published_at else ""
    blob = "\x1f".join((article.title, published, article.lead or "", article.body_text))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


_HASHED_FIELDS = tuple(f for f in Article.__dataclass_fields__ if f != "url")


def content_hash(article: Article) -> str:
    """A hash of everything extraction produced (every field but the URL, as orjson
    writes it: records as objects in field order, datetimes in ISO 8601), so a re-load
    can tell what changed."""
    data = {f: getattr(article, f) for f in _HASHED_FIELDS}
    return hashlib.sha256(orjson.dumps(data)).hexdigest()


# The articles columns the writer sets (``storage.warehouse.save_rows``), not the rows.
LOAD_COLUMNS = ("source", "first_seen_at", "updated_at")
ROW = "_row"  # in a child table: its article's position in the articles table

_BUILT_SCHEMA = without(ARTICLES, LOAD_COLUMNS)
_CHILD_BUILT = {name: schema.append(pa.field(ROW, pa.int32())) for name, schema in CHILDREN.items()}
_TERMS_BUILT = SEARCH_TERMS.append(pa.field(ROW, pa.int32()))
_RECORD_FIELDS = {"start_offset": "start", "end_offset": "end"}  # column -> record field


def columns_table(columns: Sequence[Sequence[Any]], schema: pa.Schema) -> pa.Table:
    """A table from one sequence of Python values per column of ``schema``: each column
    is converted in one call, with no dict per row."""
    arrays = [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


@dataclass(frozen=True, slots=True)
class ArticleRows:
    """Articles as Arrow tables: ``articles`` (every stored column but LOAD_COLUMNS),
    and a table per child table and for the search index (``OF_ARTICLE``) whose rows
    carry their article's position (ROW)."""

    tables: Mapping[str, pa.Table]

    @property
    def articles(self) -> pa.Table:
        return self.tables["articles"]

    def __len__(self) -> int:
        return int(self.articles.num_rows)

    def column(self, name: str) -> list[Any]:
        """One column of the articles table, as Python values."""
        return list(self.articles.column(name).to_pylist())

    def take(self, positions: Sequence[int]) -> ArticleRows:
        """The articles at ``positions`` (distinct), in that order, with their rows
        (these very rows when that is all of them, in order)."""
        if len(positions) == len(self) and all(p == k for k, p in enumerate(positions)):
            return self
        wanted = pa.array(positions, type=pa.int32())
        tables = {"articles": self.articles.take(wanted)}
        for name in OF_ARTICLE:
            child = self.tables[name]
            kept = child.filter(pc.is_in(child[ROW], value_set=wanted))
            moved = pc.index_in(kept[ROW], value_set=wanted).cast(pa.int32())
            tables[name] = kept.set_column(kept.schema.get_field_index(ROW), ROW, moved)
        return ArticleRows(tables)

    @staticmethod
    def concat(parts: Sequence[ArticleRows]) -> ArticleRows:
        """The articles of ``parts``, one after the other."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return article_rows([])
        tables = {"articles": pa.concat_tables([p.articles for p in parts])}
        for name in OF_ARTICLE:
            shifted, offset = [], 0
            for part in parts:
                child = part.tables[name]
                moved = pc.add(child[ROW], pa.scalar(offset, pa.int32()))
                shifted.append(child.set_column(child.schema.get_field_index(ROW), ROW, moved))
                offset += len(part)
            tables[name] = pa.concat_tables(shifted)
        return ArticleRows(tables)


def article_rows(articles: Sequence[Article]) -> ArticleRows:
    """``articles`` as rows, with their ids, text hashes and content hashes."""
    # Column by column: a list per column of values the records already hold, and no
    # tuple or dict per row (which would also wake the garbage collector over and over).
    n = len(articles)
    computed: dict[str, Sequence[Any]] = {
        "article_id": [article_id(a.canonical_url) for a in articles],
        "content_hash": [content_hash(a) for a in articles],
        "text_hash": [text_hash(a) for a in articles],
        "extractor_version": [EXTRACTOR_VERSION] * n,
    }
    columns = [
        computed[f] if f in computed else list(map(attrgetter(f), articles))
        for f in _BUILT_SCHEMA.names
    ]
    tables = {"articles": columns_table(columns, _BUILT_SCHEMA)}
    ids = computed["article_id"]
    for name, schema in _CHILD_BUILT.items():
        per_article = [getattr(art, name) for art in articles]
        records = [r for recs in per_article for r in recs]
        owners = [ids[k] for k, recs in enumerate(per_article) for _ in recs]
        rows = [k for k, recs in enumerate(per_article) for _ in recs]
        values = [
            list(map(attrgetter(_RECORD_FIELDS.get(f, f)), records)) for f in schema.names[1:-1]
        ]
        tables[name] = columns_table([owners, *values, rows], schema)
    tables["search_terms"] = search_rows(articles, ids)
    return ArticleRows(tables)


def search_rows(articles: Sequence[Article], ids: Sequence[str]) -> pa.Table:
    """The search index's rows of ``articles`` (``storage.schemas.SEARCH_TERMS``): each
    folded word of an article once, with its hits in the title and in the lead and body,
    and its positions. Migration 13 builds the same rows in SQL for articles stored
    before it (tests/test_search_index.py holds the two equal)."""
    owners: list[str] = []
    terms: list[str] = []
    title_hits: list[int] = []
    body_hits: list[int] = []
    positions: list[list[int]] = []
    rows: list[int] = []
    for k, (article, aid) in enumerate(zip(articles, ids, strict=True)):
        title = search_words(article.title)
        where: dict[str, list[int]] = {}
        at = 0
        for words in (title, search_words(article.lead or ""), search_words(article.body_text)):
            for word in words:
                where.setdefault(word, []).append(at)
                at += 1
            at += 1  # the gap between two fields
        in_title = len(title)
        for term, places in where.items():
            hits = sum(1 for p in places if p < in_title)
            owners.append(aid)
            terms.append(term)
            title_hits.append(hits)
            body_hits.append(len(places) - hits)
            positions.append(places)
            rows.append(k)
    return columns_table([owners, terms, title_hits, body_hits, positions, rows], _TERMS_BUILT)
