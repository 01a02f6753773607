"""The command line: sql and extract, their outputs and errors, and no Prefect import."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bulletin.cli import main
from extractors.records import Article, Figure
from storage.warehouse import connect, save_articles

ICT = timezone(timedelta(hours=7))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    con = connect(path)
    article = Article(
        url="http://p.test/a",
        canonical_url="http://p.test/a",
        title="Hội nghị tập huấn",
        published_at=datetime(2026, 10, 30, 14, 5, tzinfo=ICT),
        lead=None,
        body_text="Nội dung.",
        author="Minh Anh",
        figures=(Figure(1, "http://p.test/1.jpg", "Quang cảnh", "Minh Anh", None),),
        profile="liferay-6.2",
    )
    save_articles(con, "s", [article], now=datetime(2026, 11, 1, tzinfo=UTC))
    con.close()
    return path


@pytest.fixture
def sources(sources_naming: Callable[..., Path]) -> Path:
    """A sources file naming the sources s and t: a --source must be one of its names."""
    return sources_naming("s", "t")


QUERY = "SELECT title, published_at, author FROM articles"


def test_sql_table(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "--db", str(db), QUERY]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "+-------------------+---------------------------+----------+",
        "| title             | published_at              | author   |",
        "+-------------------+---------------------------+----------+",
        "| Hội nghị tập huấn | 2026-10-30T14:05:00+07:00 | Minh Anh |",
        "+-------------------+---------------------------+----------+",
        "(1 row)",
    ]


def test_sql_csv_and_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "--db", str(db), "--format", "csv", QUERY]) == 0
    assert capsys.readouterr().out == (
        "title,published_at,author\nHội nghị tập huấn,2026-10-30T14:05:00+07:00,Minh Anh\n"
    )
    assert main(["sql", "--db", str(db), "--format", "json", QUERY + ", figures_n"]) == 1
    assert "figures_n" in capsys.readouterr().err
    query = "SELECT a.title, f.caption, f.credit FROM articles a JOIN figures f USING (article_id)"
    assert main(["sql", "--db", str(db), "--format", "json", query]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"title": "Hội nghị tập huấn", "caption": "Quang cảnh", "credit": "Minh Anh"}
    ]


def test_sql_without_a_warehouse_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "--db", str(tmp_path / "none.duckdb"), "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bulletin sql: no warehouse at ")
    assert "run `bulletin ingest`" in err


def test_sql_is_read_only(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "--db", str(db), "DELETE FROM articles"]) == 1
    assert "read-only" in capsys.readouterr().err


def test_commands_that_run_no_flow_do_not_import_prefect(db: Path, tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>Tin A</title></head><body><article><h1>Tin A</h1>"
        "<p>Ngày 06/05/2022, huyện tổ chức hội nghị tổng kết công tác năm với nhiều nội dung."
        "</p></article></body></html>",
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "from bulletin.cli import main\n"
        f"main(['sql', '--db', {str(db)!r}, 'SELECT 1'])\n"
        f"main(['extract', {str(page)!r}])\n"
        f"main(['failures', '--db', {str(db)!r}])\n"
        f"main(['backfill', '--status', '--db', {str(db)!r}])\n"
        f"main(['gaps', '--db', {str(db)!r}, '--source', 'vonhai', '--from', '2026-11-01'])\n"
        f"assert main(['report', '--db', {str(db)!r}, '--out', {str(tmp_path / 'r.html')!r}])"
        " == 0\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('prefect', 'httpx'))\n"
        "print('IMPORTED', bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "IMPORTED []"


def test_extract_seed_json_matches_the_gold(shared_dir: Path) -> None:
    gold = json.loads((shared_dir / "gold" / "seed-vo-nhai.json").read_text(encoding="utf-8"))
    page = shared_dir / "corpus" / "seed" / "vo-nhai-nghi-quyet-35.html"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bulletin.cli",
            "extract",
            str(page),
            "--url",
            gold["url"],
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = out.splitlines()
    assert len(lines) == 1
    got = json.loads(lines[0])

    def nfc(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    for key in ("title", "published_at", "lead", "author", "source_unit"):
        assert got[key] == nfc(gold[key]), key
    assert [nfc(f["caption"]) for f in gold["figures"]] == [f["caption"] for f in got["figures"]]
    assert len(got["figures"]) == len(gold["figures"])
    assert [
        {k: d[k] for k in ("number", "type_code", "type_name", "issuer_code", "issued_on")}
        for d in got["doc_refs"]
    ] == gold["documents"]
    assert [{"name": p["name"], "title": p["title"]} for p in got["people"]] == gold["people"]
    assert len(got["stats"]) >= len(gold["stats"])
    for want, have in zip(gold["figures"], got["figures"], strict=True):
        assert have["ordinal"] == want["ordinal"]
        assert (
            have["src"]
            == "https://vonhai.thainguyen.gov.vn/documents/20181/1283421" + (want["src_endswith"])
        )


def test_failures_lists_each_url_with_its_stage_and_reason(
    tmp_path: Path, sources: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage.records import Failure
    from storage.warehouse import record_failures

    path = tmp_path / "w.duckdb"
    con = connect(path)
    record_failures(
        con,
        [
            Failure("http://p.test/a", "s", "fetch", "HTTP 404 Not Found", 404),
            Failure("http://q.test/b.pdf", "t", "skip", "not an HTML page (application/pdf)", 200),
        ],
        now=datetime(2026, 11, 1, tzinfo=UTC),
    )
    con.close()
    args = ["failures", "--db", str(path), "--sources", str(sources)]
    assert main([*args, "--source", "t", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "source,stage,reason,attempts,last_status,last_failed_at,next_retry_at,url",
        "t,skip,not an HTML page (application/pdf),1,200,2026-11-01T07:00:00+07:00,,"
        "http://q.test/b.pdf",
    ]
    assert main(["failures", "--db", str(path), "--format", "json"]) == 0
    assert [r["url"] for r in json.loads(capsys.readouterr().out)] == [
        "http://p.test/a",
        "http://q.test/b.pdf",
    ]


def test_failures_retry_hands_given_up_pages_back(
    tmp_path: Path, sources: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage.records import Failure
    from storage.warehouse import record_failures

    path = tmp_path / "w.duckdb"
    con = connect(path)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    for url in ("http://p.test/a", "http://p.test/b"):
        for _ in range(3):
            record_failures(con, [Failure(url, "s", "fetch", "HTTP 503", 503)], now=t0)
    con.close()
    assert main(["failures", "--db", str(path), "--retry", "http://p.test/a"]) == 0
    assert capsys.readouterr().out == (
        "1 given-up page(s) handed back to the runs; the next run fetches them\n"
    )
    con = connect(path, read_only=True)
    rows = con.execute("SELECT url, reason, attempts FROM failures ORDER BY url").fetchall()
    con.close()
    assert rows == [
        ("http://p.test/a", "HTTP 503", 0),
        ("http://p.test/b", "gave up after 3 attempts: HTTP 503", 3),
    ]
    of_s = ["--sources", str(sources), "--source", "s"]
    assert main(["failures", "--db", str(path), *of_s, "--retry"]) == 0
    assert capsys.readouterr().out.startswith("1 given-up page(s)")
    missing = tmp_path / "none.duckdb"
    assert main(["failures", "--db", str(missing), "--retry"]) == 2
    assert not missing.exists()


def test_extract_candidates_shows_the_ranking(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    story = "".join(
        f"<p>Paragraph {n} of the story tells readers what happened and why it matters.</p>"
        for n in range(1, 4)
    )
    page.write_text(
        "<html><head><title>Story</title></head><body><h1>Story</h1>"
        f"<div class='story' id='main-story'>{story}</div>"
        "<div class='cookie-consent'><p>We use cookies to give you the best experience on "
        "this site, as our policy explains at length.</p><p>By continuing you accept them "
        "all, with the terms that go with them.</p></div></body></html>",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", "extract", str(page), "--candidates"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    paragraphs = 3 * len("Paragraph 1 of the story tells readers what happened and why it matters.")
    assert out.splitlines() == [
        f"{page}: candidates, in the order they are tried",
        f"   1. score {paragraphs:>9}  paragraphs {paragraphs:>6}  other {0:>6}  aside {0:>6}  "
        "visible",
        "      body > div.story#main-story",
        "      'Paragraph 1 of the story tells readers what happened and why it'",
        # the page: the cookie dialog's paragraphs set aside, the heading as other text
        f"   2. score {paragraphs - 1.25 * 5:>9.0f}  paragraphs {paragraphs + 162:>6}  "
        f"other {5:>6}  aside {162:>6}  visible",
        "      body",
        "      'Story Paragraph 1 of the story tells readers what happened and why'",
    ]
