"""Bulk load: articles/s into a fresh warehouse, and for an idempotent re-load.

    python -m bench.load [--articles 100000] [--batch 5000] [--repeat 3] [--quick]

Synthetic articles (each with 3 figures, 10 stats and 2 document references, built with
the records of ``extractors.records``) are generated first, outside the timing. Each
repeat opens a fresh DuckDB file with ``storage.warehouse.connect`` and times
``save_articles`` over all the batches (first load: every article new), then again over
the same articles (re-load: every article unchanged, nothing written). The figures are
the medians of the repeats; the row counts of every table are checked after each load.

The baseline, the limit of the stack, is measured in the same repeats: DuckDB alone,
inserting the very Arrow tables ``save_articles`` builds for each batch (built before the
timing, with ``storage.warehouse.article_tables``) into a fresh, migrated warehouse, one
transaction per batch, as plain ``INSERT INTO t BY NAME SELECT * FROM batch`` statements.
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

import pyarrow as pa

from extractors.facts import DocRef, Stat
from extractors.records import Article, Figure
from storage.records import LoadCounts
from storage.warehouse import (
    article_id,
    article_tables,
    connect,
    content_hash,
    save_articles,
    text_hash,
)

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
    """One repeat: the first load, the re-load, and DuckDB alone (the baseline)."""

    first: Timing
    reload: Timing
    bare: Timing


def load(db: Path, articles: Sequence[Article], batch: int) -> tuple[Timing, LoadCounts]:
    """Save ``articles`` in batches of ``batch`` over one connection, timed."""
    con = connect(db)
    try:
        counts = LoadCounts()
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(articles), batch):
            counts += save_articles(con, SOURCE, articles[start : start + batch])
        seconds = Timing(time.perf_counter() - started, time.process_time() - cpu)
        expected = {
            "articles": len(articles),
            "figures": FIGURES * len(articles),
            "stats": STATS * len(articles),
            "doc_refs": DOC_REFS * len(articles),
        }
        found = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in expected}  # type: ignore[index]
    finally:
        con.close()
    if found != expected:
        raise SystemExit(f"bench.load: wrong row counts {found}, expected {expected}")
    return seconds, counts


def prebuilt_tables(articles: Sequence[Article], batch: int) -> list[dict[str, pa.Table]]:
    """The Arrow tables ``save_articles`` inserts for each batch of a first load."""
    now = datetime.now(UTC)
    built = []
    for start in range(0, len(articles), batch):
        arts = articles[start : start + batch]
        built.append(
            article_tables(
                SOURCE,
                arts,
                ids=[article_id(a.canonical_url) for a in arts],
                content_hashes=[content_hash(a) for a in arts],
                text_hashes=[text_hash(a) for a in arts],
                now=now,
            )
        )
    return built


def bare_load(db: Path, batches: Sequence[dict[str, pa.Table]]) -> Timing:
    """DuckDB alone: insert prebuilt tables, one transaction per batch, timed."""
    con = connect(db)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        for tables in batches:
            con.execute("BEGIN TRANSACTION")
            for name, table in tables.items():
                con.register("batch", table)
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM batch")
                con.unregister("batch")
            con.execute("COMMIT")
        seconds = Timing(time.perf_counter() - started, time.process_time() - cpu)
        n = sum(t["articles"].num_rows for t in batches)
        found = con.execute("SELECT count(*) FROM articles").fetchone()
    finally:
        con.close()
    if found != (n,):
        raise SystemExit(f"bench.load: bare load stored {found} articles, expected {n}")
    return seconds


def run_once(
    articles: Sequence[Article], batch: int, prebuilt: Sequence[dict[str, pa.Table]]
) -> Run:
    n = len(articles)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        db = Path(tmp) / "w.duckdb"
        first, counts = load(db, articles, batch)
        if counts != LoadCounts(new=n):
            raise SystemExit(f"bench.load: first load counted {counts}, expected {n} new")
        reload, counts = load(db, articles, batch)
        if counts != LoadCounts(unchanged=n):
            raise SystemExit(f"bench.load: re-load counted {counts}, expected {n} unchanged")
        bare = bare_load(Path(tmp) / "bare.duckdb", prebuilt)
    return Run(first, reload, bare)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000, help="articles per save_articles")
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
    prebuilt = prebuilt_tables(articles, args.batch)
    print(f"Machine: {machine()}", file=sys.stderr, flush=True)
    runs = []
    for k in range(args.repeat):
        runs.append(run_once(articles, args.batch, prebuilt))
        first, reload, bare = runs[-1].first, runs[-1].reload, runs[-1].bare
        print(
            f"  repeat {k + 1}: first load {first.wall:.2f} s ({first.cpu:.2f} s CPU), "
            f"re-load {reload.wall:.2f} s ({reload.cpu:.2f} s CPU), "
            f"DuckDB alone {bare.wall:.2f} s ({bare.cpu:.2f} s CPU)",
            file=sys.stderr,
            flush=True,
        )
    print(f"Machine after: {machine()}", file=sys.stderr, flush=True)
    n = len(articles)
    print(
        f"\n{n:,} articles in batches of {args.batch:,}, median of {args.repeat} "
        "fresh warehouses:\n"
    )
    print(
        "| load | wall s (each repeat) | median wall s | articles/s | target | met "
        "| median CPU s | articles/CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, timings, target in (
        ("first load", [r.first for r in runs], FIRST_TARGET),
        ("re-load (all unchanged)", [r.reload for r in runs], RELOAD_TARGET),
    ):
        wall = statistics.median(t.wall for t in timings)
        cpu = statistics.median(t.cpu for t in timings)
        spread = ", ".join(f"{t.wall:.2f}" for t in timings)
        met = "yes" if n / wall >= target else "**no**"
        print(
            f"| {name} | {spread} | {wall:.2f} | {n / wall:,.0f} | ≥ {target:,.0f} | {met} "
            f"| {cpu:.2f} | {n / cpu:,.0f} |"
        )
    bare_wall = statistics.median(r.bare.wall for r in runs)
    spread = ", ".join(f"{r.bare.wall:.2f}" for r in runs)
    cpu = statistics.median(r.bare.cpu for r in runs)
    print(
        f"| baseline: DuckDB alone, first load | {spread} | {bare_wall:.2f} "
        f"| {n / bare_wall:,.0f} "
        f"| | | {cpu:.2f} | {n / cpu:,.0f} |"
    )
    ratio = statistics.median(r.first.wall / r.bare.wall for r in runs)
    print(f"\nFirst load / DuckDB alone (median of the repeats' ratios): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
