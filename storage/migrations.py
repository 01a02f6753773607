"""The warehouse schema as ordered, numbered migrations recorded in the database."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

# (version, name, SQL). Append only: never edit a migration that has shipped.
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial schema",
        """
        CREATE TABLE articles (
            article_id        VARCHAR PRIMARY KEY,
            source            VARCHAR NOT NULL,
            url               VARCHAR NOT NULL,
            canonical_url     VARCHAR NOT NULL,
            title             VARCHAR NOT NULL,
            published_at      TIMESTAMPTZ,
            lead              VARCHAR,
            body_text         VARCHAR NOT NULL,
            author            VARCHAR,
            source_unit       VARCHAR,
            category          VARCHAR,
            language          VARCHAR,
            profile           VARCHAR NOT NULL,
            warnings          VARCHAR[],
            content_hash      VARCHAR NOT NULL,
            extractor_version VARCHAR NOT NULL,
            first_seen_at     TIMESTAMPTZ NOT NULL,
            updated_at        TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE figures (
            article_id VARCHAR NOT NULL,
            ordinal    INTEGER NOT NULL,
            src        VARCHAR NOT NULL,
            caption    VARCHAR,
            credit     VARCHAR,
            alt        VARCHAR,
            PRIMARY KEY (article_id, ordinal)
        );
        CREATE TABLE attachments (
            article_id VARCHAR NOT NULL,
            ordinal    INTEGER NOT NULL,
            url        VARCHAR NOT NULL,
            label      VARCHAR,
            kind       VARCHAR NOT NULL,
            PRIMARY KEY (article_id, ordinal)
        );
        CREATE TABLE pages (
            url          VARCHAR PRIMARY KEY,
            source       VARCHAR NOT NULL,
            kind         VARCHAR NOT NULL,
            status       INTEGER,
            fetched_at   TIMESTAMPTZ NOT NULL,
            bytes        BIGINT,
            content_hash VARCHAR,
            content_type VARCHAR
        );
        CREATE TABLE runs (
            run_id      VARCHAR PRIMARY KEY,
            flow        VARCHAR NOT NULL,
            sources     VARCHAR[] NOT NULL,
            started_at  TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ,
            status      VARCHAR NOT NULL,
            date_from   DATE,
            date_to     DATE,
            discovered  INTEGER NOT NULL DEFAULT 0,
            fetched     INTEGER NOT NULL DEFAULT 0,
            new         INTEGER NOT NULL DEFAULT 0,
            updated     INTEGER NOT NULL DEFAULT 0,
            unchanged   INTEGER NOT NULL DEFAULT 0,
            failed      INTEGER NOT NULL DEFAULT 0,
            message     VARCHAR
        );
        CREATE TABLE failures (
            url             VARCHAR PRIMARY KEY,
            source          VARCHAR NOT NULL,
            stage           VARCHAR NOT NULL,
            reason          VARCHAR NOT NULL,
            attempts        INTEGER NOT NULL,
            last_status     INTEGER,
            first_failed_at TIMESTAMPTZ NOT NULL,
            last_failed_at  TIMESTAMPTZ NOT NULL
        );
        """,
    ),
    (
        2,
        "facts: stats, doc_refs, people; encoding_suspect",
        """
        ALTER TABLE articles ADD COLUMN encoding_suspect BOOLEAN NOT NULL DEFAULT false;
        CREATE TABLE stats (
            article_id   VARCHAR NOT NULL,
            ordinal      INTEGER NOT NULL,
            value        DOUBLE NOT NULL,
            value_high   DOUBLE,
            total        DOUBLE,
            unit         VARCHAR,
            qualifier    VARCHAR NOT NULL,
            period       VARCHAR,
            text         VARCHAR NOT NULL,
            sentence     VARCHAR NOT NULL,
            field        VARCHAR NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL,
            PRIMARY KEY (article_id, ordinal)
        );
        CREATE TABLE doc_refs (
            article_id   VARCHAR NOT NULL,
            ordinal      INTEGER NOT NULL,
            number       VARCHAR NOT NULL,
            type_code    VARCHAR,
            type_name    VARCHAR,
            issuer_code  VARCHAR,
            year         INTEGER,
            issued_on    DATE,
            complete     BOOLEAN NOT NULL,
            mentions     INTEGER NOT NULL,
            text         VARCHAR NOT NULL,
            field        VARCHAR NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL,
            PRIMARY KEY (article_id, ordinal)
        );
        CREATE TABLE people (
            article_id   VARCHAR NOT NULL,
            ordinal      INTEGER NOT NULL,
            name         VARCHAR NOT NULL,
            title        VARCHAR NOT NULL,
            quoted       BOOLEAN NOT NULL,
            quote        VARCHAR,
            sentence     VARCHAR NOT NULL,
            field        VARCHAR NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL,
            PRIMARY KEY (article_id, ordinal)
        );
        CREATE VIEW article_stats AS
            SELECT a.source, a.published_at, a.title AS article_title, a.url, s.*
            FROM stats s JOIN articles a USING (article_id);
        CREATE VIEW article_doc_refs AS
            SELECT a.source, a.published_at, a.title AS article_title, a.url, d.*
            FROM doc_refs d JOIN articles a USING (article_id);
        CREATE VIEW article_people AS
            SELECT a.source, a.published_at, a.title AS article_title, a.url, p.*
            FROM people p JOIN articles a USING (article_id);
        """,
    ),
    (
        3,
        "pages: HTTP validators for conditional requests",
        """
        ALTER TABLE pages ADD COLUMN etag VARCHAR;
        ALTER TABLE pages ADD COLUMN last_modified VARCHAR;
        """,
    ),
    (
        4,
        "raw archive: every fetched body, compressed and content-addressed",
        """
        CREATE TABLE raw_pages (
            content_hash  VARCHAR PRIMARY KEY,
            compression   VARCHAR NOT NULL,
            size          BIGINT NOT NULL,
            body          BLOB NOT NULL,
            first_seen_at TIMESTAMPTZ NOT NULL
        );
        """,
    ),
    (
        5,
        "articles: text_hash and aliases, to keep one row for one article reached by two URLs",
        """
        ALTER TABLE articles ADD COLUMN text_hash VARCHAR;
        CREATE TABLE aliases (
            url        VARCHAR PRIMARY KEY,
            article_id VARCHAR NOT NULL,
            seen_at    TIMESTAMPTZ NOT NULL
        );
        """,
    ),
    (
        6,
        "failures: when a failed page is next due for a retry (backoff)",
        """
        ALTER TABLE failures ADD COLUMN next_retry_at TIMESTAMPTZ;
        """,
    ),
    (
        7,
        "partitions: the ledger of days each source was ingested for",
        """
        CREATE TABLE partitions (
            source      VARCHAR NOT NULL,
            day         DATE NOT NULL,
            status      VARCHAR NOT NULL,
            attempts    INTEGER NOT NULL,
            articles    INTEGER NOT NULL,
            failures    INTEGER NOT NULL,
            last_run_id VARCHAR NOT NULL,
            flow        VARCHAR NOT NULL,
            error       VARCHAR,
            updated_at  TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (source, day)
        );
        """,
    ),
    (
        8,
        "run_sources: each run's counts per source, for the health checks",
        """
        CREATE TABLE run_sources (
            run_id      VARCHAR NOT NULL,
            source      VARCHAR NOT NULL,
            flow        VARCHAR NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL,
            discovered  INTEGER NOT NULL,
            fetched     INTEGER NOT NULL,
            new         INTEGER NOT NULL,
            updated     INTEGER NOT NULL,
            unchanged   INTEGER NOT NULL,
            failed      INTEGER NOT NULL,
            PRIMARY KEY (run_id, source)
        );
        """,
    ),
    (
        9,
        "child tables without primary keys: an article's rows are always replaced "
        "together, and the keys' indexes cost a bulk load about a third of its time",
        """
        CREATE TABLE figures_v9 (
            article_id VARCHAR NOT NULL,
            ordinal    INTEGER NOT NULL,
            src        VARCHAR NOT NULL,
            caption    VARCHAR,
            credit     VARCHAR,
            alt        VARCHAR
        );
        CREATE TABLE attachments_v9 (
            article_id VARCHAR NOT NULL,
            ordinal    INTEGER NOT NULL,
            url        VARCHAR NOT NULL,
            label      VARCHAR,
            kind       VARCHAR NOT NULL
        );
        CREATE TABLE stats_v9 (
            article_id   VARCHAR NOT NULL,
            ordinal      INTEGER NOT NULL,
            value        DOUBLE NOT NULL,
            value_high   DOUBLE,
            total        DOUBLE,
            unit         VARCHAR,
            qualifier    VARCHAR NOT NULL,
            period       VARCHAR,
            text         VARCHAR NOT NULL,
            sentence     VARCHAR NOT NULL,
            field        VARCHAR NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL
        );
        CREATE TABLE doc_refs_v9 (
            article_id   VARCHAR NOT NULL,
            ordinal      INTEGER NOT NULL,
            number       VARCHAR NOT NULL,
            type_code    VARCHAR,
            type_name    VARCHAR,
            issuer_code  VARCHAR,
            year         INTEGER,
            issued_on    DATE,
            complete     BOOLEAN NOT NULL,
            mentions     INTEGER NOT NULL,
            text         VARCHAR NOT NULL,
            field        VARCHAR NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL
        );
        CREATE TABLE people_v9 (
            article_id   VARCHAR NOT NULL,
            ordinal      INTEGER NOT NULL,
            name         VARCHAR NOT NULL,
            title        VARCHAR NOT NULL,
            quoted       BOOLEAN NOT NULL,
            quote        VARCHAR,
            sentence     VARCHAR NOT NULL,
            field        VARCHAR NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset   INTEGER NOT NULL
        );
        """
        + "".join(
            f"""
        INSERT INTO {t}_v9 SELECT * FROM {t} ORDER BY article_id, ordinal;
        DROP TABLE {t};
        ALTER TABLE {t}_v9 RENAME TO {t};
        """
            for t in ("figures", "attachments", "stats", "doc_refs", "people")
        ),
    ),
    (
        10,
        "raw archive: bodies in pack files beside the warehouse (storage.packs), the "
        "rows keep where each lies; bodies stored before stay inline",
        """
        ALTER TABLE raw_pages ALTER COLUMN body DROP NOT NULL;
        ALTER TABLE raw_pages ADD COLUMN pack VARCHAR;
        ALTER TABLE raw_pages ADD COLUMN pack_offset BIGINT;
        ALTER TABLE raw_pages ADD COLUMN pack_length BIGINT;
        """,
    ),
    (
        11,
        "articles, pages and raw_pages without primary keys: the writer keeps them unique "
        "(one writer at a time, new keys found before each insert), and their indexes made "
        "every open (replaying the log) and every checkpoint cost memory that grew with "
        "the warehouse",
        """
        CREATE TABLE articles_v11 (
            article_id        VARCHAR NOT NULL,
            source            VARCHAR NOT NULL,
            url               VARCHAR NOT NULL,
            canonical_url     VARCHAR NOT NULL,
            title             VARCHAR NOT NULL,
            published_at      TIMESTAMPTZ,
            lead              VARCHAR,
            body_text         VARCHAR NOT NULL,
            author            VARCHAR,
            source_unit       VARCHAR,
            category          VARCHAR,
            language          VARCHAR,
            profile           VARCHAR NOT NULL,
            warnings          VARCHAR[],
            content_hash      VARCHAR NOT NULL,
            extractor_version VARCHAR NOT NULL,
            first_seen_at     TIMESTAMPTZ NOT NULL,
            updated_at        TIMESTAMPTZ NOT NULL,
            encoding_suspect  BOOLEAN NOT NULL DEFAULT false,
            text_hash         VARCHAR
        );
        CREATE TABLE pages_v11 (
            url           VARCHAR NOT NULL,
            source        VARCHAR NOT NULL,
            kind          VARCHAR NOT NULL,
            status        INTEGER,
            fetched_at    TIMESTAMPTZ NOT NULL,
            bytes         BIGINT,
            content_hash  VARCHAR,
            content_type  VARCHAR,
            etag          VARCHAR,
            last_modified VARCHAR
        );
        CREATE TABLE raw_pages_v11 (
            content_hash  VARCHAR NOT NULL,
            compression   VARCHAR NOT NULL,
            size          BIGINT NOT NULL,
            body          BLOB,
            first_seen_at TIMESTAMPTZ NOT NULL,
            pack          VARCHAR,
            pack_offset   BIGINT,
            pack_length   BIGINT
        );
        """
        + "".join(
            f"""
        INSERT INTO {t}_v11 BY NAME SELECT * FROM {t};
        DROP TABLE {t};
        ALTER TABLE {t}_v11 RENAME TO {t};
        """
            for t in ("articles", "pages", "raw_pages")
        ),
    ),
    (
        12,
        "runs: the host and process that ran each one (pid, and the process's start as "
        "boot id and start time, which a reused pid does not share), so that the next run "
        "on the host can mark a run whose process died as crashed",
        """
        ALTER TABLE runs ADD COLUMN host VARCHAR;
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE runs ADD COLUMN process_start VARCHAR;
        """,
    ),
]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations the database has not recorded yet; return their versions."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       VARCHAR NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL
        )
        """
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, sql in MIGRATIONS:
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, name, datetime.now(UTC)],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
