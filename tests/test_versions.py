"""Article versions (issue 18, item 3): a fetch that finds an article changed keeps the
stored row in article_versions first (numbered from 1; the row in articles is the
latest), a reparse keeps none, and `bulletin history` shows them with word diffs."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from bulletin.cli import main
from extractors.records import Article
from flows.ingest.plans import backfill_plan
from flows.sources import Source
from storage.history import Version, article_history, find_article
from storage.ledger import DayOutcome, record_days
from storage.migrations import MIGRATIONS
from storage.records import LoadCounts
from storage.rows import article_id, article_rows, content_hash
from storage.schemas import CHILDREN
from storage.warehouse import connect, save_articles, save_rows, writing

ICT = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
T1, T2, T3, T4 = (T0 + timedelta(hours=h) for h in (1, 2, 3, 4))
URL = "http://portal.test/tin/a-1"
AID = article_id(URL)
FIRST = Article(
    url=URL,
    canonical_url=URL,
    title="Huyện tổ chức hội nghị",
    published_at=datetime(2026, 10, 30, 14, 5, tzinfo=ICT),
    lead="Tóm tắt.",
    body_text="Đoạn một.\n\nĐoạn hai.",
    author="Minh Anh",
    profile="liferay-6.2",
)
EDITED = replace(FIRST, title="Huyện tổ chức hội nghị tổng kết", body_text="Đoạn một.\n\nĐoạn ba.")
REDATED = replace(EDITED, published_at=datetime(2026, 10, 29, 9, 0, tzinfo=ICT))


def kept(article: Article, number: int, seen: datetime, replaced: datetime) -> tuple[object, ...]:
    """The article_versions row ``article`` leaves, stored at ``seen``, replaced at
    ``replaced``."""
    return (
        AID,
        number,
        content_hash(article),
        article.title,
        article.lead,
        article.body_text,
        article.published_at,
        seen,
        replaced,
    )


def versions(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute("SELECT * FROM article_versions ORDER BY article_id, version").fetchall()


def stored(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT article_id, url, content_hash, title, lead, body_text, published_at, "
        "first_seen_at, updated_at FROM articles ORDER BY article_id"
    ).fetchall()


def row(article: Article, updated: datetime) -> tuple[object, ...]:
    """The articles row of ``article`` (stored first at T0, last changed at ``updated``)."""
    return (
        AID,
        URL,
        content_hash(article),
        article.title,
        article.lead,
        article.body_text,
        article.published_at,
        T0,
        updated,
    )


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def test_a_changed_article_keeps_its_stored_row_and_an_unchanged_one_nothing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert save_articles(con, "s", [FIRST], now=T0) == LoadCounts(new=1)
    assert save_articles(con, "s", [FIRST], now=T1) == LoadCounts(unchanged=1)
    assert versions(con) == []
    assert save_articles(con, "s", [EDITED], now=T2) == LoadCounts(updated=1)
    assert versions(con) == [kept(FIRST, 1, T0, T2)]
    assert stored(con) == [row(EDITED, T2)]
    assert save_articles(con, "s", [REDATED], now=T3) == LoadCounts(updated=1)
    assert versions(con) == [kept(FIRST, 1, T0, T2), kept(EDITED, 2, T2, T3)]
    assert stored(con) == [row(REDATED, T3)]


def test_content_that_changes_back_and_forth_is_a_version_each_time(
    con: duckdb.DuckDBPyConnection,
) -> None:
    save_articles(con, "s", [FIRST], now=T0)
    save_articles(con, "s", [EDITED], now=T1)
    save_articles(con, "s", [FIRST], now=T2)
    save_articles(con, "s", [EDITED], now=T3)
    assert versions(con) == [
        kept(FIRST, 1, T0, T1),
        kept(EDITED, 2, T1, T2),
        kept(FIRST, 3, T2, T3),
    ]
    assert stored(con) == [row(EDITED, T3)]


def test_keep_versions_false_updates_the_article_and_keeps_no_version(
    con: duckdb.DuckDBPyConnection,
) -> None:
    save_articles(con, "s", [FIRST], now=T0)
    counts = save_rows(con, "s", article_rows([EDITED]), now=T1, keep_versions=False)
    assert counts == LoadCounts(updated=1)
    assert versions(con) == []
    assert stored(con) == [row(EDITED, T1)]


def test_the_same_article_twice_in_a_batch_is_one_version(con: duckdb.DuckDBPyConnection) -> None:
    save_articles(con, "s", [FIRST], now=T0)
    # Twice the same, then twice with two texts: the batch's first copy is the one saved.
    assert save_articles(con, "s", [EDITED, EDITED], now=T1) == LoadCounts(updated=1)
    assert save_articles(con, "s", [REDATED, FIRST], now=T2) == LoadCounts(updated=1)
    assert versions(con) == [kept(FIRST, 1, T0, T1), kept(EDITED, 2, T1, T2)]
    assert stored(con) == [row(REDATED, T2)]


def test_an_edit_fetched_at_another_spelling_of_the_url_is_a_version_of_the_article(
    con: duckdb.DuckDBPyConnection,
) -> None:
    save_articles(con, "s", [FIRST], now=T0)
    alias = URL + "?redirect=%2F"
    assert save_articles(con, "s", [replace(EDITED, url=alias)], now=T1) == LoadCounts(updated=1)
    assert versions(con) == [kept(FIRST, 1, T0, T1)]
    assert stored(con) == [row(EDITED, T1)]  # stored under its first URL still
    assert con.execute("SELECT url, article_id FROM aliases").fetchall() == [(alias, AID)]
    assert find_article(con, alias) == AID


def test_history_finds_an_article_by_id_url_canonical_url_or_alias(
    con: duckdb.DuckDBPyConnection,
) -> None:
    moved = "http://portal.test/web/guest/tin/a-1"
    save_articles(con, "s", [replace(FIRST, url=moved)], now=T0)
    save_articles(con, "s", [replace(EDITED, url=URL + "?x=1")], now=T1)
    for ref in (AID, moved, URL, URL + "?x=1"):
        assert find_article(con, ref) == AID, ref
    assert find_article(con, "http://portal.test/tin/khac") is None
    assert article_history(con, "0000000000000000") is None
    found = article_history(con, AID)
    assert found is not None
    assert (found.article_id, found.url) == (AID, moved)
    assert found.versions == [
        Version(1, *kept(FIRST, 1, T0, T1)[2:]),
        Version(2, content_hash(EDITED), EDITED.title, "Tóm tắt.", EDITED.body_text,
                EDITED.published_at, T1, None),
    ]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with writing(path) as con:
        save_articles(con, "s", [FIRST], now=T0)
        save_articles(con, "s", [EDITED], now=T1)
        save_articles(con, "s", [REDATED], now=T2)
    return path


def test_bulletin_history_shows_each_version_and_what_changed(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", URL, "--db", str(db)]) == 0
    h1, h2, h3 = (content_hash(a)[:12] for a in (FIRST, EDITED, REDATED))
    assert capsys.readouterr().out.splitlines() == [
        f"article {AID}: {URL} (3 versions; the last is the one stored)",
        "+---------+---------------------------+---------------------------+--------------+",
        "| version | seen_at                   | published_at              | content_hash |",
        "+---------+---------------------------+---------------------------+--------------+",
        f"| 1       | 2026-11-01T09:00:00+07:00 | 2026-10-30T14:05:00+07:00 | {h1} |",
        f"| 2       | 2026-11-01T10:00:00+07:00 | 2026-10-30T14:05:00+07:00 | {h2} |",
        f"| 3       | 2026-11-01T11:00:00+07:00 | 2026-10-29T09:00:00+07:00 | {h3} |",
        "+---------+---------------------------+---------------------------+--------------+",
        "(3 rows)",
        "",
        "version 1 → 2",
        "  title: Huyện tổ chức hội nghị {+tổng kết+}",
        "  body_text: Đoạn một. ¶ Đoạn [-hai.-]{+ba.+}",
        "",
        "version 2 → 3",
        "  published_at: 2026-10-30T14:05:00+07:00 → 2026-10-29T09:00:00+07:00",
    ]


def test_bulletin_history_as_json_and_csv(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", AID, "--db", str(db), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["version"], r["seen_at"], r["replaced_at"]) for r in rows] == [
        (1, "2026-11-01T09:00:00+07:00", "2026-11-01T10:00:00+07:00"),
        (2, "2026-11-01T10:00:00+07:00", "2026-11-01T11:00:00+07:00"),
        (3, "2026-11-01T11:00:00+07:00", None),
    ]
    assert rows[1] == {
        "article_id": AID,
        "version": 2,
        "seen_at": "2026-11-01T10:00:00+07:00",
        "replaced_at": "2026-11-01T11:00:00+07:00",
        "published_at": "2026-10-30T14:05:00+07:00",
        "content_hash": content_hash(EDITED),
        "title": EDITED.title,
        "lead": "Tóm tắt.",
        "body_text": "Đoạn một.\n\nĐoạn ba.",
        "title_diff": "Huyện tổ chức hội nghị {+tổng kết+}",
        "lead_diff": None,
        "body_text_diff": "Đoạn một. ¶ Đoạn [-hai.-]{+ba.+}",
    }
    assert rows[2]["title_diff"] is None and rows[2]["published_at"] == "2026-10-29T09:00:00+07:00"
    assert main(["history", URL, "--db", str(db), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "article_id,version,seen_at,replaced_at,published_at,content_hash,title,lead,"
        "body_text,title_diff,lead_diff,body_text_diff"
    )


def test_an_unknown_article_or_no_warehouse_is_one_line_and_exit_2(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "http://portal.test/khong-co", "--db", str(db)]) == 2
    assert capsys.readouterr() == (
        "",
        f"bulletin history: no article http://portal.test/khong-co in {db}: give an "
        "article's URL (as fetched, canonical, or an alias) or its article_id\n",
    )
    assert main(["history", AID, "--db", str(tmp_path / "none.duckdb")]) == 2
    assert capsys.readouterr().err.startswith("bulletin history: no warehouse at ")


def test_bulletin_history_imports_neither_prefect_nor_httpx(db: Path) -> None:
    code = (
        "import sys\n"
        "from bulletin.cli import main\n"
        f"main(['history', {URL!r}, '--db', {str(db)!r}])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('prefect', 'httpx'))\n"
        "print('IMPORTED', bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "IMPORTED []"


def test_a_warehouse_of_migration_12_gains_an_empty_article_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    monkeypatch.setattr("storage.migrations.MIGRATIONS", [m for m in MIGRATIONS if m[0] <= 12])
    monkeypatch.setattr("storage.schemas.OF_ARTICLE", CHILDREN)  # and no search index
    with connect(path) as old:
        save_articles(old, "s", [FIRST], now=T0)
    monkeypatch.undo()
    with connect(path) as con:
        assert versions(con) == []
        assert save_articles(con, "s", [EDITED], now=T1) == LoadCounts(updated=1)
        assert versions(con) == [kept(FIRST, 1, T0, T1)]


def test_a_refetch_backfill_plans_every_day_and_says_so(tmp_path: Path) -> None:
    source = Source(name="s", base_url="http://portal.test", listings=("/",))
    days = [date(2026, 11, d) for d in (1, 2, 3)]
    with writing(tmp_path / "w.duckdb") as con:
        record_days(
            con,
            [DayOutcome("s", days[1], 0, None)],
            run_id="r0",
            flow="backfill",
            timezone="Asia/Ho_Chi_Minh",
        )
        plain = backfill_plan(con, source, days[0], days[2])
        refetch = backfill_plan(con, source, days[0], days[2], refetch=True)
    assert (plain.days, plain.refetch) == ((days[2], days[0]), False)
    assert refetch == replace(
        plain, days=tuple(reversed(days)), skip_days=frozenset(), refetch=True
    )
