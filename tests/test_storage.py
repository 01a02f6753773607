"""The warehouse: migrations, idempotent bulk loads, failures that never vanish."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from extractors.records import Article, Attachment, Figure
from storage.errors import StorageError
from storage.migrations import MIGRATIONS
from storage.records import Failure, LoadCounts, Page
from storage.rows import article_id
from storage.runs import RUN_COUNTS
from storage.schemas import CHILDREN, TABLES
from storage.warehouse import (
    connect,
    known_article_urls,
    record_failures,
    save_articles,
    save_bodies,
    save_pages,
    writing,
)

ICT = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def sample_article(title: str = "Huyện tổ chức hội nghị", figures: int = 2) -> Article:
    return Article(
        url="http://portal.test/tin/a-1",
        canonical_url="http://portal.test/tin/a-1",
        title=title,
        published_at=datetime(2026, 10, 30, 14, 5, tzinfo=ICT),
        lead="Tóm tắt.",
        body_text="Đoạn một.\n\nĐoạn hai.",
        author="Minh Anh",
        source_unit="Trung tâm Truyền thông",
        figures=tuple(
            Figure(i, f"http://portal.test/img/{i}.jpg", f"Chú thích {i}", None, "")
            for i in range(1, figures + 1)
        ),
        attachments=(Attachment(1, "http://portal.test/kh.pdf", "Kế hoạch", "pdf"),),
        category="Tin tức",
        language="vi",
        profile="liferay-6.2",
    )


def keyed(con: duckdb.DuckDBPyConnection, *tables: str) -> list[str]:
    """Which of ``tables`` have a primary key."""
    rows = con.execute(
        "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
        "AND list_contains(?, table_name) ORDER BY 1",
        [list(tables)],
    ).fetchall()
    return [name for (name,) in rows]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    connect(path).close()
    con = connect(path)
    rows = con.execute("SELECT version, name FROM schema_migrations").fetchall()
    assert rows == [(v, n) for v, n, _ in MIGRATIONS]


def test_read_only_open_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no warehouse at .*missing.duckdb"):
        connect(tmp_path / "missing.duckdb", read_only=True)


def test_save_is_idempotent_and_keeps_whole_rows(con: duckdb.DuckDBPyConnection) -> None:
    art = sample_article()
    assert save_articles(con, "s", [art], now=T0) == LoadCounts(new=1)
    assert save_articles(con, "s", [art, art], now=T0 + timedelta(days=1)) == LoadCounts(
        unchanged=1
    )
    aid = article_id(art.canonical_url)
    row = con.execute(
        "SELECT article_id, source, title, published_at, lead, body_text, author, source_unit,"
        " category, language, profile, warnings, first_seen_at, updated_at FROM articles"
    ).fetchall()
    assert row == [
        (
            aid,
            "s",
            "Huyện tổ chức hội nghị",
            datetime(2026, 10, 30, 14, 5, tzinfo=ICT),
            "Tóm tắt.",
            "Đoạn một.\n\nĐoạn hai.",
            "Minh Anh",
            "Trung tâm Truyền thông",
            "Tin tức",
            "vi",
            "liferay-6.2",
            [],
            T0,
            T0,
        )
    ]
    assert con.execute("SELECT * FROM figures ORDER BY ordinal").fetchall() == [
        (aid, 1, "http://portal.test/img/1.jpg", "Chú thích 1", None, ""),
        (aid, 2, "http://portal.test/img/2.jpg", "Chú thích 2", None, ""),
    ]
    assert con.execute("SELECT * FROM attachments").fetchall() == [
        (aid, 1, "http://portal.test/kh.pdf", "Kế hoạch", "pdf")
    ]


def test_changed_article_is_updated_and_its_figures_replaced(
    con: duckdb.DuckDBPyConnection,
) -> None:
    save_articles(con, "s", [sample_article()], now=T0)
    later = T0 + timedelta(hours=5)
    changed = sample_article(title="Huyện tổ chức hội nghị (cập nhật)", figures=1)
    assert save_articles(con, "s", [changed], now=later) == LoadCounts(updated=1)
    assert con.execute("SELECT title, first_seen_at, updated_at FROM articles").fetchall() == [
        ("Huyện tổ chức hội nghị (cập nhật)", T0, later)
    ]
    assert con.execute("SELECT ordinal FROM figures").fetchall() == [(1,)]


def test_the_child_tables_lose_their_keys_and_keep_their_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    monkeypatch.setattr("storage.migrations.MIGRATIONS", MIGRATIONS[:8])
    # ... whose writer had no search index (migration 13)
    monkeypatch.setattr("storage.schemas.OF_ARTICLE", CHILDREN)
    with connect(path) as old:
        save_articles(old, "s", [sample_article()], now=T0)
        before = {
            t: old.execute(f"SELECT * FROM {t}").fetchall() for t in ("figures", "attachments")
        }
    monkeypatch.undo()
    con = connect(path)
    assert keyed(con, "figures", "attachments", "stats", "doc_refs", "people") == []
    assert {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in before} == before
    # One batch with an updated article and a new one: the updated one's children are
    # replaced, the new one's added, and no row is there twice.
    other = replace(
        sample_article(figures=1),
        url="http://portal.test/tin/a-2",
        canonical_url="http://portal.test/tin/a-2",
        title="Bài hai",
    )
    assert save_articles(con, "s", [sample_article(figures=3), other], now=T0) == LoadCounts(
        new=1, updated=1
    )
    rows = con.execute("SELECT article_id, ordinal FROM figures ORDER BY ALL").fetchall()
    aid, oid = article_id(sample_article().canonical_url), article_id(other.canonical_url)
    assert rows == sorted([(aid, 1), (aid, 2), (aid, 3), (oid, 1)])
    con.close()


def test_articles_pages_and_bodies_lose_their_keys_and_stay_one_row_per_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    tables = ("articles", "pages", "raw_pages")
    seen = Page("http://p/a", "s", "article", 200, T0, 10, "h1", "text/html")
    monkeypatch.setattr("storage.migrations.MIGRATIONS", MIGRATIONS[:10])
    # ... whose writer had no search index (migration 13)
    monkeypatch.setattr("storage.schemas.OF_ARTICLE", CHILDREN)
    with connect(path) as old:
        save_articles(old, "s", [sample_article()], now=T0)
        save_pages(old, [seen])
        save_bodies(old, {"h1": b"<html>mot</html>"}, now=T0)
        before = {t: old.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
        assert keyed(old, *tables) == ["articles", "pages", "raw_pages"]
    monkeypatch.undo()
    con = connect(path)
    assert keyed(con, *tables) == []
    assert {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables} == before
    # Saved again, with new keys beside the stored ones: one row per key, the stored
    # ones updated in place.
    later = T0 + timedelta(days=1)
    other = replace(
        sample_article(),
        url="http://portal.test/tin/a-2",
        canonical_url="http://portal.test/tin/a-2",
    )
    changed = sample_article(title="Đã sửa")
    assert save_articles(con, "s", [changed, replace(other, title="Bài hai")], now=later) == (
        LoadCounts(new=1, updated=1)
    )
    fresh = Page("http://p/b", "s", "article", 200, later, 20, "h2", "text/html")
    save_pages(con, [replace(seen, fetched_at=later, status=304, bytes=None), fresh])
    save_bodies(con, {"h1": b"<html>mot</html>", "h2": b"<html>hai</html>"}, now=later)
    assert con.execute(
        "SELECT url, title, first_seen_at, updated_at FROM articles ORDER BY url"
    ).fetchall() == [
        ("http://portal.test/tin/a-1", "Đã sửa", T0, later),
        ("http://portal.test/tin/a-2", "Bài hai", later, later),
    ]
    assert con.execute(
        "SELECT url, status, fetched_at, bytes FROM pages ORDER BY url"
    ).fetchall() == [
        ("http://p/a", 304, later, 10),
        ("http://p/b", 200, later, 20),
    ]
    assert con.execute(
        "SELECT content_hash, size, first_seen_at FROM raw_pages ORDER BY ALL"
    ).fetchall() == [("h1", 16, T0), ("h2", 16, later)]
    con.close()


def test_failures_count_attempts_and_clear_on_success(con: duckdb.DuckDBPyConnection) -> None:
    url = "http://portal.test/tin/a-1"
    failure = Failure(url, "s", "fetch", "HTTP 503 Service Unavailable after 3 attempts", 503)
    record_failures(con, [failure], now=T0)
    record_failures(con, [failure], now=T0 + timedelta(days=1))
    assert con.execute("SELECT * FROM failures").fetchall() == [
        (
            url,
            "s",
            "fetch",
            "HTTP 503 Service Unavailable after 3 attempts",
            2,
            503,
            T0,
            T0 + timedelta(days=1),
            T0 + timedelta(days=1, hours=2),  # the second failure waits twice the backoff
        )
    ]
    save_articles(con, "s", [sample_article()], now=T0)
    assert con.execute("SELECT count(*) FROM failures").fetchone() == (0,)


def test_pages_keep_the_latest_fetch_per_url(con: duckdb.DuckDBPyConnection) -> None:
    first = Page("http://p/a", "s", "article", 200, T0, 10, "h1", "text/html")
    second = Page("http://p/a", "s", "article", 200, T0 + timedelta(days=1), 12, "h2", "text/html")
    save_pages(con, [first])
    save_pages(con, [second])
    assert con.execute("SELECT * FROM pages").fetchall() == [
        (
            "http://p/a",
            "s",
            "article",
            200,
            T0 + timedelta(days=1),
            12,
            "h2",
            "text/html",
            None,
            None,
        )
    ]


def test_facts_are_loaded_with_the_article_and_joined_by_views(
    con: duckdb.DuckDBPyConnection,
) -> None:
    from dataclasses import replace

    from extractors.facts import extract_facts

    body = (
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 2/3/2026, huyện có 18/22 xã đạt chuẩn. "
        "Đồng chí Lê Văn An, Chủ tịch UBND huyện cho biết: “Sẽ về đích sớm.”"
    )
    facts = extract_facts(None, body)
    article = replace(
        sample_article(),
        body_text=body,
        stats=facts.stats,
        doc_refs=facts.doc_refs,
        people=facts.people,
    )
    save_articles(con, "s", [article], now=T0)
    aid = article_id(article.canonical_url)
    assert con.execute("SELECT * FROM stats").fetchall() == [
        (
            aid,
            1,
            18.0,
            None,
            22.0,
            "xã",
            "=",
            None,
            "18/22 xã",
            "Thực hiện Kế hoạch số 45/KH-UBND ngày 2/3/2026, huyện có 18/22 xã đạt chuẩn.",
            "body",
            57,
            65,
        )
    ]
    assert con.execute(
        "SELECT number, type_code, type_name, issuer_code, year, issued_on, mentions FROM doc_refs"
    ).fetchall() == [("45/KH-UBND", "KH", "Kế hoạch", "UBND", 2026, date(2026, 3, 2), 1)]
    assert con.execute(
        "SELECT source, article_title, name, title, quoted, quote FROM article_people"
    ).fetchall() == [
        ("s", "Huyện tổ chức hội nghị", "Lê Văn An", "Chủ tịch UBND huyện", True, "Sẽ về đích sớm.")
    ]
    assert con.execute("SELECT value, total FROM article_stats WHERE source = 's'").fetchall() == [
        (18.0, 22.0)
    ]


def test_a_304_keeps_what_the_last_full_fetch_recorded(con: duckdb.DuckDBPyConnection) -> None:
    full = Page("http://p/l", "s", "listing", 200, T0, 12, "h1", "text/html", '"e1"', None)
    later = T0 + timedelta(days=1)
    not_modified = Page("http://p/l", "s", "listing", 304, later, None, None, None, '"e1"', None)
    save_pages(con, [full])
    save_pages(con, [not_modified])
    assert con.execute("SELECT * FROM pages").fetchall() == [
        ("http://p/l", "s", "listing", 304, later, 12, "h1", "text/html", '"e1"', None)
    ]


def test_one_article_reached_by_two_urls_is_one_row(con: duckdb.DuckDBPyConnection) -> None:
    from dataclasses import replace

    first = sample_article()
    second = replace(
        first, url="http://portal.test/print/a-1", canonical_url="http://portal.test/print/a-1"
    )
    assert save_articles(con, "s", [first, second], now=T0) == LoadCounts(new=1, unchanged=1)
    assert save_articles(con, "s", [second], now=T0) == LoadCounts(unchanged=1)
    assert con.execute("SELECT url FROM articles").fetchall() == [("http://portal.test/tin/a-1",)]
    assert con.execute("SELECT url, article_id FROM aliases").fetchall() == [
        ("http://portal.test/print/a-1", article_id(first.canonical_url))
    ]
    assert "http://portal.test/print/a-1" in known_article_urls(con, "s")


def test_other_spellings_of_a_canonical_url_are_aliases_of_its_first_url(
    con: duckdb.DuckDBPyConnection,
) -> None:
    from dataclasses import replace

    first = sample_article()
    base = first.canonical_url
    assert save_articles(con, "s", [first], now=T0) == LoadCounts(new=1)
    later = [replace(first, url=base + "?redirect=%2F"), replace(first, url="http://p2/a-1")]
    assert save_articles(con, "s", later, now=T0) == LoadCounts(unchanged=2)
    edited = replace(first, url="http://portal.test/web/guest/tin/a-1", title="Đã sửa")
    assert save_articles(con, "s", [edited], now=T0) == LoadCounts(updated=1)
    assert con.execute("SELECT url, title FROM articles").fetchall() == [(base, "Đã sửa")]
    aid = article_id(base)
    assert con.execute("SELECT url, article_id FROM aliases ORDER BY url").fetchall() == [
        ("http://p2/a-1", aid),
        (base + "?redirect=%2F", aid),
        ("http://portal.test/web/guest/tin/a-1", aid),
    ]


def test_warc_export_holds_each_archived_page(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    import hashlib

    from warcio.archiveiterator import ArchiveIterator

    from storage.warc import export_warc
    from storage.warehouse import save_bodies

    body = "<html><body>Tin Võ Nhai</body></html>".encode()
    digest = hashlib.sha256(body).hexdigest()
    save_bodies(con, {digest: body}, now=T0)
    save_pages(
        con,
        [Page("http://p.test/a", "s", "article", 200, T0, len(body), digest, "text/html", '"e1"')],
    )
    path = tmp_path / "out.warc.gz"
    assert export_warc(con, path) == 1
    with open(path, "rb") as stream:
        records = [
            (
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers.get_header("WARC-Date"),
                r.http_headers.get_statuscode(),
                r.http_headers.get_header("ETag"),
                r.content_stream().read(),
            )
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        ]
    assert records == [("http://p.test/a", "2026-11-01T02:00:00Z", "200", '"e1"', body)]


def test_a_failure_is_retried_only_once_its_backoff_has_run_out(
    con: duckdb.DuckDBPyConnection,
) -> None:
    from storage.warehouse import retryable_failures

    url = "http://p.test/a"
    failures = [
        Failure(url, "s", "fetch", "timeout (ReadTimeout) after 3 attempts"),
        Failure("http://p.test/list", "s", "discover", "HTTP 404 Not Found", 404),
    ]
    record_failures(con, failures, now=T0, backoff=600)
    assert con.execute("SELECT url, next_retry_at FROM failures ORDER BY url").fetchall() == [
        (url, T0 + timedelta(minutes=10)),
        ("http://p.test/list", None),  # discovery failures are final: no retry is due
    ]
    assert retryable_failures(con, "s", 3, now=T0 + timedelta(minutes=9)) == []
    assert retryable_failures(con, "s", 3, now=T0 + timedelta(minutes=10)) == [url]
    record_failures(con, failures[:1], now=T0 + timedelta(minutes=10), backoff=600)
    assert retryable_failures(con, "s", 3, now=T0 + timedelta(minutes=29)) == []
    assert retryable_failures(con, "s", 3, now=T0 + timedelta(minutes=30)) == [url]


def test_failures_that_reach_the_limit_are_marked_final(con: duckdb.DuckDBPyConnection) -> None:
    from storage.warehouse import give_up, retryable_failures

    failure = Failure("http://p.test/a", "s", "fetch", "HTTP 503 Service Unavailable", 503)
    for day in range(3):
        record_failures(con, [failure], now=T0 + timedelta(days=day))
        if day < 2:
            assert retryable_failures(con, "s", 3) == ["http://p.test/a"]
    # The write of the third attempt gives it up: a run killed after it leaves it marked.
    assert retryable_failures(con, "s", 3) == []
    assert con.execute("SELECT reason, attempts, next_retry_at FROM failures").fetchall() == [
        ("gave up after 3 attempts: HTTP 503 Service Unavailable", 3, None)
    ]
    assert give_up(con, "s", 3) == 0  # nothing left to mark
    # A row recorded before failures were marked as they were recorded: give_up marks it.
    con.execute(
        "INSERT INTO failures VALUES ('http://p.test/b', 's', 'fetch', 'HTTP 500', 4, 500, "
        "$t, $t, $t)",
        {"t": T0},
    )
    assert retryable_failures(con, "s", 3) == []
    assert give_up(con, "s", 3) == 1
    assert give_up(con, "s", 3) == 0
    assert con.execute(
        "SELECT reason, attempts, next_retry_at FROM failures ORDER BY url"
    ).fetchall() == [
        ("gave up after 3 attempts: HTTP 503 Service Unavailable", 3, None),
        ("gave up after 4 attempts: HTTP 500", 4, None),
    ]


def test_content_hash_covers_every_field_but_the_url() -> None:
    from dataclasses import replace

    from storage.rows import content_hash

    article = sample_article()
    assert content_hash(replace(article, url="http://portal.test/web/guest/tin/a-1")) == (
        content_hash(article)
    )
    changed = [
        replace(article, title="Khác"),
        replace(article, published_at=None),
        replace(article, figures=article.figures[:1]),
        replace(article, warnings=("date: none",)),
    ]
    hashes = {content_hash(a) for a in changed}
    assert len(hashes) == 4 and content_hash(article) not in hashes
    assert len(content_hash(article)) == 64


def test_a_write_past_its_memory_budget_says_which_setting_to_raise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    connect(path).close()
    monkeypatch.setenv("BULLETIN_WRITE_MEMORY", "1MB")
    articles = [
        replace(
            sample_article(),
            url=f"http://p.test/{i}",
            canonical_url=f"http://p.test/{i}",
            body_text=f"{i} " + "Tin tức. " * 50_000,
        )
        for i in range(20)
    ]
    with pytest.raises(
        StorageError, match=r"needed more than its 1MB: set BULLETIN_WRITE_MEMORY higher"
    ):
        with writing(path) as con:
            save_articles(con, "s", articles)
    bodies = {f"{i:064x}": bytes([i % 251]) * 400_000 for i in range(20)}
    monkeypatch.setenv("BULLETIN_WRITE_MEMORY", "lots")
    with pytest.raises(StorageError, match="BULLETIN_WRITE_MEMORY='lots' is not an amount"):
        with writing(path):
            pass
    monkeypatch.delenv("BULLETIN_WRITE_MEMORY")
    with writing(path, checkpoint=False) as con:
        save_bodies(con, bodies)
    assert (tmp_path / "w.duckdb.wal").stat().st_size > 0  # not checkpointed on close
    with connect(path, read_only=True) as reader:  # the write is in the log, and read back
        assert reader.execute("SELECT count(*), sum(size) FROM raw_pages").fetchone() == (
            20,
            8_000_000,
        )


def test_a_runs_short_writes_leave_row_groups_of_bounded_size(tmp_path: Path) -> None:
    from storage.warehouse import ROW_GROUP_SIZE

    path = tmp_path / "w.duckdb"
    articles = [
        replace(
            sample_article(title=f"Tin số {i}"),
            url=f"http://p.test/{i}",
            canonical_url=f"http://p.test/{i}",
        )
        for i in range(5000)
    ]
    for start in range(0, len(articles), 500):
        with writing(path, checkpoint=start + 500 >= len(articles)) as con:
            assert save_articles(con, "s", articles[start : start + 500]) == LoadCounts(new=500)
    with connect(path, read_only=True) as reader:
        groups = reader.execute(
            "SELECT row_group_id, max(start + count) - min(start) FROM "
            "pragma_storage_info('articles') WHERE column_name = 'article_id' GROUP BY 1 "
            "ORDER BY 1"
        ).fetchall()
        assert reader.execute("SELECT count(*) FROM articles").fetchall() == [(5000,)]
    assert [rows for _, rows in groups] == [ROW_GROUP_SIZE, ROW_GROUP_SIZE, 5000 - 2 * 2048]


def test_short_writes_fold_the_log_once_it_passes_its_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.warehouse.WAL_THRESHOLD", 32 * 1024)
    path, log = tmp_path / "w.duckdb", tmp_path / "w.duckdb.wal"
    sizes = []
    for i in range(40):
        page = Page(f"http://p.test/{i}", "s", "article", 200, T0, 100, f"h{i}", "text/html")
        with writing(path, checkpoint=False) as con:
            save_pages(con, [page])
            save_articles(
                con,
                "s",
                [replace(sample_article(title=f"Tin {i}"), url=page.url, canonical_url=page.url)],
            )
        sizes.append(log.stat().st_size if log.exists() else 0)
    # Each write leaves the log it wrote; the one that takes it past 32 kB folds it into
    # the file (on a connection of its own), and nothing written is lost.
    assert sizes[0] > 0 and all(size <= 32 * 1024 for size in sizes)
    folds = [i for i, size in enumerate(sizes) if size == 0]
    assert len(folds) >= 2
    assert all(sizes[i - 1] > 0 for i in folds)  # a fold follows a write that logged
    with connect(path, read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM articles").fetchall() == [(40,)]
        assert reader.execute("SELECT count(DISTINCT url) FROM pages").fetchall() == [(40,)]


def test_copies_of_an_article_stored_elsewhere_all_alias_the_stored_one(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """A batch with two copies (two URLs, one canonical URL) of a text already stored
    under a third URL: both are aliases of the stored article, never of a row that the
    batch does not store."""
    stored = sample_article()
    assert save_articles(con, "s", [stored], now=T0) == LoadCounts(new=1)
    moved = "http://portal.test/tin-moi/a-1"
    copies = [
        replace(stored, url=moved, canonical_url=moved),
        replace(stored, url=moved + "?p_p_id=x&redirect=%2F", canonical_url=moved),
    ]
    assert save_articles(con, "s", copies, now=T0) == LoadCounts(unchanged=2)
    aid = article_id(stored.canonical_url)
    assert con.execute("SELECT url, article_id FROM aliases ORDER BY url").fetchall() == [
        (moved, aid),
        (moved + "?p_p_id=x&redirect=%2F", aid),
    ]
    orphans = con.execute(
        "SELECT count(*) FROM aliases WHERE article_id NOT IN (SELECT article_id FROM articles)"
    ).fetchone()
    assert orphans == (0,)


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    """The (name, DuckDB type) of each column of ``relation``, in order."""
    return [(row[0], row[1]) for row in con.execute(f"DESCRIBE {relation}").fetchall()]


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_arrow_schema_is_its_table_as_migrated(
    con: duckdb.DuckDBPyConnection, table: str
) -> None:
    """storage.schemas and the migrations' DDL list the same columns, in the same order,
    and each Arrow type loads as the column's type."""
    con.register("_schema", TABLES[table].empty_table())
    try:
        assert _columns(con, "SELECT * FROM _schema") == _columns(con, table)
    finally:
        con.unregister("_schema")


def test_every_table_but_the_bookkeeping_has_its_arrow_schema(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    bookkeeping = {"runs", "run_sources", "schema_migrations"}  # storage.runs, migrations
    assert {name for (name,) in rows} - bookkeeping == set(TABLES)


def test_the_run_tables_hold_the_run_counts(con: duckdb.DuckDBPyConnection) -> None:
    per_source = [name for name, _ in _columns(con, "run_sources")]
    assert per_source == ["run_id", "source", "flow", "finished_at", *RUN_COUNTS]
    runs = [name for name, _ in _columns(con, "runs")]
    assert [name for name in runs if name in RUN_COUNTS] == list(RUN_COUNTS)


def test_the_records_storage_takes_are_rows_of_their_tables() -> None:
    assert [f.name for f in fields(Page)] == TABLES["pages"].names
    assert {f.name for f in fields(Failure)} <= set(TABLES["failures"].names)
