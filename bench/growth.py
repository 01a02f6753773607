"""Growth: does a backfill cost the same per article at 1k, 10k and 50k articles?

    python -m bench.growth [--sizes 1000,10000,50000] [--quick]

For each size, a sample portal of that many articles (over max(90, N // 20) days up to
2026-11-20) in a process of its own, and ``flows.backfill.backfill`` over its whole date
range into a fresh DuckDB file, in a fresh process with the same (warmed) Prefect home
(``bench.portal_process``). Reported per size: wall time per article, whole process
and within the flow (from its "Beginning flow run" line to its return, which leaves out
the fixed Prefect start-up); the pages per second in the first and the last tenth of the
article pages (from the flow's progress lines: does loading slow down as the warehouse
grows?); discovery (walking the listing pages) and the article pages timed apart; and
the peak RSS of the ingesting process (its own VmHWM, which it reports before it exits:
``bench.rss``; the temporary Prefect server is a process of its own and not counted there).

Targets: time per article at the largest size over the smallest <= 1.15; peak RSS ratio
<= 1.2 and below 600 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench.portal_process import (
    FlowRun,
    backfill_portal,
    portal_config,
    warm_prefect_home,
)
from sample_portal import SamplePortal

PROGRESS = re.compile(r": (\d+)/(\d+) pages fetched")


@dataclass(frozen=True, slots=True)
class Point:
    """One size, measured."""

    articles: int
    pages: int  # listing and article pages fetched
    stored: int
    wall: float
    in_flow: float
    listing_pages: int
    listing_kb: float  # mean size of a listing page
    discover: float | None  # "Beginning flow run" to the end of the discover task
    articles_phase: float | None  # the end of discovery to the last progress line
    first_rate: float | None  # article pages/s over the first tenth
    last_rate: float | None  # ... and over the last tenth
    maxrss_mb: float
    portal_cpu: float
    cpu: float

    @property
    def per_article_ms(self) -> float:
        return 1000 * self.wall / self.articles

    @property
    def in_flow_per_article_ms(self) -> float:
        return 1000 * self.in_flow / self.articles


def progress_rates(run: FlowRun) -> tuple[float | None, float | None]:
    """Article pages/s over the first and the last tenth of them, from the lines
    "<source>: N/M pages fetched" and their arrival times (the first tenth from the end
    of discovery)."""
    marks = [(t, int(m[1]), int(m[2])) for t, line in run.lines if (m := PROGRESS.search(line))]
    if len(marks) < 4:
        return None, None
    total = marks[-1][2]
    start = run.first("Task run 'discover") or run.flow_began or marks[0][0]
    series = [(start, 0), *((t, n) for t, n, _ in marks)]
    tenth = total / 10
    head = [p for p in series if p[1] <= tenth]
    head = head if len(head) >= 2 else series[:2]
    before = [p for p in series if p[1] < total - tenth]
    tail = [*before[-1:], *(p for p in series if p[1] >= total - tenth)]

    def rate(points: list[tuple[float, int]]) -> float | None:
        (t0, n0), (t1, n1) = points[0], points[-1]
        return (n1 - n0) / (t1 - t0) if len(points) >= 2 and t1 > t0 else None

    return rate(head), rate(tail)


def measure(size: int, workdir: Path, home: Path, echo: bool) -> Point:
    portal = SamplePortal(portal_config(size))
    folder = workdir / f"n{size}"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "warehouse.duckdb"
    run, portal_cpu = backfill_portal(portal, folder, db, home, echo=echo)
    con = duckdb.connect(str(db), read_only=True)
    try:
        (pages,) = con.execute("SELECT count(*) FROM pages").fetchone() or (0,)
        listing_pages, listing_bytes = con.execute(
            "SELECT count(*), coalesce(avg(bytes), 0) FROM pages WHERE kind = 'listing'"
        ).fetchone() or (0, 0)
        (stored,) = con.execute("SELECT count(*) FROM articles").fetchone() or (0,)
    finally:
        con.close()
    began = run.flow_began or run.started
    in_flow = float(run.report["finished"]) - began
    first, last = progress_rates(run)
    discovered = run.first("Task run 'discover")
    progress = [t for t, line in run.lines if PROGRESS.search(line)]
    return Point(
        size,
        pages,
        stored,
        run.wall,
        in_flow,
        listing_pages,
        listing_bytes / 1024,
        discovered - began if discovered is not None else None,
        progress[-1] - discovered if discovered is not None and progress else None,
        first,
        last,
        run.maxrss_mb,
        portal_cpu,
        run.cpu,
    )


def _rate(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "n/a"


def format_phases(points: list[Point]) -> str:
    lines = [
        "| articles | listing pages | mean listing page KB | discover s | discover ms/listing page "
        "| articles s (fetch, parse, save) | ms/article there |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in points:
        per_page = (
            f"{1000 * p.discover / p.listing_pages:.0f}"
            if p.discover and p.listing_pages
            else "n/a"
        )
        per_article = f"{1000 * p.articles_phase / p.articles:.1f}" if p.articles_phase else "n/a"
        lines.append(
            f"| {p.articles} | {p.listing_pages} | {p.listing_kb:.0f} | {_rate(p.discover)} "
            f"| {per_page} | {_rate(p.articles_phase)} | {per_article} |"
        )
    return "\n".join(lines)


def format_points(points: list[Point]) -> str:
    lines = [
        "| articles | pages fetched | articles stored | wall s | ms/article (whole) "
        "| ms/article (in flow) | pages/s, first tenth | pages/s, last tenth "
        "| peak RSS MB (ingesting process) | CPU s (tree) | portal CPU s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in points:
        lines.append(
            f"| {p.articles} | {p.pages} | {p.stored} | {p.wall:.1f} | {p.per_article_ms:.1f} "
            f"| {p.in_flow_per_article_ms:.1f} | {_rate(p.first_rate)} | {_rate(p.last_rate)} "
            f"| {p.maxrss_mb:.0f} | {p.cpu:.1f} | {p.portal_cpu:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="1000,10000,50000",
        help="portal sizes, comma-separated (default 1000,10000,50000)",
    )
    parser.add_argument("--quick", action="store_true", help="sizes 300 and 1000")
    parser.add_argument("--keep", type=Path, help="keep the warehouses and logs here")
    parser.add_argument("--echo", action="store_true", help="echo the flows' logs to stderr")
    args = parser.parse_args(argv)
    sizes = [300, 1000] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    if len(sizes) < 2:
        parser.error("give at least two sizes")

    load_before = os.getloadavg()
    points = []
    with tempfile.TemporaryDirectory(prefix="bench-growth-") as tmp:
        workdir = args.keep or Path(tmp)
        home = workdir / "prefect"
        warm_prefect_home(home)
        for size in sizes:
            print(f"backfill of {size} articles ...", file=sys.stderr, flush=True)
            points.append(measure(size, workdir, home, args.echo))
            print(f"  {points[-1].wall:.1f} s", file=sys.stderr, flush=True)
    load_after = os.getloadavg()

    print(
        f"Backfills in fresh processes, concurrency 16, rate 0; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (2 cores).\n"
    )
    print(format_points(points))
    print("\nThe flow's two phases (from the arrival of its log lines):\n")
    print(format_phases(points))
    small, large = points[0], points[-1]
    whole = large.per_article_ms / small.per_article_ms
    in_flow = large.in_flow_per_article_ms / small.in_flow_per_article_ms
    rss = large.maxrss_mb / small.maxrss_mb
    print(
        f"\nTime per article, {large.articles} / {small.articles}: **{whole:.2f}** whole process, "
        f"**{in_flow:.2f}** in the flow (target <= 1.15: "
        f"{'met' if max(whole, in_flow) <= 1.15 else 'MISSED'})"
    )
    ok_rss = rss <= 1.2 and large.maxrss_mb < 600
    print(
        f"Peak RSS, {large.articles} / {small.articles}: **{rss:.2f}** "
        f"({large.maxrss_mb:.0f} MB at {large.articles}; target <= 1.2 and < 600 MB: "
        f"{'met' if ok_rss else 'MISSED'})"
    )
    if large.first_rate and large.last_rate:
        print(
            f"Within the {large.articles} run: {large.first_rate:.1f} pages/s over the first "
            f"tenth, {large.last_rate:.1f} over the last "
            f"({large.last_rate / large.first_rate:.2f} x)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
