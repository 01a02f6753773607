"""Bulk load: articles/s into a fresh warehouse, and for an idempotent re-load.

    python -m bench.load [--articles 100000] [--batch 100000] [--repeat 3] [--quick]

Synthetic articles (each with 3 figures, 10 stats and 2 document references, built with
the records of ``extractors.records``) are generated first, outside the timing, and
turned into rows (``storage.rows.article_rows``: ids, hashes, Arrow tables) as the
parsing processes turn what they extract, also outside the timing (the time it takes
is printed). Each repeat opens a fresh DuckDB file with ``storage.warehouse.connect``
and times the writer, ``save_rows``, over all the batches (first load: every article
new), then again over the same rows (re-load: every article unchanged, nothing
written). The figures are the medians of the repeats; the row counts of every table are
checked after each load.

Also in each repeat: the baseline, the limit of the stack, DuckDB alone inserting the
very same rows into a fresh, migrated warehouse, one transaction per batch, as plain
``INSERT INTO t BY NAME SELECT ... FROM batch`` statements; and ``save_articles``, the
load from records that builds the rows in the same process (what a script that calls
it pays).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb

from extractors.facts import DocRef, Stat
from extractors.records import Article, Figure
from storage.records import LoadCounts
from storage.rows import ROW, ArticleRows, article_rows
from storage.warehouse import connect, save_articles, save_rows

FIGURES, STATS, DOC_REFS = 3, 10, 2
FIRST_TARGET = 50_000.0  # articles/s
RELOAD_TARGET = 25_000.0
SOURCE = "bench"
ICT = timezone(timedelta(hours=7))
DAY0 = datetime(2020, 1, 1, 7, 30, tzinfo=ICT)

_SENTENCES = (
    "Sáng nay, Ủy ban nhân dân huyện tổ chức hội nghị sơ kết công tác quý {q} năm {y}.",
    "Tổng giá trị sản xuất ước đạt {v} tỷ đồng, tăng {p}% so với cùng kỳ năm trước.",
    "Toàn huyện có {n} hộ nghèo, giảm {m} hộ so với đầu năm.",
    "Đồng chí Nguyễn Văn An, Chủ tịch UBND huyện phát biểu chỉ đạo hội nghị.",
    "Thực hiện Nghị quyết số {n}/NQ-HĐND ngày 12/7/{y} của Hội đồng nhân dân tỉnh.",
    "Các xã, thị trấn tiếp tục đẩy mạnh chuyển đổi số trong giải quyết thủ tục hành chính.",
    "Tỷ lệ hồ sơ được giải quyết đúng hạn đạt {p}%, vượt chỉ tiêu đề ra.",
    "Hội nghị đã thống nhất các nhiệm vụ trọng tâm trong thời gian tới.",
)


def synthetic_article(i: int) -> Article:
    """The ``i``-th synthetic article: unique URL and text, a body of 1,200 characters."""
    y, q = 2020 + i % 7, 1 + i % 4
    words = {"q": q, "y": y, "v": 100 + i % 9000, "p": 1 + i % 97, "n": i, "m": i % 50}
    body = "\n\n".join(
        " ".join(s.format(**words) for s in _SENTENCES[k:] + _SENTENCES[:k]) for k in range(2)
    )
    lead = f"Bản tin số {i}: kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội quý {q}."
    url = f"https://huyen{i % 40}.example.gov.vn/tin-tuc/-/asset_publisher/bai-{i}"
    sentence = _SENTENCES[1].format(**words)
    return Article(
        url=url,
        canonical_url=url,
        title=f"Hội nghị sơ kết công tác quý {q} năm {y} (bài {i})",
        published_at=DAY0 + timedelta(minutes=37 * i),
        lead=lead,
        body_text=body,
        author="Minh Anh",
        source_unit="Trung tâm Văn hóa - Truyền thông huyện",
        figures=tuple(
            Figure(k, f"{url}/anh-{k}.jpg", f"Quang cảnh hội nghị ({k})", "Ảnh: Minh Anh", "")
            for k in range(1, FIGURES + 1)
        ),
        category="Tin tức - Sự kiện",
        language="vi",
        profile="liferay-6.2",
        stats=tuple(
            Stat(
                ordinal=k,
                value=float(i % 1000 + k),
                value_high=None,
                total=None if k % 3 else 1000.0,
                unit="tỷ đồng" if k % 2 else "%",
                qualifier="=",
                period=f"quý {q} năm {y}" if k % 2 else None,
                text=f"{i % 1000 + k} tỷ đồng",
                sentence=sentence,
                field="body",
                start=40 * k,
                end=40 * k + 12,
            )
            for k in range(1, STATS + 1)
        ),
        doc_refs=tuple(
            DocRef(
                ordinal=k,
                number=f"{i % 500 + k}/NQ-HĐND",
                type_code="NQ",
                type_name="Nghị quyết",
                issuer_code="HĐND",
                year=y,
                issued_on=date(y, 7, 12),
                complete=True,
                mentions=k,
                text=_SENTENCES[4].format(**words),
                field="body",
                start=300 + k,
                end=320 + k,
            )
            for k in range(1, DOC_REFS + 1)
        ),
    )


def machine() -> str:
    """Cores, memory and the current load, to print beside the figures."""
    kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores, {kib / 2**20:.1f} GiB, load average {load:.1f} (1 min)"


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall seconds of one load, and the CPU seconds of this process (DuckDB's threads
    included) meanwhile: far less CPU than wall means the machine was busy elsewhere."""

    wall: float
    cpu: float


@dataclass(frozen=True, slots=True)
class Run:
    """One repeat: the writer's first load and re-load of prebuilt rows, DuckDB alone on
    the same rows (the baseline), and the first load from the records in this process."""

    first: Timing
    reload: Timing
    bare: Timing
    records: Timing


EXPECTED_ROWS = {"articles": 1, "figures": FIGURES, "stats": STATS, "doc_refs": DOC_REFS}


def check_rows(con: duckdb.DuckDBPyConnection, n: int, what: str) -> None:
    """Stop the benchmark if a load did not store every row it should have."""
    expected = {t: k * n for t, k in EXPECTED_ROWS.items()}
    found = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in expected}
    if found != expected:
        raise SystemExit(f"bench.load: {what} stored {found}, expected {expected}")


def load_rows(db: Path, batches: Sequence[ArticleRows]) -> tuple[Timing, LoadCounts]:
    """``save_rows`` of each batch over one connection, timed (the writer's part)."""
    con = connect(db)
    try:
        counts = LoadCounts()
        started, cpu = time.perf_counter(), time.process_time()
        for rows in batches:
            counts += save_rows(con, SOURCE, rows)
        seconds = Timing(time.perf_counter() - started, time.process_time() - cpu)
        check_rows(con, sum(map(len, batches)), "save_rows")
    finally:
        con.close()
    return seconds, counts


def load_records(db: Path, articles: Sequence[Article], batch: int) -> Timing:
    """``save_articles`` (rows built here, then saved) in batches of ``batch``, timed."""
    con = connect(db)
    try:
        counts = LoadCounts()
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(articles), batch):
            counts += save_articles(con, SOURCE, articles[start : start + batch])
        seconds = Timing(time.perf_counter() - started, time.process_time() - cpu)
        check_rows(con, len(articles), "save_articles")
    finally:
        con.close()
    if counts != LoadCounts(new=len(articles)):
        raise SystemExit(f"bench.load: save_articles counted {counts}")
    return seconds


def build_rows(articles: Sequence[Article], batch: int) -> tuple[list[ArticleRows], float]:
    """The rows of each batch, as the parsing processes build them; and the seconds."""
    started = time.perf_counter()
    built = [article_rows(articles[s : s + batch]) for s in range(0, len(articles), batch)]
    return built, time.perf_counter() - started


def bare_load(db: Path, batches: Sequence[ArticleRows]) -> Timing:
    """DuckDB alone: insert the prebuilt rows, one transaction per batch, timed."""
    con = connect(db)
    now = datetime.now(UTC)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        for rows in batches:
            con.execute("BEGIN TRANSACTION")
            for name, table in rows.tables.items():
                con.register("batch", table)
                extra = (
                    ", $source AS source, $now AS first_seen_at, $now AS updated_at"
                    if name == "articles"
                    else ""
                )
                star = "*" if name == "articles" else f"* EXCLUDE ({ROW})"
                con.execute(
                    f"INSERT INTO {name} BY NAME SELECT {star}{extra} FROM batch",
                    {"source": SOURCE, "now": now} if extra else None,
                )
                con.unregister("batch")
            con.execute("COMMIT")
        seconds = Timing(time.perf_counter() - started, time.process_time() - cpu)
        check_rows(con, sum(map(len, batches)), "DuckDB alone")
    finally:
        con.close()
    return seconds


def run_once(articles: Sequence[Article], batch: int, prebuilt: Sequence[ArticleRows]) -> Run:
    n = len(articles)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        first, counts = load_rows(Path(tmp) / "w.duckdb", prebuilt)
        if counts != LoadCounts(new=n):
            raise SystemExit(f"bench.load: first load counted {counts}, expected {n} new")
        reload, counts = load_rows(Path(tmp) / "w.duckdb", prebuilt)
        if counts != LoadCounts(unchanged=n):
            raise SystemExit(f"bench.load: re-load counted {counts}, expected {n} unchanged")
        bare = bare_load(Path(tmp) / "bare.duckdb", prebuilt)
        records = load_records(Path(tmp) / "records.duckdb", articles, batch)
    return Run(first, reload, bare, records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--batch", type=int, default=100_000, help="articles per save (default: one load)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="fresh warehouse files")
    parser.add_argument("--quick", action="store_true", help="10,000 articles")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles = min(args.articles, 10_000)

    started = time.perf_counter()
    articles = [synthetic_article(i) for i in range(args.articles)]
    print(
        f"Generated {len(articles):,} articles ({FIGURES} figures, {STATS} stats, "
        f"{DOC_REFS} doc refs each) in {time.perf_counter() - started:.1f} s (not timed)",
        file=sys.stderr,
        flush=True,
    )
    prebuilt, build_seconds = build_rows(articles, args.batch)
    print(f"Machine: {machine()}", file=sys.stderr, flush=True)
    runs = []
    for k in range(args.repeat):
        runs.append(run_once(articles, args.batch, prebuilt))
        run = runs[-1]
        print(
            f"  repeat {k + 1}: first load {run.first.wall:.2f} s ({run.first.cpu:.2f} s CPU), "
            f"re-load {run.reload.wall:.2f} s ({run.reload.cpu:.2f} s CPU), "
            f"DuckDB alone {run.bare.wall:.2f} s ({run.bare.cpu:.2f} s CPU), "
            f"from records {run.records.wall:.2f} s ({run.records.cpu:.2f} s CPU)",
            file=sys.stderr,
            flush=True,
        )
    print(f"Machine after: {machine()}", file=sys.stderr, flush=True)
    n = len(articles)
    print(
        f"\n{n:,} articles in batches of {args.batch:,}, median of {args.repeat} "
        "fresh warehouses. The writer loads rows the parsing processes built "
        f"(`storage.rows.article_rows`: {build_seconds / n * 1e6:.0f} µs/article there, "
        "not in the writer):\n"
    )
    print(
        "| load | wall s (each repeat) | median wall s | articles/s | target | met "
        "| median CPU s | articles/CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, timings, target in (
        ("first load (`save_rows`)", [r.first for r in runs], FIRST_TARGET),
        ("re-load, all unchanged (`save_rows`)", [r.reload for r in runs], RELOAD_TARGET),
        ("baseline: DuckDB alone, same rows", [r.bare for r in runs], None),
        (
            "first load from records, rows built here (`save_articles`)",
            [r.records for r in runs],
            None,
        ),
    ):
        wall = statistics.median(t.wall for t in timings)
        cpu = statistics.median(t.cpu for t in timings)
        spread = ", ".join(f"{t.wall:.2f}" for t in timings)
        goal, met = "", ""
        if target is not None:
            goal, met = f"≥ {target:,.0f}", "yes" if n / wall >= target else "**no**"
        print(
            f"| {name} | {spread} | {wall:.2f} | {n / wall:,.0f} | {goal} | {met} "
            f"| {cpu:.2f} | {n / cpu:,.0f} |"
        )
    ratio = statistics.median(r.first.wall / r.bare.wall for r in runs)
    print(f"\nFirst load / DuckDB alone (median of the repeats' ratios): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
