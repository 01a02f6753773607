"""Search: query latency at 100,000 articles, and what the search index costs a load.

    python -m bench.search [--articles 100000] [--repeat 5] [--quick]

The articles are the sample portal's own synthetic bulletins (``sample_portal``: titles,
leads and bodies written from its topic templates, with numbers, document numbers and
officials' names), as ``extractors.records.Article`` records, generated outside any
timing. Then, in one run:

- **Rows.** ``storage.rows.article_rows`` builds the rows, as the parsing processes do,
  timed with the index's rows (``search_rows``) and, as the baseline, without them.
- **Load.** Two fresh warehouses load the same rows with ``save_rows`` in batches of
  1,000: one as the writer does (with ``search_terms``), the baseline with the search
  rows left out. The ratio of the two is the write overhead of the index.
- **Queries.** ``storage.search.search`` (what ``bulletin search`` runs, limit 20) for
  each query of QUERIES, ``--repeat`` times each after one untimed run; the figure is
  the median over the queries of each query's median, with the slowest query beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from extractors.records import Article
from sample_portal.model import PortalConfig
from sample_portal.portal import SamplePortal
from storage.rows import ArticleRows, article_rows
from storage.search import search
from storage.warehouse import connect, save_rows

TARGET_MS = 200.0  # median query latency at 100,000 articles
BATCH = 100  # pages a crawl saves at once (flows.ingest.steps.BATCH_SIZE)
SOURCE = "bench"

# What a journalist types: words without diacritics, with them, phrases, numbers and
# document numbers, common words and rare ones, and a word no article has.
QUERIES = (
    "nghi quyet",
    "nghị quyết 35",
    '"nghi quyet"',
    "dai hoi doan",
    '"ban thuong vu"',
    "chuyen doi so",
    "nong thon moi",
    '"nông thôn mới" dong lam',
    "ho ngheo",
    "tiem chung mo rong",
    "hoi nghi so ket",
    '"ke hoach so"',
    "35-NQ/TW",
    "thanh nien",
    "tiem chung",
    "phong chong dich benh",
    "uy ban nhan dan huyen",
    '"chu tich ubnd huyen"',
    "xay dung dang",
    "dat tren 90%",
    "an toan giao thong",
    "chuyển đổi số xã",
    "du lich cong dong",
    "xyzzy",
)


def sample_articles(count: int) -> list[Article]:
    """The sample portal's first ``count`` articles as extracted records."""
    portal = SamplePortal(PortalConfig(count=count, days=max(30, count // 20)))
    base = "http://bench.example.gov.vn"
    records = []
    for i in range(count):
        a = portal.article(i)
        url = a.url(base)
        records.append(
            Article(
                url=url,
                canonical_url=url,
                title=a.title,
                published_at=a.published_at,
                lead=a.lead,
                body_text=a.body_text,
                author=a.author,
                source_unit=a.unit,
                category=a.category_name,
                language="vi",
                profile="liferay-6.2",
            )
        )
    return records


def _without_index(rows: ArticleRows) -> ArticleRows:
    tables = dict(rows.tables)
    tables["search_terms"] = tables["search_terms"].slice(0, 0)
    return ArticleRows(tables)


def _load(path: Path, batches: Sequence[ArticleRows]) -> float:
    con = connect(path)
    try:
        start = time.perf_counter()
        for rows in batches:
            save_rows(con, SOURCE, rows)
        con.execute("CHECKPOINT")
        return time.perf_counter() - start
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2,000 articles, 2 repeats")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.repeat = 2_000, 2
    start = time.perf_counter()
    records = sample_articles(args.articles)
    print(
        f"Generated {len(records):,} sample-portal articles in "
        f"{time.perf_counter() - start:.1f} s (not timed)"
    )
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (1 min)")

    chunks = [records[k : k + BATCH] for k in range(0, len(records), BATCH)]
    t0 = time.perf_counter()
    batches = [article_rows(c) for c in chunks]
    built = time.perf_counter() - t0
    import storage.rows as rows_module

    real = rows_module.search_rows
    rows_module.search_rows = lambda arts, ids: real([], [])  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        for c in chunks:
            article_rows(c)
        built_bare = time.perf_counter() - t0
    finally:
        rows_module.search_rows = real
    postings = sum(b.tables["search_terms"].num_rows for b in batches)

    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        bare = _load(Path(tmp, "bare.duckdb"), [_without_index(b) for b in batches])
        full = _load(Path(tmp, "full.duckdb"), batches)
        sizes = {n: Path(tmp, f"{n}.duckdb").stat().st_size for n in ("bare", "full")}
        con = connect(Path(tmp, "full.duckdb"), read_only=True)
        try:
            timings = {q: _time(con, q, args.repeat) for q in QUERIES}
            found = {q: len(search(con, q)) for q in QUERIES}
        finally:
            con.close()

    n = len(records)
    medians = {q: statistics.median(ts) * 1000 for q, ts in timings.items()}
    overall = statistics.median(medians.values())
    slowest = max(medians, key=lambda q: medians[q])
    print(
        f"\n{n:,} articles, {postings:,} rows in search_terms "
        f"({postings / n:.0f} an article), batches of {BATCH:,}\n"
    )
    print("| query | results (limit 20) | median ms |")
    print("|---|---|---|")
    for q in QUERIES:
        print(f"| `{q}` | {found[q]} | {medians[q]:.0f} |")
    print(
        f"\nMedian query latency: **{overall:.0f} ms** (target ≤ {TARGET_MS:.0f} ms: "
        f"{'met' if overall <= TARGET_MS else 'NOT met'}); slowest `{slowest}` "
        f"{medians[slowest]:.0f} ms."
    )
    print("\n| write | without index s | with index s | ratio |")
    print("|---|---|---|---|")
    print(
        f"| rows built (`article_rows`, one process) | {built_bare:.2f} | {built:.2f} | "
        f"{built / built_bare:.2f} |"
    )
    print(
        f"| load (`save_rows`, batches of {BATCH:,}) | {bare:.2f} | {full:.2f} | "
        f"{full / bare:.2f} |"
    )
    print(
        f"| warehouse file, MB | {sizes['bare'] / 1e6:.0f} | {sizes['full'] / 1e6:.0f} | "
        f"{sizes['full'] / sizes['bare']:.2f} |"
    )
    return 0 if overall <= TARGET_MS or args.quick else 1


def _time(con: object, query: str, repeat: int) -> list[float]:
    search(con, query)  # type: ignore[arg-type]  # warm: the first run reads the file
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        search(con, query)  # type: ignore[arg-type]
        times.append(time.perf_counter() - t0)
    return times


if __name__ == "__main__":
    sys.exit(main())
