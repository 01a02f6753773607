"""Opening the DuckDB warehouse and loading records into it, in bulk and idempotently."""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from bulletin.errors import QueryRefused
from extractors.dates import DEFAULT_TIMEZONE
from extractors.records import Article
from storage import packs, schemas
from storage.errors import StorageError
from storage.memory import bounded_scan, write_memory
from storage.migrations import migrate
from storage.records import Failure, LoadCounts, Page
from storage.rows import ROW, ArticleRows, article_rows

DEFAULT_DB = "warehouse.duckdb"


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse file: ``db`` if given, else ``$BULLETIN_DB``, else ./warehouse.duckdb."""
    return Path(db or os.environ.get("BULLETIN_DB") or DEFAULT_DB)


READ_WAIT = 5.0  # seconds a reader waits for a writer to close the file
WRITE_WAIT = 900.0  # seconds a writer waits for another writer's turn
WAL_THRESHOLD = 4 << 20  # bytes of write-ahead log a write leaves before it checkpoints
# ... and what a single write may log before DuckDB checkpoints within it.
WAL_LIMIT_IN_WRITE = "64MB"
# Rows per row group as a write leaves them (DuckDB's default: 122,880). A checkpoint
# rewrites the row groups a run's small appends touched, and merges them up to this
# size, so its memory stays bounded instead of growing with the tables.
ROW_GROUP_SIZE = 2048


def connect(
    db: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    query_only: bool = False,
    wait: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection is migrated to the latest schema.

    DuckDB lets one process hold the file, and writers keep it only for short
    transactions (``writing``), so an open that finds it busy retries for ``wait``
    seconds (default: READ_WAIT) before it gives up with a clear error.

    ``query_only`` (implies ``read_only``) opens it for SQL nobody vetted: see
    QUERY_ONLY and run_query.
    """
    read_only = read_only or query_only
    path = resolve_db_path(db)
    if read_only and not path.exists():
        raise StorageError(
            f"no warehouse at {path}: run `bulletin ingest` (or `bulletin demo`) first, "
            "or point --db / BULLETIN_DB at one"
        )
    deadline = time.monotonic() + (READ_WAIT if wait is None else wait)
    while True:
        try:
            con = _open_query_only(path) if query_only else _open(path, read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise StorageError(f"cannot open warehouse {path}: {exc}") from exc
            time.sleep(0.05)
        except duckdb.Error as exc:
            raise StorageError(f"cannot open warehouse {path}: {exc}") from exc
    con.execute(f"SET TimeZone = '{DEFAULT_TIMEZONE}'")
    if query_only:  # the last setting: no statement can change one from here on
        con.execute("SET lock_configuration = true")
    if not read_only:
        # No checkpoint merges row groups (DuckDB's "vacuum"): merging a run's small
        # appends into full row groups read and rewrote them whole, every few folds of
        # the log (+50 MB each at 50,000 articles), and the first checkpoint with it on
        # merges every row group left unmerged since.
        con.execute("SET max_vacuum_tasks = 0")
        migrate(con)
    return con


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """The file attached as the connection's database, with ROW_GROUP_SIZE (a setting
    only ATTACH takes)."""
    con = duckdb.connect()
    try:
        mode = "READ_ONLY, " if read_only else ""
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS warehouse ({mode}ROW_GROUP_SIZE {ROW_GROUP_SIZE})")
        # What DuckDB spills goes beside the warehouse (its own default for a file it
        # opens itself), not into the working directory.
        con.execute(f"SET temp_directory = '{quoted}.tmp'")
        con.execute("USE warehouse")
    except BaseException:
        con.close()
        raise
    return con


# How a query-only connection opens the file: as the instance's own database,
# read-only. (Attached READ_ONLY to an in-memory instance, as ``_open`` does, a query
# could USE memory, DETACH it and ATTACH the file again, writable.) DuckDB keeps the
# instance's file open under its first name even after a DETACH, so no ATTACH gets it
# writable. With external access off, no other file opens: no ATTACH of one, no COPY
# TO or FROM, EXPORT or IMPORT, read_csv, read_text, glob, INSTALL or LOAD; with no
# temp_directory nothing spills to disk (a query past the memory limit fails instead);
# no persistent secret, no extension fetched or loaded behind a query's back. ``connect``
# then locks the configuration, so that no SET, RESET, PRAGMA or CALL undoes any of it
# (nor turns on profiling or logging to a file). run_query also refuses ATTACH, DETACH,
# USE, SET, COPY and the like before DuckDB sees them, with an error that says why.
QUERY_ONLY: dict[str, Any] = {
    "enable_external_access": False,
    "temp_directory": "",
    "allow_persistent_secrets": False,
    "allow_community_extensions": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}

# What a query-only connection runs: statements that read, and the writes DuckDB itself
# refuses on the read-only file (their own error, as before). Others are refused up
# front: ATTACH, DETACH, USE, SET, RESET, COPY, EXPORT, INSTALL, LOAD, PREPARE, EXECUTE.
_QUERY_STATEMENTS = frozenset(
    {
        duckdb.StatementType.SELECT,
        duckdb.StatementType.EXPLAIN,
        duckdb.StatementType.PRAGMA,
        duckdb.StatementType.CALL,
        duckdb.StatementType.TRANSACTION,
        duckdb.StatementType.INSERT,
        duckdb.StatementType.UPDATE,
        duckdb.StatementType.DELETE,
        duckdb.StatementType.MERGE_INTO,
        duckdb.StatementType.CREATE,
        duckdb.StatementType.CREATE_FUNC,
        duckdb.StatementType.DROP,
        duckdb.StatementType.ALTER,
        duckdb.StatementType.MULTI,
        duckdb.StatementType.VACUUM,
        duckdb.StatementType.ANALYZE,
    }
)
# How DuckDB words its refusals of what QUERY_ONLY turned off, other than files
# (a PermissionException), and what to say instead ({} is DuckDB's line).
_DUCKDB_REFUSALS = (
    ("the configuration has been locked", "refused, no setting can change here: {}"),
    ("Persistent secrets are disabled", "refused, no secret can be stored on disk here"),
)
# A statement's first word, past blanks and comments.
_KEYWORD = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*([A-Za-z]+)", re.DOTALL)


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyConnection:
    """Run ``sql`` (one or more statements) on a ``query_only`` connection; its last
    result is on the returned cursor. Raises QueryRefused for SQL with no statement, a
    statement of a kind not in _QUERY_STATEMENTS, or one QUERY_ONLY stops; DuckDB's
    other errors (syntax, names, a write to the read-only file) go up unchanged."""
    statements = con.extract_statements(sql)
    if not statements:
        raise QueryRefused("no SQL statement to run (the query is empty or only comments)")
    for statement in statements:
        try:
            allowed = statement.type in _QUERY_STATEMENTS
            keyword = _KEYWORD.match(statement.query)
            what = keyword[1].upper() if keyword else statement.type.name
        except ValueError:  # a kind this duckdb module has no name for (UPDATE EXTENSIONS)
            allowed, what = False, "this kind of statement"
        if not allowed:
            raise QueryRefused(
                f"{what} is refused: only queries run here, and they read the warehouse "
                "and no other file"
            )
    try:
        return con.execute(sql)
    except duckdb.PermissionException as exc:
        raise QueryRefused(
            f"refused, no file but the warehouse is open here: {_line(exc)}"
        ) from None
    except duckdb.InvalidInputException as exc:
        for marker, refusal in _DUCKDB_REFUSALS:
            if marker in str(exc):
                raise QueryRefused(refusal.format(_line(exc))) from None
        raise


def _line(exc: Exception) -> str:
    """The first line of a DuckDB error (the others point into the SQL)."""
    return str(exc).strip().splitlines()[0]


def _open_query_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The file as the instance's database, read-only, with QUERY_ONLY (all but the
    lock, which ``connect`` sets last)."""
    return duckdb.connect(str(path), read_only=True, config=dict(QUERY_ONLY))


@contextmanager
def writing(
    db: str | os.PathLike[str] | None = None,
    *,
    wait: float = WRITE_WAIT,
    checkpoint: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short write: take the single-writer lock (waiting for another writer's turn),
    open the file, and close both at the end, so that readers get in between.

    Closing the file checkpoints it (folds DuckDB's write-ahead log into it), which
    costs about a quarter of a small write. With ``checkpoint=False`` the write stays in
    the log (committed and durable) until a write that checkpoints, or until the log
    passes WAL_THRESHOLD: a run's many short writes skip it, and its last one
    checkpoints. That checkpoint runs on a connection of its own, opened after the
    write's is closed: the write's connection holds what its look-ups read (whole key
    columns, which grow with the warehouse), and a checkpoint on top of them made a
    long run's peak memory grow with it. ``$BULLETIN_WRITE_MEMORY`` caps DuckDB's
    memory (see write_memory)."""
    path = resolve_db_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "a+b") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StorageError(
                        f"warehouse {path} is being written by another process; "
                        f"gave up after {wait:.0f} s"
                    ) from None
                time.sleep(0.05)
        try:
            with _opened(path, wait, checkpoint) as con:
                yield con
            if not checkpoint and _log_size(path) > WAL_THRESHOLD:
                with _opened(path, wait, checkpoint=True) as con:
                    con.execute("CHECKPOINT")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def _opened(path: Path, wait: float, checkpoint: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """The file open for one write (the caller holds the lock), closed at the end."""
    con = connect(path, wait=wait)
    try:
        memory = write_memory()
        if memory is not None:
            con.execute(f"SET memory_limit = '{memory}'")
        if not checkpoint:
            con.execute("PRAGMA disable_checkpoint_on_shutdown")
            # The log is read back into memory by each open: a write that logs a lot
            # checkpoints within itself.
            con.execute(f"SET checkpoint_threshold = '{WAL_LIMIT_IN_WRITE}'")
        try:
            yield con
        except duckdb.OutOfMemoryException as exc:
            hint = (
                f"more than its {memory}: set BULLETIN_WRITE_MEMORY higher (e.g. 1GB), or unset it"
                if memory
                else "more memory than DuckDB may take on this machine"
            )
            raise StorageError(f"writing {path} needed {hint}") from exc
    finally:
        con.close()


def _log_size(path: Path) -> int:
    """Bytes in the warehouse's write-ahead log (0 when there is none)."""
    try:
        return os.path.getsize(f"{path}.wal")
    except OSError:
        return 0


# A batch of failures: the columns of a Failure; record_failures sets the others.
_FAILURE_BATCH = schemas.without(
    schemas.FAILURES, ("attempts", "first_failed_at", "last_failed_at", "next_retry_at")
)


def _table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


class _Registered:
    """Registers Arrow tables under view names for one statement block, then drops them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> None:
        self.con = con
        self.tables = tables

    def __enter__(self) -> None:
        for name, table in self.tables.items():
            self.con.register(name, table)

    def __exit__(self, *exc: object) -> None:
        for name in self.tables:
            self.con.unregister(name)


class _Transaction:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("BEGIN TRANSACTION")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")


def save_articles(
    con: duckdb.DuckDBPyConnection,
    source: str,
    articles: Sequence[Article],
    *,
    now: datetime | None = None,
) -> LoadCounts:
    """``save_rows`` of the articles' rows (``storage.rows.article_rows``)."""
    if not articles:
        return LoadCounts()
    return save_rows(con, source, article_rows(articles), now=now)


def save_rows(
    con: duckdb.DuckDBPyConnection,
    source: str,
    rows: ArticleRows,
    *,
    now: datetime | None = None,
    settles: Sequence[str] | None = None,
    keep_versions: bool = True,
) -> LoadCounts:
    """Upsert articles with their child rows (figures, attachments, stats, doc_refs,
    people) and their words in the search index (search_terms); unchanged ones are left
    alone, a changed one has its children and its words replaced.
    The failures of the URLs saved are settled: all of them, or only those at the
    ``settles`` stages (a reparse, which fetches nothing, settles extraction alone).

    A changed article's stored row is first kept in ``article_versions`` (its title,
    lead, body and date, numbered after the versions kept before it: ``keep_versions``),
    in the same transaction. A reparse passes ``keep_versions=False``: it re-extracts
    the page the stored row came from, so what changed is the extraction, not the
    portal's article.

    An article keeps the first URL it was fetched at; any other URL that led to it (a
    second spelling with the same canonical URL, or a page with the same text under
    another canonical URL) is recorded in ``aliases``."""
    if not len(rows):
        return LoadCounts()
    now = now or datetime.now(UTC)
    ids, urls = rows.column("article_id"), rows.column("url")
    text_hashes, content_hashes = rows.column("text_hash"), rows.column("content_hash")
    by_id: dict[str, int] = {}  # article id -> the position of the one kept
    texts: dict[str, str] = {}  # text hash -> the article id that has it
    aliases: dict[str, str] = {}  # URL of a duplicate -> the article it duplicates
    for pos, (aid, url, thash) in enumerate(zip(ids, urls, text_hashes, strict=True)):
        kept = texts.setdefault(thash, aid)  # the same article twice in a batch counts once
        if kept != aid:
            aliases[url] = kept
        elif aid in by_id:
            if urls[by_id[aid]] != url:
                aliases[url] = aid
        else:
            by_id[aid] = pos
    # ... and an article stored under another URL is not stored again.
    stored_elsewhere = bounded_scan(
        con,
        "SELECT text_hash, article_id FROM articles WHERE text_hash IN (SELECT unnest(?))",
        [list(texts)],
    )
    for thash, other in stored_elsewhere:
        aid = texts[thash]
        if other != aid and aid in by_id:
            aliases[urls[by_id.pop(aid)]] = other
            # ... and so do the batch's other copies of it: an alias always names a
            # stored article.
            for url, target in aliases.items():
                if target == aid:
                    aliases[url] = other
    stored = {
        aid: (chash, url)
        for aid, chash, url in bounded_scan(
            con,
            "SELECT article_id, content_hash, url FROM articles "
            "WHERE article_id IN (SELECT unnest(?))",
            [list(by_id)],
        )
    }
    duplicates = len(aliases)
    for aid, (_, url) in stored.items():  # a stored article, fetched at another URL
        if urls[by_id[aid]] != url:
            aliases[urls[by_id[aid]]] = aid
    if aliases:
        alias_rows = [{"url": u, "article_id": a, "seen_at": now} for u, a in aliases.items()]
        with _Registered(con, _batch_aliases=_table(alias_rows, schemas.ALIASES)):
            con.execute(
                "INSERT INTO aliases BY NAME SELECT * FROM _batch_aliases "
                "ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id"
            )
            _settle_failures(con, "_batch_aliases", settles)
    existing = {aid: chash for aid, (chash, _) in stored.items()}
    changed = [i for i, pos in by_id.items() if existing.get(i) != content_hashes[pos]]
    updated = [i for i in changed if i in existing]
    counts = LoadCounts(
        new=len(changed) - len(updated),
        updated=len(updated),
        unchanged=len(by_id) - len(changed) + duplicates,
    )
    if not changed:
        return counts
    batch = rows.take([by_id[i] for i in changed])
    kept_cols = ("article_id", "first_seen_at", "url")  # an article keeps its first URL
    loaded = {"source": "$source", "updated_at": "$now"}  # LOAD_COLUMNS but first_seen_at
    assignments = ", ".join(
        f"{c} = {loaded.get(c, f'b.{c}')}" for c in schemas.ARTICLES.names if c not in kept_cols
    )
    # The articles table has no index (migration 11): new articles are a plain insert,
    # and only a batch with updated ones pays for joining them to the stored rows and
    # for finding their old child rows.
    views = {f"_batch_{name}": table for name, table in batch.tables.items()}
    with _Registered(con, **views), _Transaction(con):
        if updated:
            if keep_versions:
                _keep_versions(con, updated, now)
            con.execute(
                f"UPDATE articles SET {assignments} FROM _batch_articles b "
                "WHERE articles.article_id = b.article_id",
                {"source": source, "now": now},
            )
        con.execute(
            "INSERT INTO articles BY NAME SELECT *, $source AS source, "
            "$now AS first_seen_at, $now AS updated_at FROM _batch_articles"
            + (" WHERE NOT list_contains($updated, article_id)" if updated else ""),
            {"source": source, "now": now, **({"updated": updated} if updated else {})},
        )
        for child in schemas.OF_ARTICLE:
            if updated:
                con.execute(
                    f"DELETE FROM {child} WHERE article_id IN (SELECT unnest(?))", [updated]
                )
            by = schemas.INSERT_ORDER.get(child)
            order = f" ORDER BY {by}" if by else ""
            con.execute(
                f"INSERT INTO {child} BY NAME SELECT * EXCLUDE ({ROW}) FROM _batch_{child}{order}"
            )
        _settle_failures(con, "_batch_articles", settles)
    return counts


def _keep_versions(con: duckdb.DuckDBPyConnection, ids: Sequence[str], now: datetime) -> None:
    """Copy the stored rows of the articles ``ids`` (about to be updated) into
    ``article_versions`` in one statement: each numbered after the versions it has
    (1 for its first), ``seen_at`` when it was stored (its ``updated_at``), and
    ``replaced_at`` now."""
    con.execute(
        """
        INSERT INTO article_versions BY NAME
        SELECT a.article_id, coalesce(v.kept, 0) + 1 AS version, a.content_hash, a.title,
               a.lead, a.body_text, a.published_at, a.updated_at AS seen_at,
               $now AS replaced_at
        FROM articles a LEFT JOIN (
            SELECT article_id, max(version) AS kept FROM article_versions
            WHERE list_contains($ids, article_id) GROUP BY article_id
        ) v USING (article_id)
        WHERE list_contains($ids, a.article_id)
        """,
        {"ids": list(ids), "now": now},
    )


def _settle_failures(
    con: duckdb.DuckDBPyConnection, batch: str, stages: Sequence[str] | None
) -> None:
    """Forget the failures (at ``stages``; None: at any) of the URLs of a batch view."""
    con.execute(
        f"DELETE FROM failures WHERE url IN (SELECT url FROM {batch}) "
        "AND ($stages IS NULL OR list_contains($stages, stage))",
        {"stages": list(stages) if stages is not None else None},
    )


def save_pages(con: duckdb.DuckDBPyConnection, pages: Sequence[Page]) -> None:
    """Record the latest fetch of each URL."""
    if not pages:
        return
    latest = {p.url: p.to_dict() for p in pages}
    stored = {
        url
        for (url,) in bounded_scan(
            con, "SELECT url FROM pages WHERE url IN (SELECT unnest(?))", [list(latest)]
        )
    }
    fresh = [row for url, row in latest.items() if url not in stored]
    seen = [row for url, row in latest.items() if url in stored]
    # A 304 says nothing new of the body: keep what the last full fetch recorded.
    kept = ("bytes", "content_hash", "content_type", "etag", "last_modified")
    assignments = ", ".join(
        f"{c} = coalesce(b.{c}, pages.{c})" if c in kept else f"{c} = b.{c}"
        for c in schemas.PAGES.names
        if c != "url"
    )
    # No index on pages (migration 11): the URLs fetched before are found first, and
    # only they are joined for the update.
    tables = {
        "_new_pages": _table(fresh, schemas.PAGES),
        "_seen_pages": _table(seen, schemas.PAGES),
    }
    with _Registered(con, **tables), _Transaction(con):
        if fresh:
            con.execute("INSERT INTO pages BY NAME SELECT * FROM _new_pages")
        if seen:
            con.execute(
                f"UPDATE pages SET {assignments} FROM _seen_pages b WHERE pages.url = b.url"
            )


def clear_failures(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> None:
    """Forget the failures of ``urls``, read successfully since (listing pages: an
    article's failure goes when it is saved)."""
    if urls:
        con.execute("DELETE FROM failures WHERE url IN (SELECT unnest(?))", [list(urls)])


USUAL_SIZE_SAMPLE = 20  # article pages a source needs before its usual size is known


def usual_article_bytes(con: duckdb.DuckDBPyConnection, source: str) -> int | None:
    """What the pages of a source's stored articles weigh, as the median of their last
    full fetch; None before there are USUAL_SIZE_SAMPLE of them."""
    row = con.execute(
        "SELECT median(bytes)::BIGINT, count(*) FROM pages WHERE source = $source "
        "AND kind = 'article' AND status = 200 AND bytes IS NOT NULL "
        "AND url IN (SELECT url FROM articles WHERE source = $source)",
        {"source": source},
    ).fetchone()
    if row is None or row[1] < USUAL_SIZE_SAMPLE:
        return None
    return int(row[0])


def save_bodies(
    con: duckdb.DuckDBPyConnection,
    bodies: Mapping[str, bytes | packs.Packed],
    *,
    now: datetime | None = None,
) -> None:
    """Archive fetched bodies by content hash, compressed, in the warehouse's packs
    (``storage.packs``); a body already archived is neither written nor stored again.
    A body may come compressed already (``packs.Packed``)."""
    if not bodies:
        return
    now = now or datetime.now(UTC)
    known = bounded_scan(
        con,
        "SELECT content_hash FROM raw_pages WHERE content_hash IN (SELECT unnest(?))",
        [list(bodies)],
    )
    stored = {digest for (digest,) in known}
    digests = [d for d in bodies if d not in stored]
    if not digests:
        return
    packed = [_packed(bodies[d]) for d in digests]
    blobs = [p.blob for p in packed]
    directory = packs.packs_dir(con)
    if directory is None:  # an in-memory database: inline
        places: list[tuple[str | None, int | None, int | None]] = [(None, None, None)] * len(blobs)
    else:
        places = list(packs.append(directory, blobs))
    rows = [
        {
            "content_hash": digest,
            "compression": packs.COMPRESSION,
            "size": body.size,
            "body": blob if pack is None else None,
            "first_seen_at": now,
            "pack": pack,
            "pack_offset": offset,
            "pack_length": length,
        }
        for digest, body, blob, (pack, offset, length) in zip(
            digests, packed, blobs, places, strict=True
        )
    ]
    with _Registered(con, _batch_raw=_table(rows, schemas.RAW_PAGES)):
        con.execute("INSERT INTO raw_pages BY NAME SELECT * FROM _batch_raw")


def _packed(body: bytes | packs.Packed) -> packs.Packed:
    return body if isinstance(body, packs.Packed) else packs.Packed.of(body)


# What ``packs.PackReader.body`` takes after the URL, from ``raw_pages r``.
RAW_BODY_COLUMNS = "r.compression, r.body, r.pack, r.pack_offset, r.pack_length"


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """The latest full fetch of a URL, from the raw archive."""

    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class StoredPage:
    """The latest full fetch of a URL: its validators, and where its body is in the raw
    archive, read only when asked for (``read``)."""

    url: str
    content_type: str | None
    etag: str | None
    last_modified: str | None
    stored: tuple[str, bytes | None, str | None, int | None, int | None]  # RAW_BODY_COLUMNS
    directory: Path | None  # the warehouse's packs

    def read(self, reader: packs.PackReader | None = None) -> bytes:
        """The body as fetched (through ``reader``, when many are read at once);
        StorageError when its pack cannot give it."""
        if reader is not None:
            return reader.body(self.url, *self.stored)
        with packs.PackReader(self.directory) as own:
            return own.body(self.url, *self.stored)


def archived_pages(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, ArchivedPage]:
    """The archived body, content type and validators of the latest full fetch of each
    of ``urls`` that has one."""
    stored = _stored_pages(con, "list_contains(?, p.url)", [list(urls)])
    with packs.PackReader(packs.packs_dir(con)) as reader:
        return {
            url: ArchivedPage(page.read(reader), page.content_type, page.etag, page.last_modified)
            for url, page in stored.items()
        }


def archived_listing_pages(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, StoredPage]:
    """Every listing page of ``source`` fetched so far, by URL, without its body: a
    portal's listing pages can weigh gigabytes together (5,001 pages of 500 kB at
    50,000 articles), and a run reads back only those the server says are unchanged."""
    return _stored_pages(con, "p.source = ? AND p.kind = 'listing'", [source])


def _stored_pages(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any]
) -> dict[str, StoredPage]:
    directory = packs.packs_dir(con)
    rows = con.execute(
        f"SELECT p.url, p.content_type, p.etag, p.last_modified, {RAW_BODY_COLUMNS} "
        f"FROM pages p JOIN raw_pages r USING (content_hash) WHERE {where}",
        params,
    ).fetchall()
    return {
        url: StoredPage(
            url, content_type, etag, modified, (compression, inline, pack, at, length), directory
        )
        for url, content_type, etag, modified, compression, inline, pack, at, length in rows
    }


FINAL_STAGES = ("discover", "skip")  # failures no run retries
MAX_ATTEMPTS = 3  # fetches of an article page before it is given up
GAVE_UP = "gave up after {attempts} attempts: "
# A failures row ``f`` given up: an article page that failed MAX_ATTEMPTS ($max) times
# (rows recorded before record_failures marked them may lack the reason's prefix).
_GIVEN_UP = (
    "(NOT list_contains($final, {f}.stage) "
    "AND ({f}.attempts >= $max OR starts_with({f}.reason, 'gave up after ')))"
)


def record_failures(
    con: duckdb.DuckDBPyConnection,
    failures: Sequence[Failure],
    *,
    now: datetime | None = None,
    backoff: float = 3600.0,
    max_attempts: int = MAX_ATTEMPTS,
) -> None:
    """Record failures of fetched pages, one row per URL; a repeated failure counts one
    more attempt.

    A retryable failure is next due ``backoff`` seconds after its first attempt, and
    twice as long after each further one (``next_retry_at``). The write that records its
    ``max_attempts``-th attempt gives it up: its reason then starts "gave up after N
    attempts: " and no retry is due. A given-up row is left as it is: no run fetches
    its page again (see ``given_up_failures``), and one that does (by hand) changes it
    only by succeeding, which deletes it.
    """
    if not failures:
        return
    now = now or datetime.now(UTC)
    latest = {f.url: f.to_dict() for f in failures}
    table = _table(list(latest.values()), _FAILURE_BATCH)
    retryable = "NOT list_contains($final, excluded.stage)"
    with _Registered(con, _batch_failures=table):
        con.execute(
            f"""
            INSERT INTO failures BY NAME
            SELECT url, source, stage,
                   CASE WHEN stage NOT IN $final AND $max <= 1
                        THEN replace($gave_up, '{{attempts}}', '1') || reason
                        ELSE reason END AS reason,
                   1 AS attempts, last_status, $now AS first_failed_at, $now AS last_failed_at,
                   CASE WHEN stage NOT IN $final AND $max > 1
                        THEN $now + to_seconds($backoff) END AS next_retry_at
            FROM _batch_failures
            ON CONFLICT (url) DO UPDATE SET
                stage = excluded.stage,
                reason = CASE WHEN {retryable} AND failures.attempts + 1 >= $max
                    THEN replace($gave_up, '{{attempts}}', (failures.attempts + 1)::VARCHAR)
                        || excluded.reason
                    ELSE excluded.reason END,
                attempts = failures.attempts + 1, last_status = excluded.last_status,
                last_failed_at = excluded.last_failed_at,
                next_retry_at = CASE WHEN {retryable} AND failures.attempts + 1 < $max
                    THEN $now + to_seconds($backoff * pow(2, failures.attempts)) END
            WHERE NOT {_GIVEN_UP.format(f="failures")}
            """,
            {
                "now": now,
                "backoff": backoff,
                "final": list(FINAL_STAGES),
                "max": max_attempts,
                "gave_up": GAVE_UP,
            },
        )


def record_reparse_failures(
    con: duckdb.DuckDBPyConnection,
    failures: Sequence[Failure],
    *,
    now: datetime | None = None,
) -> None:
    """Record extraction failures found by re-extracting archived pages (``bulletin
    reparse``). No page was fetched, so no attempt is counted: a URL already recorded
    keeps its row as it is (attempts, times, next retry), but for the reason of an
    extraction failure, which becomes the latest (a given-up one keeps its "gave up
    after N attempts: "); a URL not recorded yet gets a row with 0 attempts, due for a
    fetch now."""
    if not failures:
        return
    now = now or datetime.now(UTC)
    latest = {f.url: f.to_dict() for f in failures}
    table = _table(list(latest.values()), _FAILURE_BATCH)
    with _Registered(con, _reparse_failures=table):
        con.execute(
            """
            INSERT INTO failures BY NAME
            SELECT *, 0 AS attempts, $now AS first_failed_at, $now AS last_failed_at,
                   $now AS next_retry_at
            FROM _reparse_failures
            ON CONFLICT (url) DO UPDATE SET
                reason = regexp_extract(failures.reason, '^gave up after \\d+ attempts: ')
                    || excluded.reason
            WHERE failures.stage = 'extract'
            """,
            {"now": now},
        )


def known_article_urls(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    """URLs (as fetched, canonical, and duplicates' aliases) of a source's stored articles."""
    rows = con.execute(
        "SELECT url, canonical_url FROM articles WHERE source = ? "
        "UNION ALL SELECT al.url, al.url FROM aliases al JOIN articles a USING (article_id) "
        "WHERE a.source = ?",
        [source, source],
    ).fetchall()
    return {u for row in rows for u in row}


def retryable_failures(
    con: duckdb.DuckDBPyConnection,
    source: str,
    max_attempts: int = MAX_ATTEMPTS,
    *,
    now: datetime | None = None,
) -> list[str]:
    """Article URLs of a source that failed fewer than ``max_attempts`` times, are not
    given up, and whose backoff has run out by ``now``."""
    rows = con.execute(
        "SELECT url FROM failures f WHERE source = $source "
        "AND NOT list_contains($final, stage) "
        f"AND NOT {_GIVEN_UP.format(f='f')} AND coalesce(next_retry_at <= $now, true) "
        "ORDER BY url",
        {
            "source": source,
            "final": list(FINAL_STAGES),
            "max": max_attempts,
            "now": now or datetime.now(UTC),
        },
    ).fetchall()
    return [r[0] for r in rows]


def give_up(con: duckdb.DuckDBPyConnection, source: str, max_attempts: int = MAX_ATTEMPTS) -> int:
    """Mark the article failures that reached ``max_attempts`` but were recorded
    without being marked (before ``record_failures`` marked them itself) as given up:
    their reason then starts "gave up after N attempts: ", and no run retries them.
    Returns how many were marked now."""
    rows = con.execute(
        "UPDATE failures SET reason = replace($gave_up, '{attempts}', attempts::VARCHAR) "
        "|| reason, next_retry_at = NULL "
        "WHERE source = $source AND NOT list_contains($final, stage) AND attempts >= $max "
        "AND NOT starts_with(reason, 'gave up after ') RETURNING url",
        {"gave_up": GAVE_UP, "source": source, "final": list(FINAL_STAGES), "max": max_attempts},
    ).fetchall()
    return len(rows)


def given_up_failures(
    con: duckdb.DuckDBPyConnection, source: str, max_attempts: int = MAX_ATTEMPTS
) -> dict[str, str]:
    """The article URLs of a source given up (``max_attempts`` failed fetches), with
    their reasons: no run fetches them again, neither as retries nor when a listing
    shows them again (``retry_given_up`` hands them back to the next run)."""
    rows = con.execute(
        f"SELECT url, reason FROM failures f WHERE source = $source AND {_GIVEN_UP.format(f='f')}",
        {"source": source, "final": list(FINAL_STAGES), "max": max_attempts},
    ).fetchall()
    return dict(rows)


def retry_given_up(
    con: duckdb.DuckDBPyConnection,
    source: str | None = None,
    urls: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> int:
    """Hand given-up pages (of ``source``, or only ``urls``) back to the runs: attempts
    back to 0, the reason without its "gave up after N attempts: ", due now. The next
    run fetches them (the nightly run retries them; a backfill fetches those its
    listings show), and counts up to ``max_attempts`` again. Returns how many."""
    rows = con.execute(
        f"""
        UPDATE failures f SET attempts = 0, next_retry_at = $now,
            reason = regexp_replace(reason, '^gave up after \\d+ attempts: ', '')
        WHERE {_GIVEN_UP.format(f="f")} AND ($source IS NULL OR source = $source)
          AND ($urls IS NULL OR list_contains($urls, url))
        RETURNING url
        """,
        {
            "now": now or datetime.now(UTC),
            "source": source,
            "urls": None if urls is None else list(urls),
            "final": list(FINAL_STAGES),
            "max": max_attempts,
        },
    ).fetchall()
    return len(rows)


def failure_reasons(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """Every URL of a source that is recorded as a failure, with its reason."""
    rows = con.execute("SELECT url, reason FROM failures WHERE source = ?", [source]).fetchall()
    return dict(rows)
