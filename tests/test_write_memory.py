"""What a write holds in memory: its scans keep at most SCAN_MEMORY of the warehouse's
blocks, the ledger counts a day's articles from the days' span only, and the limit a
user set comes back after each scan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from hashlib import sha256
from pathlib import Path

import duckdb
import pytest

from storage.errors import StorageError
from storage.ledger import DayOutcome, articles_by_day, record_days
from storage.memory import bounded_scan, memory_bytes
from storage.records import Page
from storage.warehouse import connect, save_articles, save_pages, writing
from tests.test_storage import sample_article

ICT = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def table_blocks(con: duckdb.DuckDBPyConnection) -> int:
    """Bytes of the warehouse's blocks DuckDB holds."""
    (held,) = con.execute(
        "SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory() "
        "WHERE tag = 'BASE_TABLE'"
    ).fetchone() or (0,)
    return int(held)


def memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone() or ("",)
    return str(limit)


def test_amounts_of_memory_read_as_duckdb_reads_them() -> None:
    assert [memory_bytes(a) for a in ("4096B", "256MB", "1.5GiB", "2 kib", "1TB")] == [
        4096,
        256_000_000,
        1_610_612_736,
        2048,
        1_000_000_000_000,
    ]
    with pytest.raises(ValueError, match="not an amount of memory: 'lots'"):
        memory_bytes("lots")


@pytest.fixture(scope="module")
def many_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse of 61,440 pages with long URLs that compress little, checkpointed in
    30 writes: 30 row groups, whose URL segments take more than a block each."""
    path = tmp_path_factory.mktemp("pages") / "w.duckdb"
    for write in range(30):
        pages = [Page(long_url(write, i), "s", "article", 200, T0, 1, "h", "") for i in range(2048)]
        with writing(path) as con:
            save_pages(con, pages)
    return path


def long_url(write: int, i: int) -> str:
    return f"http://p.test/{write}/{i:05d}/" + sha256(f"{write}/{i}".encode()).hexdigest() * 4


def test_a_writes_look_ups_keep_at_most_scan_memory_of_the_tables_blocks(
    many_pages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = [Page(f"http://p.test/new/{i}", "s", "article", 200, T0, 1, "n", "") for i in range(5)]
    with writing(many_pages) as con:  # unbounded, a scan of pages.url caches it whole
        con.execute("SELECT count(*) FROM pages WHERE url IN ('http://p.test/none')").fetchall()
        unbounded = table_blocks(con)
    monkeypatch.setattr("storage.memory.SCAN_MEMORY", 6 << 20)
    with writing(many_pages) as con:
        default_limit = memory_limit(con)
        save_pages(con, fresh)  # its look-up of the stored URLs is a bounded scan
        bounded = table_blocks(con)
        assert memory_limit(con) == default_limit  # DuckDB's default again
    assert unbounded > 12 << 20
    assert bounded <= 6 << 20
    with connect(many_pages, read_only=True) as reader:
        assert reader.execute(
            "SELECT count(*), count(DISTINCT url), count(*) FILTER (url LIKE '%/new/%') FROM pages"
        ).fetchone() == (61_440 + 5, 61_440 + 5, 5)


def test_a_scan_that_needs_more_than_the_bound_runs_again_without_it(
    many_pages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.memory.SCAN_MEMORY", 0)
    with writing(many_pages) as con:
        default_limit = memory_limit(con)
        assert bounded_scan(
            con,
            "SELECT count(*), min(url) FROM pages WHERE url LIKE ?",
            ["http://p.test/19/0000%"],
        ) == [(10, long_url(19, 0))]
        assert memory_limit(con) == default_limit


def test_a_scan_stays_under_the_users_cap_and_comes_back_to_it(
    many_pages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = "SELECT current_setting('memory_limit')"
    monkeypatch.setenv("BULLETIN_WRITE_MEMORY", "64MB")
    with writing(many_pages) as con:
        assert memory_limit(con) == "61.0 MiB"
        (inside,) = bounded_scan(con, limit)[0]  # what this connection holds, plus 16 MB
        assert memory_limit(con) == "61.0 MiB"
    assert 16 << 20 <= memory_bytes(inside.replace(" ", "")) < 32 << 20
    monkeypatch.setenv("BULLETIN_WRITE_MEMORY", "4MB")  # under what the bound would be
    with writing(many_pages) as con:
        assert bounded_scan(con, limit) == [("3.8 MiB",)]
        assert memory_limit(con) == "3.8 MiB"
    monkeypatch.setattr("storage.memory.SCAN_MEMORY", 0)
    with pytest.raises(StorageError, match="needed more than its 4MB"):
        with writing(many_pages) as con:  # a scan that needs more than the user's cap
            bounded_scan(con, "SELECT count(DISTINCT url) FROM pages")


def test_the_ledger_counts_a_days_articles_by_their_date_in_the_sources_timezone(
    tmp_path: Path,
) -> None:
    published = {
        "a": datetime(2026, 10, 30, 0, 0, tzinfo=ICT),  # the first instant of the 30th
        "b": datetime(2026, 10, 30, 23, 59, tzinfo=ICT),
        "c": datetime(2026, 10, 30, 17, 30, tzinfo=UTC),  # 00:30 on the 31st in Hanoi
        "d": datetime(2026, 10, 29, 16, 59, tzinfo=UTC),  # 23:59 on the 29th in Hanoi
        "e": datetime(2026, 11, 2, 9, 0, tzinfo=ICT),  # after the days asked for
        "f": None,  # no date: no day
    }
    articles = [
        replace(
            sample_article(title=f"Tin {key}"),
            url=f"http://p.test/{key}",
            canonical_url=f"http://p.test/{key}",
            published_at=when,
        )
        for key, when in published.items()
    ]
    other = replace(
        sample_article(title="Tin khác"),
        url="http://q.test/x",
        canonical_url="http://q.test/x",
        published_at=datetime(2026, 10, 30, 9, 0, tzinfo=ICT),
    )
    days = [date(2026, 10, 29), date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1)]
    outcomes = [DayOutcome("s", day, 0, None) for day in days]
    with writing(tmp_path / "w.duckdb") as con:
        save_articles(con, "s", articles)
        save_articles(con, "t", [other])
        assert articles_by_day(con, outcomes, "Asia/Ho_Chi_Minh") == {
            ("s", date(2026, 10, 29)): 1,
            ("s", date(2026, 10, 30)): 2,
            ("s", date(2026, 10, 31)): 1,
        }
        record_days(
            con,
            [*outcomes[:3], DayOutcome("s", days[3], 1, "HTTP 404")],
            run_id="r1",
            flow="backfill",
            timezone="Asia/Ho_Chi_Minh",
            now=T0,
        )
        record_days(
            con, outcomes[1:2], run_id="r2", flow="nightly", timezone="Asia/Ho_Chi_Minh", now=T0
        )
        rows = con.execute(
            "SELECT source, day, status, attempts, articles, failures, last_run_id, flow, error "
            "FROM partitions ORDER BY day"
        ).fetchall()
    assert rows == [
        ("s", date(2026, 10, 29), "success", 1, 1, 0, "r1", "backfill", None),
        ("s", date(2026, 10, 30), "success", 2, 2, 0, "r2", "nightly", None),
        ("s", date(2026, 10, 31), "success", 1, 1, 0, "r1", "backfill", None),
        ("s", date(2026, 11, 1), "failed", 1, 0, 1, "r1", "backfill", "HTTP 404"),
    ]
