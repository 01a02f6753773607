"""The Arrow schema of each warehouse table the code bulk-loads, defined here once.

A schema lists the table's columns as the migrations leave them (``storage.migrations``,
whose DDL has shipped and is never edited): the same names, in the same order, with the
Arrow type that DuckDB loads as the column's type. tests/test_storage.py checks each one
against the migrated table, so the two cannot drift apart. The writers build their Arrow
batches with these schemas, or with ``without`` the columns their SQL sets itself, and
insert them ``BY NAME``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")  # TIMESTAMPTZ

ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("title", pa.string()),
        ("published_at", TS),
        ("lead", pa.string()),
        ("body_text", pa.string()),
        ("author", pa.string()),
        ("source_unit", pa.string()),
        ("category", pa.string()),
        ("language", pa.string()),
        ("profile", pa.string()),
        ("warnings", pa.list_(pa.string())),
        ("content_hash", pa.string()),
        ("extractor_version", pa.string()),
        ("first_seen_at", TS),
        ("updated_at", TS),
        ("encoding_suspect", pa.bool_()),
        ("text_hash", pa.string()),
    ]
)

# The tables that hang off an article: its id, the record's place among the article's
# (ordinal), the record's fields, and for the facts where in the text they were found.
_CHILD_KEY = [("article_id", pa.string()), ("ordinal", pa.int32())]
_OFFSETS = [("field", pa.string()), ("start_offset", pa.int32()), ("end_offset", pa.int32())]
FIGURES = pa.schema(
    [
        *_CHILD_KEY,
        ("src", pa.string()),
        ("caption", pa.string()),
        ("credit", pa.string()),
        ("alt", pa.string()),
    ]
)
ATTACHMENTS = pa.schema(
    [*_CHILD_KEY, ("url", pa.string()), ("label", pa.string()), ("kind", pa.string())]
)
STATS = pa.schema(
    [
        *_CHILD_KEY,
        ("value", pa.float64()),
        ("value_high", pa.float64()),
        ("total", pa.float64()),
        ("unit", pa.string()),
        ("qualifier", pa.string()),
        ("period", pa.string()),
        ("text", pa.string()),
        ("sentence", pa.string()),
        *_OFFSETS,
    ]
)
DOC_REFS = pa.schema(
    [
        *_CHILD_KEY,
        ("number", pa.string()),
        ("type_code", pa.string()),
        ("type_name", pa.string()),
        ("issuer_code", pa.string()),
        ("year", pa.int32()),
        ("issued_on", pa.date32()),
        ("complete", pa.bool_()),
        ("mentions", pa.int32()),
        ("text", pa.string()),
        *_OFFSETS,
    ]
)
PEOPLE = pa.schema(
    [
        *_CHILD_KEY,
        ("name", pa.string()),
        ("title", pa.string()),
        ("quoted", pa.bool_()),
        ("quote", pa.string()),
        ("sentence", pa.string()),
        *_OFFSETS,
    ]
)
# An article's child tables, keyed by (article_id, ordinal) and replaced with it. The
# table name is also the Article attribute that holds the records.
CHILDREN: dict[str, pa.Schema] = {
    "figures": FIGURES,
    "attachments": ATTACHMENTS,
    "stats": STATS,
    "doc_refs": DOC_REFS,
    "people": PEOPLE,
}

# The search index (``storage.search``): each word of an article once, folded
# (``extractors.text.search_words``), with how often it is in the title and in the lead
# and body, and where (word positions: the title's from 0, then the lead's and the body's,
# each after a one-word gap so that no phrase runs from one field into the next).
SEARCH_TERMS = pa.schema(
    [
        ("article_id", pa.string()),
        ("term", pa.string()),
        ("title_hits", pa.int32()),
        ("body_hits", pa.int32()),
        ("positions", pa.list_(pa.int32())),
    ]
)
# The tables whose rows belong to one article and are replaced with it: its child
# records, and its words in the search index.
OF_ARTICLE: dict[str, pa.Schema] = {**CHILDREN, "search_terms": SEARCH_TERMS}
# The order a table's rows are written in, batch by batch. The index's rows go by term:
# each row group then holds a narrow range of words, and a search reads only the row
# groups whose range holds its words (DuckDB skips the others by their min and max).
INSERT_ORDER = {"search_terms": "term"}

ALIASES = pa.schema([("url", pa.string()), ("article_id", pa.string()), ("seen_at", TS)])

# The earlier versions of an article (``storage.warehouse.save_rows`` copies a stored row
# here, with SQL, before a fetch changes it).
ARTICLE_VERSIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("version", pa.int32()),
        ("content_hash", pa.string()),
        ("title", pa.string()),
        ("lead", pa.string()),
        ("body_text", pa.string()),
        ("published_at", TS),
        ("seen_at", TS),
        ("replaced_at", TS),
    ]
)

# The fetch log: the latest fetch of each URL (``storage.records.Page``).
PAGES = pa.schema(
    [
        ("url", pa.string()),
        ("source", pa.string()),
        ("kind", pa.string()),
        ("status", pa.int32()),
        ("fetched_at", TS),
        ("bytes", pa.int64()),
        ("content_hash", pa.string()),
        ("content_type", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
    ]
)

# The raw archive: one row per body, inline or in a pack (``storage.packs``).
RAW_PAGES = pa.schema(
    [
        ("content_hash", pa.string()),
        ("compression", pa.string()),
        ("size", pa.int64()),
        ("body", pa.binary()),
        ("first_seen_at", TS),
        ("pack", pa.string()),
        ("pack_offset", pa.int64()),
        ("pack_length", pa.int64()),
    ]
)

FAILURES = pa.schema(
    [
        ("url", pa.string()),
        ("source", pa.string()),
        ("stage", pa.string()),
        ("reason", pa.string()),
        ("attempts", pa.int32()),
        ("last_status", pa.int32()),
        ("first_failed_at", TS),
        ("last_failed_at", TS),
        ("next_retry_at", TS),
    ]
)

# The backfill ledger (``storage.ledger``).
PARTITIONS = pa.schema(
    [
        ("source", pa.string()),
        ("day", pa.date32()),
        ("status", pa.string()),
        ("attempts", pa.int32()),
        ("articles", pa.int32()),
        ("failures", pa.int32()),
        ("last_run_id", pa.string()),
        ("flow", pa.string()),
        ("error", pa.string()),
        ("updated_at", TS),
    ]
)

# Every table above, by name.
TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    **OF_ARTICLE,
    "aliases": ALIASES,
    "article_versions": ARTICLE_VERSIONS,
    "pages": PAGES,
    "raw_pages": RAW_PAGES,
    "failures": FAILURES,
    "partitions": PARTITIONS,
}


def without(schema: pa.Schema, names: Iterable[str]) -> pa.Schema:
    """``schema`` but the columns ``names`` (a batch whose SQL sets those itself)."""
    dropped = set(names)
    missing = dropped - set(schema.names)
    if missing:
        raise KeyError(f"no such column: {', '.join(sorted(missing))}")
    return pa.schema([f for f in schema if f.name not in dropped])
