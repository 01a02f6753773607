"""End to end: the sample portal over real HTTP → Prefect flows → DuckDB → SQL."""

from __future__ import annotations

import io
import re
import socket
from contextlib import redirect_stdout
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest
from cli_reader import count_articles
from search_index import assert_index_up_to_date

from bulletin.cli import main
from flows.backfill import backfill
from flows.nightly import nightly
from storage.runs import RUN_COUNTS as COUNTS

pytestmark = pytest.mark.slow

ICT = timezone(timedelta(hours=7))
TABLES = ("articles", "figures", "attachments", "pages", "failures")


def counts(result: dict[str, object]) -> dict[str, object]:
    return {k: result[k] for k in COUNTS}


def table_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]
    finally:
        con.close()


def readme_queries() -> list[str]:
    """The statements of the README's ```sql blocks."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)
    assert blocks
    return [q.strip() for b in blocks for q in b.split(";") if q.strip()]


def test_nightly_ingests_the_portal_and_records_every_failure(
    prefect_harness: None, portal, tmp_path: Path, write_sources
) -> None:
    sample, base_url = portal
    sources = write_sources(tmp_path, base_url, extra_listing="/khong-ton-tai")
    db = tmp_path / "w.duckdb"

    result = nightly(sources=["sample"], db=str(db), sources_file=str(sources))

    assert counts(result) == {
        "discovered": 60,
        "fetched": 60,
        "new": 58,
        "updated": 0,
        "unchanged": 0,
        "failed": 3,
    }
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    known = sample.article(KNOWN_INDEX)
    url = base_url + known.path
    row = con.execute(
        "SELECT url, canonical_url, title, published_at, lead, author, source_unit, category, "
        "language, profile, warnings FROM articles WHERE url = ?",
        [url],
    ).fetchall()
    assert row == [(url, url, *KNOWN_ROW)]
    body = con.execute("SELECT body_text FROM articles WHERE url = ?", [url]).fetchone()
    assert body == ("\n\n".join(known.paragraphs),)
    figures = con.execute(
        "SELECT f.ordinal, f.src, f.caption, f.credit FROM figures f "
        "JOIN articles a USING (article_id) WHERE a.url = ? ORDER BY f.ordinal",
        [url],
    ).fetchall()
    assert figures == [(o, base_url + src, cap, credit) for o, src, cap, credit in KNOWN_FIGURES]

    facts = {
        table: con.execute(
            f"SELECT {columns} FROM {table} t JOIN articles a USING (article_id) "
            "WHERE a.url = ? ORDER BY t.ordinal",
            [url],
        ).fetchall()
        for table, columns in (
            ("stats", "t.value, t.value_high, t.total, t.unit, t.qualifier"),
            ("doc_refs", "t.number, t.type_code, t.issuer_code, t.issued_on, t.mentions"),
            ("people", "t.name, t.title, t.quoted"),
        )
    }
    assert facts == KNOWN_FACTS

    # Every article the listings link to ends in exactly one of articles or failures.
    stored = {r[0] for r in con.execute("SELECT url FROM articles").fetchall()}
    failures = con.execute(
        "SELECT url, source, stage, reason, attempts, last_status FROM failures ORDER BY url"
    ).fetchall()
    broken = {base_url + a.path for a in sample.articles if a.malformed or a.missing}
    assert stored == {base_url + a.path for a in sample.articles} - broken
    malformed = next(a for a in sample.articles if a.malformed)
    missing = next(a for a in sample.articles if a.missing)
    assert failures == sorted(
        [
            (base_url + "/khong-ton-tai", "sample", "discover", "HTTP 404 Not Found", 1, 404),
            (base_url + missing.path, "sample", "fetch", "HTTP 404 Not Found", 1, 404),
            (base_url + malformed.path, "sample", "extract", MALFORMED_REASON, 1, 200),
        ]
    )
    # The README's example queries run on the warehouse as it stands.
    for query in readme_queries():
        con.execute(query).fetchall()
    run = con.execute(
        "SELECT flow, sources, status, discovered, fetched, new, failed FROM runs"
    ).fetchall()
    assert run == [("nightly", ["sample"], "completed", 60, 60, 58, 3)]
    con.close()

    # The next night: nothing new, the two broken pages retried once more.
    again = nightly(sources=["sample"], db=str(db), sources_file=str(sources))
    assert counts(again) == {
        "discovered": 0,
        "fetched": 2,
        "new": 0,
        "updated": 0,
        "unchanged": 0,
        "failed": 3,
    }
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT attempts FROM failures ORDER BY url").fetchall() == [(2,)] * 3
    assert_index_up_to_date(con)  # the search index, as ingest left it
    con.close()


def test_backfill_adds_exactly_the_articles_dated_in_the_range(
    prefect_harness: None, portal, tmp_path: Path, write_sources
) -> None:
    sample, base_url = portal
    sources = write_sources(tmp_path, base_url)
    db = tmp_path / "w.duckdb"
    first, last = date(2026, 10, 1), date(2026, 10, 20)

    result = backfill(
        source="sample", date_from=first, date_to=last, db=str(db), sources_file=str(sources)
    )

    in_range = [a for a in sample.articles if first <= a.published_at.date() <= last]
    good = {base_url + a.path for a in in_range if not (a.malformed or a.missing)}
    assert len(good) == BACKFILL_EXPECTED
    con = duckdb.connect(str(db), read_only=True)
    stored = {r[0] for r in con.execute("SELECT url FROM articles").fetchall()}
    assert stored == good
    assert result["new"] == len(good)
    runs = con.execute("SELECT flow, date_from, date_to, status FROM runs").fetchall()
    assert runs == [("backfill", first, last, "completed")]
    con.close()

    # Re-running the finished backfill sends nothing: the ledger holds every day as done.
    before = data_tables(db)
    pages_before = fetch_log(db)
    mark = len(sample.requests)
    again = backfill(
        source="sample", date_from=first, date_to=last, db=str(db), sources_file=str(sources)
    )
    assert sample.requests[mark:] == []
    assert (again["new"], again["updated"], again["fetched"]) == (0, 0, 0)
    assert data_tables(db) == before

    # Forced to look again, it asks only conditional questions (each answered 304) and
    # changes no data; the fetch log records the 304s.
    mark = len(sample.requests)
    forced = backfill(
        source="sample",
        date_from=first,
        date_to=last,
        db=str(db),
        sources_file=str(sources),
        force=True,
    )
    asked = [(path, status) for _, _, path, status in sample.requests[mark:]]
    assert asked[0] == ("/robots.txt", 200)  # read once per run, not conditional
    assert len(asked) > 1
    assert [status for _, status in asked[1:]] == [304] * (len(asked) - 1)
    assert {(base_url + path) for path, _ in asked[1:]} == {
        url for url, kind, *_ in pages_before if kind == "listing"
    }
    assert (forced["new"], forced["updated"], forced["fetched"]) == (0, 0, 0)
    after = data_tables(db)
    assert after.pop("partitions") != before.pop("partitions")  # one more attempt each day
    assert after == before
    assert [(u, k, h, s) for u, k, s, h in fetch_log(db)] == [
        (u, k, h, 304 if k == "listing" else s) for u, k, s, h in pages_before
    ]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert_index_up_to_date(con)  # the search index, as the backfills left it
    finally:
        con.close()


def data_tables(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the run logs and the fetch log."""
    con = duckdb.connect(str(db), read_only=True)
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_name NOT IN ('runs', 'run_sources', 'pages') ORDER BY 1"
        ).fetchall()
    ]
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def fetch_log(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT url, kind, status, content_hash FROM pages ORDER BY url"
        ).fetchall()
    finally:
        con.close()


def test_demo_twice_leaves_the_same_rows(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BULLETIN_SAMPLE_URL", "unset")  # restored after the demo sets it
    monkeypatch.delenv("BULLETIN_SOURCES", raising=False)
    db = tmp_path / "warehouse.duckdb"
    with socket.socket() as probe:  # a free port, the same for both demos
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outputs = []
    for _ in range(2):
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(["demo", "--db", str(db), "--port", str(port)]) == 0
        outputs.append(out.getvalue())
        if len(outputs) == 1:
            first_counts = table_counts(db)
    assert table_counts(db) == first_counts
    assert first_counts["articles"] == 58
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute(
        "SELECT discovered, new, updated, failed FROM runs ORDER BY started_at"
    ).fetchall()
    con.close()
    assert runs == [(60, 58, 0, 2), (0, 0, 0, 2)]
    assert re.search(r"Rows: articles 58, figures \d+, attachments 0", outputs[0])
    assert "Example query: articles and figures per category" in outputs[1]


# Article 12 of the default sample portal ending 2026-11-20: three figures, one in each
# caption style, two with a photo credit.
KNOWN_INDEX = 12
KNOWN_ROW: tuple[object, ...] = (
    "Thôn Đồng Chòi xã Thượng Lâm ra mắt câu lạc bộ dưỡng sinh",
    datetime(2026, 11, 2, 17, 28, tzinfo=ICT),
    "Thực hiện Hướng dẫn số 324/HD-UBND ngày 25/7/2026 của UBND huyện về bảo tồn và phát huy "
    "giá trị văn hóa truyền thống các dân tộc, huyện Đồng Lâm đã tổ chức nhiều hoạt động văn "
    "hóa, văn nghệ, thể dục thể thao, góp phần nâng cao đời sống tinh thần của Nhân dân.",
    "Bích Ngọc",
    "Trung tâm Văn hóa, Thể thao - Truyền thông Đồng Lâm",
    "Văn hóa - Xã hội",
    "vi",
    "liferay-6.2",
    [],
)
KNOWN_FIGURES: list[tuple[int, str, str, str | None]] = [
    (
        1,
        "/documents/20181/1283400/anh1.jpg/c6f14ad6-be12-46fb-a37c-59695b1e1494?t=1793614620000",
        "Các vận động viên tranh tài môn kéo co tại giải thể thao huyện Đồng Lâm năm 2026",
        "Minh Khôi",
    ),
    (
        2,
        "/documents/20181/1283400/anh2.jpg/833c8a0d-a963-4ff1-8002-bde7462718cf?t=1793614620000",
        "Trò chơi ném còn thu hút đông đảo người dân tham gia",
        "Mạnh Cường",
    ),
    (
        3,
        "/documents/20181/1283400/anh3.jpg/edcd7199-7e34-48bb-b9b3-e7a3e0f4b4ad?t=1793614620000",
        "Tiết mục hát Then, đàn tính tại lễ hội xã Thượng Lâm",
        None,
    ),
]
KNOWN_FACTS = {
    "stats": [
        (19638.0, None, None, "hộ gia đình", "="),
        (94.0, None, None, "%", ">"),
        (5300000000.0, None, None, "đồng", "="),
        (95.0, None, None, "%", ">"),
        (14.0, None, None, "homestay", "="),
        (23675.0, None, None, "lượt khách", "="),
        (6300000000.0, None, None, "đồng", ">"),
    ],
    "doc_refs": [
        ("324/HD-UBND", "HD", "UBND", date(2026, 7, 25), 1),
        ("252/KH-UBND", "KH", "UBND", date(2026, 6, 9), 1),
    ],
    "people": [
        ("Bế Thị Ngọc", "Giám đốc Trung tâm Văn hóa, Thể thao - Truyền thông huyện", True),
    ],
}
MALFORMED_REASON = "no title found"
BACKFILL_EXPECTED = 13


def test_reparse_from_the_archive_with_the_network_disabled(
    prefect_harness: None,
    portal,
    tmp_path: Path,
    write_sources,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import httpx

    from flows.ingest.reparse import reparse
    from storage.warehouse import connect, writing

    sample, base_url = portal
    sources = write_sources(tmp_path, base_url)
    db = tmp_path / "w.duckdb"
    nightly(sources=["sample"], db=str(db), sources_file=str(sources))

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("reparse touched the network")

    monkeypatch.setattr(httpx.Client, "send", no_network)
    tables = ("articles", "figures", "stats", "doc_refs", "people", "pages")

    def snapshot() -> dict[str, list[tuple]]:
        con = connect(db, read_only=True)
        try:
            return {
                t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=str) for t in tables
            }
        finally:
            con.close()

    before = snapshot()
    counts = reparse(db, sources_file=str(sources))
    assert (counts.pages, counts.updated, counts.unchanged, counts.failed, counts.missing) == (
        59,
        0,
        58,
        1,
        0,
    )
    assert snapshot() == before

    # An extractor upgrade, simulated: the stored output no longer matches the page.
    url = base_url + sample.article(KNOWN_INDEX).path
    with writing(db) as con:
        con.execute("UPDATE articles SET title = 'cũ', content_hash = 'old' WHERE url = ?", [url])
    counts = reparse(db, sources_file=str(sources))
    assert (counts.updated, counts.unchanged) == (1, 57)
    after = snapshot()
    assert after["articles"] != before["articles"]  # updated_at moved on for that one row
    assert [(r[0], r[4]) for r in after["articles"] if r[2] == url] == [
        (r[0], r[4]) for r in before["articles"] if r[2] == url
    ]
    for table in ("figures", "stats", "doc_refs", "people", "pages"):
        assert after[table] == before[table], table

    # A new extractor version whose output differs: every article is rewritten, with the
    # version that produced it, and the fetch log is left as it was.
    import flows.ingest.parsing
    import storage.rows
    from extractors import extract

    def upgraded(*args: Any, **kwargs: Any) -> Any:
        article = extract(*args, **kwargs)
        return replace(article, title=article.title + " (v9)")

    monkeypatch.setattr(flows.ingest.parsing, "extract", upgraded)
    monkeypatch.setattr(storage.rows, "EXTRACTOR_VERSION", "9.9.9")
    counts = reparse(db, sources_file=str(sources), workers=1)  # in this process
    assert (counts.updated, counts.unchanged, counts.new) == (58, 0, 0)
    con = connect(db, read_only=True)
    try:
        rows = con.execute("SELECT title, extractor_version FROM articles").fetchall()
    finally:
        con.close()
    assert len(rows) == 58
    assert all(t.endswith(" (v9)") and v == "9.9.9" for t, v in rows)
    assert snapshot()["pages"] == before["pages"]
    # ... and the search index follows the rewritten text: every title has "v9".
    from storage.search import search

    con = connect(db, read_only=True)
    try:
        assert_index_up_to_date(con)
        found = search(con, "V9", limit=100)
    finally:
        con.close()
    assert sorted(hit.title for hit in found) == sorted(t for t, _ in rows)


def test_bulletin_sql_answers_while_a_run_writes(
    prefect_harness: None, portal, tmp_path: Path, write_sources
) -> None:
    import threading
    import time

    sample, base_url = portal
    sources = write_sources(tmp_path, base_url)
    db = tmp_path / "w.duckdb"
    backfill(
        source="sample",
        date_from=date(2026, 11, 19),
        date_to=date(2026, 11, 20),
        db=str(db),
        sources_file=str(sources),
    )  # the file exists before the reader starts
    waits: list[float] = []
    answers: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            wait, done = count_articles(db)
            waits.append(wait)
            answers.append(done.stdout if done.returncode == 0 else done.stderr)
            time.sleep(0.5)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        result = nightly(sources=["sample"], db=str(db), sources_file=str(sources))
    finally:
        stop.set()
        thread.join()
    assert result["new"] == 57
    assert len(answers) >= 2
    assert all(a.startswith("n\n") for a in answers), answers
    assert max(waits) < 5.0


def test_under_a_prefect_api_a_run_waits_for_the_warehouse_slot(
    prefect_harness: None, portal, tmp_path: Path, write_sources
) -> None:
    import threading

    from prefect.client.orchestration import get_client
    from prefect.concurrency.sync import concurrency

    from flows.warehouse_slot import WAREHOUSE_LIMIT, warehouse_slot

    _, base_url = portal
    sources = write_sources(tmp_path, base_url)
    db = tmp_path / "w.duckdb"
    outcome: dict[str, object] = {}

    def run() -> None:
        outcome["result"] = nightly(
            sources=["sample"], db=str(db), sources_file=str(sources), since=date(2026, 11, 15)
        )

    with warehouse_slot():  # another run holds the warehouse
        worker = threading.Thread(target=run)
        worker.start()
        worker.join(timeout=3)
        assert worker.is_alive()
        assert not db.exists()  # it has not written anything
    worker.join(timeout=120)
    assert not worker.is_alive()
    result = outcome["result"]
    assert isinstance(result, dict) and result["new"] > 0
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(WAREHOUSE_LIMIT)
    assert (limit.limit, limit.active_slots) == (1, 0)
    with concurrency(WAREHOUSE_LIMIT, occupy=1, timeout_seconds=5):
        pass  # and the slot is free again
