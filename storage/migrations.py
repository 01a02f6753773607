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
    (
        13,
        "search: search_terms, the index of every article's folded words (kept by the "
        "writer with the article), and the macros search(q) and search_ranked(q, depth)",
        r"""
        CREATE TABLE search_terms (
            article_id VARCHAR NOT NULL,
            term       VARCHAR NOT NULL,
            title_hits INTEGER NOT NULL,
            body_hits  INTEGER NOT NULL,
            positions  INTEGER[] NOT NULL
        );
        -- Folding and words as extractors.text.fold and search_words (a test holds
        -- them equal): lower case, no marks, d for đ; runs of letters and digits.
        CREATE MACRO search_fold(x) AS replace(lower(strip_accents(x)), 'đ', 'd');
        CREATE MACRO search_words(x) AS
            regexp_extract_all(search_fold(coalesce(x, '')), '[\p{L}\p{N}]+');
        -- A query's parts: a quoted phrase, or a run without spaces; each as its words
        -- ('"nghị quyết" 35-NQ/TW' -> [[nghi, quyet], [35, nq, tw]]). A part of two
        -- words or more is a phrase: its words must follow each other.
        CREATE MACRO search_query(q) AS list_filter(
            list_transform(regexp_extract_all(q, '"[^"]*"|[^\s"]+'), lambda c: search_words(c)),
            lambda w: len(w) > 0);
        -- The articles that have every word of q, and their score: for each word, its
        -- rarity (ln(1 + articles / articles with it)) times its weight in the title
        -- (up to 3) and in the lead and body (up to 1; both saturate as hits grow).
        -- phrases_found: whether the article has every phrase of q (its words at
        -- consecutive positions), checked for the `depth` best-scored articles only
        -- (NULL for the others), so that a search that needs few checks few.
        CREATE MACRO search_ranked(q, depth) AS TABLE
            WITH wanted AS (SELECT DISTINCT unnest(flatten(search_query(q))) AS term),
            matched AS MATERIALIZED (
                SELECT t.* FROM search_terms t SEMI JOIN wanted USING (term)
            ),
            rarity AS (
                SELECT term, ln(1 + (SELECT count(*) FROM articles) / count(*)) AS idf
                FROM matched GROUP BY term
            ),
            scored AS MATERIALIZED (
                SELECT article_id,
                       sum(idf * (3 * title_hits / (title_hits + 0.5)
                                  + body_hits / (body_hits + 1.2))) AS score
                FROM matched JOIN rarity USING (term)
                GROUP BY article_id
                HAVING count(*) = (SELECT count(*) FROM wanted)
            ),
            top AS (SELECT article_id FROM scored ORDER BY score DESC, article_id LIMIT depth),
            phrases AS (
                SELECT * FROM (
                    SELECT unnest(search_query(q)) AS words,
                           generate_subscripts(search_query(q), 1) AS k
                ) WHERE len(words) > 1
            ),
            phrase_words AS (
                SELECT k, len(words) AS n, unnest(words) AS term,
                       generate_subscripts(words, 1) AS j
                FROM phrases
            ),
            starts AS (
                SELECT m.article_id, p.k, p.n, unnest(m.positions) - p.j AS start
                FROM matched m SEMI JOIN top USING (article_id)
                JOIN phrase_words p USING (term)
            ),
            found AS (
                SELECT article_id, count(DISTINCT k) AS phrases FROM (
                    SELECT article_id, k FROM starts
                    GROUP BY article_id, k, n, start HAVING count(*) = n
                ) GROUP BY article_id
            )
            SELECT s.article_id, s.score,
                   CASE WHEN (SELECT count(*) FROM phrases) = 0 THEN true
                        WHEN s.article_id IN (SELECT article_id FROM top)
                            THEN coalesce(f.phrases, 0) = (SELECT count(*) FROM phrases)
                   END AS phrases_found
            FROM scored s LEFT JOIN found f USING (article_id);
        -- The search: the articles with every word of q and every phrase, best first.
        CREATE MACRO search(q) AS TABLE
            SELECT article_id, score FROM search_ranked(q, 2147483647)
            WHERE phrases_found
            ORDER BY score DESC, article_id;
        -- The articles stored before: their words, as storage.rows.search_rows makes
        -- them (the title's positions from 0, the lead's and the body's after a gap).
        INSERT INTO search_terms
        WITH w AS (
            SELECT article_id, search_words(title) AS t, search_words(lead) AS l,
                   search_words(body_text) AS b
            FROM articles
        ),
        places AS (
            SELECT article_id, unnest(t) AS term,
                   generate_subscripts(t, 1) - 1 AS pos, true AS in_title FROM w
            UNION ALL
            SELECT article_id, unnest(l), len(t) + generate_subscripts(l, 1), false FROM w
            UNION ALL
            SELECT article_id, unnest(b), len(t) + len(l) + 1 + generate_subscripts(b, 1), false
            FROM w
        )
        SELECT article_id, term, (count(*) FILTER (WHERE in_title))::INTEGER,
               (count(*) FILTER (WHERE NOT in_title))::INTEGER,
               list(pos::INTEGER ORDER BY pos)
        FROM places
        GROUP BY article_id, term;
        """,
    ),
    (
        14,
        "article_versions: the earlier versions of an article whose content changed when "
        "fetched again, numbered from 1 (the first stored); the row in articles is the "
        "latest, number kept versions + 1; a reparse keeps none",
        """
        CREATE TABLE article_versions (
            article_id   VARCHAR NOT NULL,
            version      INTEGER NOT NULL,
            content_hash VARCHAR NOT NULL,
            title        VARCHAR NOT NULL,
            lead         VARCHAR,
            body_text    VARCHAR NOT NULL,
            published_at TIMESTAMPTZ,
            seen_at      TIMESTAMPTZ NOT NULL,
            replaced_at  TIMESTAMPTZ NOT NULL
        );
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
