"""`bulletin export DIR` (issue 18, item 2): every table as Parquet or CSV, the big ones
partitioned by source and month (Hive layout), read back whole by pyarrow and by a fresh
DuckDB; a re-export of the same range replaces its files."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from bulletin.cli.parser import EXPORT_FORMATS
from extractors.facts import extract_facts
from extractors.records import Article, Figure
from storage.export import EXPORT_FORMATS as STORAGE_FORMATS
from storage.export import PARTITIONED, WHOLE
from storage.warehouse import save_articles, writing

ICT = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
BODY = "Thực hiện Kế hoạch số 45/KH-UBND ngày 2/3/2026, huyện có 18/22 xã đạt chuẩn."


def _article(source: str, n: int, published: datetime | None) -> Article:
    url = f"http://{source}.test/a{n}"
    facts = extract_facts(None, BODY)
    return replace(
        Article(
            url=url,
            canonical_url=url,
            title=f"Tin số {n} của {source}",
            published_at=published,
            lead=None,
            body_text=f"{BODY} Bài {n}.",
            author="Minh Anh",
            figures=(Figure(1, f"{url}/1.jpg", f"Ảnh {n}", "Minh Anh", None),),
            profile="liferay-6.2",
        ),
        stats=facts.stats,
        doc_refs=facts.doc_refs,
        people=facts.people,
    )


MONTHS = [datetime(2026, m, 10, 9, 0, tzinfo=ICT) for m in (8, 9, 10)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with writing(path) as con:
        for source in ("vonhai", "donghy"):
            articles = [_article(source, n, when) for n, when in enumerate(MONTHS)]
            articles.append(_article(source, 9, None))  # undated
            save_articles(con, source, articles, now=T0)
    return path


def _export(db: Path, out: Path, *extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", "export", str(out), "--db", str(db), *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _warehouse_rows(db: Path, table: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
        select = PARTITIONED.get(table, f"SELECT * FROM {table}")
        return sorted(con.execute(f"SELECT * FROM ({select})").fetchall(), key=repr)
    finally:
        con.close()


def _columns(db: Path, table: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        select = PARTITIONED.get(table, f"SELECT * FROM {table}")
        return [d[0] for d in con.execute(f"SELECT * FROM ({select}) LIMIT 0").description]
    finally:
        con.close()


def _read_back_duckdb(out: Path, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    con = duckdb.connect()  # a fresh DuckDB, nothing of the warehouse
    con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    if table in PARTITIONED:
        source = f"read_parquet('{out / table}/**/*.parquet', hive_partitioning = true)"
    else:
        source = f"read_parquet('{out / f'{table}.parquet'}')"
    listed = ", ".join(f'"{c}"' for c in columns)
    return sorted(con.execute(f"SELECT {listed} FROM {source}").fetchall(), key=repr)


def test_formats_agree() -> None:
    assert EXPORT_FORMATS == STORAGE_FORMATS


def test_every_table_reads_back_whole(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    printed = _export(db, out)
    assert printed.splitlines()[-1].startswith("export: ")
    assert sorted(p.name for p in (out / "articles").iterdir()) == [
        "source=donghy",
        "source=vonhai",
    ]
    assert sorted(p.name for p in (out / "articles" / "source=vonhai").iterdir()) == [
        "month=2026-08",
        "month=2026-09",
        "month=2026-10",
        "month=undated",
    ]
    for table in [*PARTITIONED, *WHOLE]:
        want = _warehouse_rows(db, table)
        if table in PARTITIONED and not want:
            assert not (out / table).exists()  # no rows, no partition
            continue
        columns = _columns(db, table)
        assert _read_back_duckdb(out, table, columns) == want, table
    # pyarrow, with the Hive partitions as columns: same counts, same articles
    articles = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table()
    assert articles.num_rows == 8
    by_url = {row["url"]: row for row in articles.to_pylist()}
    assert by_url["http://vonhai.test/a1"]["month"] == "2026-09"
    assert by_url["http://vonhai.test/a1"]["source"] == "vonhai"
    assert by_url["http://vonhai.test/a1"]["title"] == "Tin số 1 của vonhai"
    assert by_url["http://donghy.test/a9"]["month"] == "undated"
    figures = ds.dataset(out / "figures", format="parquet", partitioning="hive").to_table()
    assert sorted(figures.column("caption").to_pylist()) == sorted(
        f"Ảnh {n}" for n in (0, 1, 2, 9) for _ in range(2)
    )


def test_a_reexport_of_the_same_range_replaces_its_files(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    _export(db, out)
    (out / "articles" / "NOTES.txt").write_text("kept", encoding="utf-8")  # not ours
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    _export(db, out)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == files
    assert len(_read_back_duckdb(out, "articles", ["url"])) == 8  # no duplicates
    # One source, from September: its September and October partitions are replaced, its
    # August and undated ones and the other source's stay as they were.
    kept = (out / "articles/source=vonhai/month=2026-08/part_0.parquet").stat().st_mtime_ns
    _export(db, out, "--source", "vonhai", "--since", "2026-09-20")
    assert (out / "articles/source=vonhai/month=2026-08/part_0.parquet").stat().st_mtime_ns == kept
    assert len(_read_back_duckdb(out, "articles", ["url"])) == 8
    assert sorted(_read_back_duckdb(out, "figures", ["source", "month"])) == sorted(
        (source, month)
        for source in ("donghy", "vonhai")
        for month in ("2026-08", "2026-09", "2026-10", "undated")
    )


def test_csv_export_reads_back(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    _export(db, out, "--format", "csv")
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT source, month, count(*) FROM read_csv('{out}/articles/**/*.csv', "
        "hive_partitioning = true) GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert rows == [
        (source, month, 1)
        for source in ("donghy", "vonhai")
        for month in ("2026-08", "2026-09", "2026-10", "undated")
    ]
    assert con.execute(f"SELECT count(*) FROM read_csv('{out}/failures.csv')").fetchone() == (0,)


def test_a_folder_and_warc_together_is_refused(db: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bulletin.cli",
            "export",
            str(tmp_path / "x"),
            "--warc",
            str(tmp_path / "a.warc"),
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        "bulletin export: give a folder to write the tables to, or --warc FILE (not both)\n",
    )
