"""`bulletin search` (issue 18, item 1): words typed with or without diacritics, in any
order, phrases as phrases, title before body; the same search in SQL; an index the
writer keeps."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from search_index import assert_index_up_to_date

from bulletin.cli import main
from extractors.records import Article
from extractors.text import search_words
from storage.migrations import MIGRATIONS
from storage.rows import LOAD_COLUMNS, article_rows
from storage.search import Hit, search, snippet_of
from storage.warehouse import connect, save_articles

CORPUS = yaml.safe_load(
    (Path(__file__).parent / "data" / "search_corpus.yaml").read_text(encoding="utf-8")
)
ICT = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 1, tzinfo=ICT)


def corpus_article(entry: dict[str, Any]) -> Article:
    url = f"http://{entry['source']}.test/tin/{entry['key']}"
    published = datetime.combine(entry["published"], time(8), ICT)
    return Article(url, url, entry["title"], published, entry["lead"], entry["body"])


def key(hit: Hit) -> str:
    return hit.url.rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("search") / "w.duckdb"
    with connect(path) as con:
        for source in ("vonhai", "donghy"):
            batch = [corpus_article(e) for e in CORPUS if e["source"] == source]
            save_articles(con, source, batch, now=NOW)
    yield path


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(warehouse, read_only=True)
    yield con
    con.close()


# Our test set: a query as a journalist types it, and every article it must find, best
# first. Pairs with and without diacritics, other word orders, and phrases.
QUERIES: list[tuple[str, list[str]]] = [
    ("nghi quyet 35", ["nq35"]),
    ("nghị quyết 35", ["nq35"]),
    ("Nghị Quyết 35", ["nq35"]),
    ("35 nghi quyet", ["nq35"]),  # any order
    ('"nghi quyet 35"', ["nq35"]),
    ('"35 nghi quyet"', []),  # a phrase only as written
    ("35-NQ/TW", ["nq35"]),  # inner punctuation: a phrase of 35, nq, tw
    ("35-nq/tw", ["nq35"]),
    ("35-QĐ/HU", ["quyet-dinh"]),
    ("dai hoi doan vo nhai", ["doan"]),
    ("Đại hội Đoàn Võ Nhai", ["doan"]),
    ("vo nhai dai hoi doan", ["doan"]),
    ('"dai hoi doan"', ["doan", "doan-donghy"]),  # in the title of both; rarer words first
    ('"doan dai hoi"', []),
    ("nong thon moi", ["ntm", "ntm-donghy"]),
    ('"nông thôn mới"', ["ntm", "ntm-donghy"]),
    ('"moi nong thon"', ["ntm-donghy"]),
    ("nông thôn mới nâng cao", ["ntm"]),
    ("chuyen doi so", ["doi-so", "so-doi"]),  # all three words in doi-so's title
    ('"chuyen doi so"', ["doi-so"]),
    ("doi so", ["doi-so", "so-doi"]),
    ('"so doi"', []),
    ("ho ngheo", ["ngheo"]),
    ("HỘ NGHÈO", ["ngheo"]),
    ("an toan", ["giao-thong", "du-lich"]),  # the title's match before the body's
    ('"an toan giao thong"', ["giao-thong"]),
    ("dat chuan", ["tiem-chung", "ntm"]),
    ("ĐẠT CHUẨN", ["tiem-chung", "ntm"]),
    ("ban chap hanh", ["ntm", "doan-donghy"]),
    ('"ban thuong vu" huyen uy', ["nq35", "quyet-dinh"]),
    ("du lich cong dong", ["du-lich"]),
    ("29/29", ["doan"]),
    ("90%", ["doan"]),
    ("tran duc long", ["ngheo"]),
    ("Trần Đức Long", ["ngheo"]),
    ("vo nhai xyzzy", []),  # every word must be there
    ("xyzzy", []),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_the_query_finds_its_articles_best_first(
    con: duckdb.DuckDBPyConnection, query: str, expected: list[str]
) -> None:
    assert [key(h) for h in search(con, query)] == expected


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_the_sql_macro_finds_the_same_in_the_same_order(
    con: duckdb.DuckDBPyConnection, query: str, expected: list[str]
) -> None:
    rows = con.execute(
        "SELECT a.url FROM search(?) s JOIN articles a USING (article_id) "
        "ORDER BY s.score DESC, a.published_at DESC",
        [query],
    ).fetchall()
    assert [url.rsplit("/", 1)[1] for (url,) in rows] == expected


def test_the_test_set_is_thirty_queries_or_more() -> None:
    assert len(QUERIES) >= 30
    assert sum(1 for q, found in QUERIES if found) >= 25  # most find something


def test_a_whole_hit(con: duckdb.DuckDBPyConnection) -> None:
    (hit,) = search(con, "nghi quyet 35")
    entry = next(e for e in CORPUS if e["key"] == "nq35")
    assert hit == Hit(
        rank=1,
        score=hit.score,
        article_id=hit.article_id,
        source="vonhai",
        published_at=datetime(2026, 3, 2, 8, tzinfo=ICT),
        title=entry["title"],
        url="http://vonhai.test/tin/nq35",
        # 5 words before the first match and 20 from it on, matched words marked
        snippet="… Võ Nhai tổ chức hội «nghị» quán triệt «Nghị quyết» số «35»-NQ/TW ngày "
        "22/10/2018 của Bộ Chính trị. Hội «nghị» được …",
    )
    assert hit.score > 0


def test_filters_and_limit(con: duckdb.DuckDBPyConnection) -> None:
    assert [key(h) for h in search(con, "dai hoi doan", source="donghy")] == ["doan-donghy"]
    assert [key(h) for h in search(con, "nong thon moi", since=date(2026, 3, 1))] == ["ntm"]
    assert [key(h) for h in search(con, "nong thon moi", until=date(2026, 2, 10))] == [
        "ntm-donghy"  # --until takes its whole day
    ]
    assert [key(h) for h in search(con, "an toan", limit=1)] == ["giao-thong"]
    assert [h.rank for h in search(con, "huyen", limit=4)] == [1, 2, 3, 4]


def test_snippets_mark_the_phrase_and_fall_back_to_the_title() -> None:
    text = "Ông Trần Đức Long cho biết: nông thôn mới ở đây khác nông thôn cũ."
    assert snippet_of(text, ["nong", "thon", "moi"], [["nong", "thon", "moi"]]) == (
        "… Trần Đức Long cho biết: «nông thôn mới» ở đây khác «nông thôn» cũ."
    )
    assert snippet_of(text, ["xyz"]) == ""
    assert snippet_of("", ["nong"]) == ""


def test_the_cli_prints_each_format(warehouse: Path, sources_naming: Any) -> None:
    sources = sources_naming("vonhai", "donghy")
    base = ["search", "--db", str(warehouse), "--sources", str(sources)]

    def run(*args: str) -> str:
        out = io.StringIO()
        with redirect_stdout(out):
            assert main([*base, *args]) == 0
        return out.getvalue()

    records = json.loads(run("ngheo", "--format", "json"))
    assert [{k: v for k, v in r.items() if k not in ("score", "article_id")} for r in records] == [
        {
            "rank": 1,
            "published_at": "2026-07-08T08:00:00+07:00",
            "source": "donghy",
            "title": "Giảm nghèo bền vững ở các xã vùng cao",
            "snippet": "Tỷ lệ hộ «nghèo» của huyện Đồng Hỷ giảm còn 3,2%, vượt chỉ tiêu Nghị "
            "quyết Hội đồng nhân dân huyện. Năm …",
            "url": "http://donghy.test/tin/ngheo",
        }
    ]
    lines = run("dai", "hoi", "doan", "--source", "vonhai", "--format", "csv").splitlines()
    assert lines[0] == "rank,score,published_at,source,title,snippet,url,article_id"
    assert len(lines) == 2 and lines[1].startswith("1,")
    assert ",vonhai,Đại hội Đoàn TNCS Hồ Chí Minh huyện Võ Nhai lần thứ XXI," in lines[1]
    table = run("xyzzy")
    assert table.splitlines()[-1] == "(0 rows)"


def test_the_cli_refuses_an_empty_query_and_a_backwards_range(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--db", str(warehouse), '" -- "']) == 2
    assert capsys.readouterr().err == (
        "bulletin search: nothing to search for in '\" -- \"': give a word or a number\n"
    )
    args = ["search", "x", "--db", str(warehouse), "--since", "2026-02-01"]
    assert main([*args, "--until", "2026-01-01"]) == 2
    assert capsys.readouterr().err == (
        "bulletin search: --since 2026-02-01 is after --until 2026-01-01\n"
    )


def test_search_joins_other_tables_in_bulletin_sql(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = (
        "SELECT a.source, count(*) AS n FROM search('dai hoi doan') s "
        "JOIN articles a USING (article_id) GROUP BY ALL ORDER BY ALL"
    )
    assert main(["sql", "--db", str(warehouse), "--format", "csv", query]) == 0
    assert capsys.readouterr().out.splitlines() == ["source,n", "donghy,1", "vonhai,1"]


def test_the_writer_keeps_the_index(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        first = [corpus_article(e) for e in CORPUS[:4]]
        save_articles(con, "vonhai", first, now=NOW)
        assert_index_up_to_date(con)
        # Changed: the old words go, the new ones come; unchanged: left alone.
        edited = replace(first[0], title="Tiêu đề đã sửa")
        save_articles(con, "vonhai", [edited, *first[1:]], now=NOW + timedelta(days=1))
        assert_index_up_to_date(con)
        assert [key(h) for h in search(con, "tieu de da sua")] == ["nq35"]
        assert search(con, "quan triet nen tang") == []  # only in the old title
        assert [key(h) for h in search(con, "quan triet")] == ["nq35"]  # still in the lead


def test_migration_13_indexes_the_articles_stored_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    monkeypatch.setattr("storage.migrations.MIGRATIONS", [m for m in MIGRATIONS if m[0] < 13])
    rows = article_rows([corpus_article(e) for e in CORPUS]).articles
    with connect(path) as old:  # the schema before the index, and articles in it
        old.register("_old", rows)
        loaded = ", ".join(
            f"$now AS {c}" if c != "source" else "'vonhai' AS source" for c in LOAD_COLUMNS
        )
        old.execute(f"INSERT INTO articles BY NAME SELECT *, {loaded} FROM _old", {"now": NOW})
        assert "search_terms" not in {r[0] for r in old.execute("SHOW TABLES").fetchall()}
    monkeypatch.undo()
    with connect(path) as con:
        assert assert_index_up_to_date(con) > 0
        assert [key(h) for h in search(con, "nghi quyet 35")] == ["nq35"]


_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵÀÁẢÃẠỲÝỴ"
)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list(_LETTERS) + list("0123456789 _-/.,;:%()“”\"'\n\t–…") + ["\u0301", "\u0323"]
        ),
        max_size=60,
    )
)
def test_python_and_sql_cut_the_same_words(con: duckdb.DuckDBPyConnection, text: str) -> None:
    (words,) = con.execute("SELECT search_words(?)", [text]).fetchone() or ([],)
    assert search_words(text) == list(words)


def test_the_index_rows_of_an_article() -> None:
    article = Article("u", "u", "Nghị quyết 35", None, "Quyết tâm", "nghị quyết, 35 và 35.")
    table = article_rows([article]).tables["search_terms"]
    assert table.drop_columns(["_row", "article_id"]).to_pylist() == [
        # the title from 0; the lead after a gap (4); the body after another (7)
        {"term": "nghi", "title_hits": 1, "body_hits": 1, "positions": [0, 7]},
        {"term": "quyet", "title_hits": 1, "body_hits": 2, "positions": [1, 4, 8]},
        {"term": "35", "title_hits": 1, "body_hits": 2, "positions": [2, 9, 11]},
        {"term": "tam", "title_hits": 0, "body_hits": 1, "positions": [5]},
        {"term": "va", "title_hits": 0, "body_hits": 1, "positions": [10]},
    ]
    assert isinstance(table, pa.Table)


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_checking_phrases_one_article_deep_at_first_finds_the_same(
    con: duckdb.DuckDBPyConnection,
    query: str,
    expected: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The search checks the phrases of the best-scored articles first and looks deeper
    when they are not enough: from one article deep, it finds what checking all finds."""
    monkeypatch.setattr("storage.search.FIRST_DEPTH", 1)
    monkeypatch.setattr("storage.search.CHECK_GROWTH", 2)
    assert [key(h) for h in search(con, query, limit=1)] == expected[:1]  # depth 2, 4, 8…
