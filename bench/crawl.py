"""End to end: our backfill flow against a bare asyncio crawler, same portal, same run.

    python -m bench.crawl [--articles 10000] [--concurrency 16] [--quick] [--no-profile]

The sample portal (``--articles`` articles over max(90, N // 20) days up to 2026-11-20)
is served by ``python -m sample_portal`` in a process of its own, started afresh
for each side so that each side's portal CPU time is its own (/proc/<pid>/stat).

- **bare**: a script of this module, in a fresh process: ``httpx.AsyncClient`` with an
  ``asyncio.Semaphore`` of ``--concurrency``, every listing page (for parity with the
  discovery of ours) and every article of the portal's ground truth, each page parsed in
  the event loop (``parse_listing``, ``extract(..., profile="liferay-6.2")``), articles
  written as JSON lines. No Prefect, no DuckDB, no archive.
- **ours**: ``flows.backfill.backfill`` over the portal's whole date range into a fresh
  DuckDB file, in a fresh process (``bench.portal_process``), so that Prefect's start-up
  (imports, the temporary API server) is in its time; the Prefect home was used once
  before (``warm_prefect_home``), as on a machine that has run flows.

Ours is sampled with ``py-spy record --format raw --rate 200 --subprocesses
--nonblocking``; each sample goes to the part of the innermost frame that belongs to one:
parse (extractors, bs4, lxml, soupsieve), fetch (httpx, httpcore, h11, ssl, socket),
load (storage, duckdb, pyarrow), orchestration (prefect, anyio, pydantic, sqlalchemy,
asyncio, and the temporary server's uvicorn, starlette, fastapi, aiosqlite), else other.
The shares of samples are applied to the CPU time the process tree measured of itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from bench.portal_process import (
    ROOT,
    FlowRun,
    PortalProcess,
    backfill_portal,
    phases,
    portal_config,
    py_spy,
    warm_prefect_home,
)
from bench.rss import peak_rss_kb
from sample_portal import SamplePortal
from sample_portal.urls import listing_path

PROFILE = "liferay-6.2"
PARTS = ("portal", "fetch", "parse", "load", "orchestration", "other")
# Top-level package (or stdlib module file) of a frame's file -> part.
PACKAGES = {
    "extractors": "parse",
    "bs4": "parse",
    "lxml": "parse",
    "soupsieve": "parse",
    "httpx": "fetch",
    "httpcore": "fetch",
    "h11": "fetch",
    "ssl.py": "fetch",
    "socket.py": "fetch",
    "storage": "load",
    "duckdb": "load",
    "pyarrow": "load",
    "prefect": "orchestration",
    "anyio": "orchestration",
    "pydantic": "orchestration",
    "pydantic_core": "orchestration",
    "sqlalchemy": "orchestration",
    "asyncio": "orchestration",
    "uvicorn": "orchestration",
    "starlette": "orchestration",
    "fastapi": "orchestration",
    "aiosqlite": "orchestration",
}


# -- the bare crawler (runs in a child process) ----------------------------------------------


async def _crawl(plan: dict[str, list[str]], concurrency: int, out: Path) -> Counter[str]:
    import httpx

    from extractors import ExtractionError, extract, parse_listing

    counts: Counter[str] = Counter()
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with out.open("w", encoding="utf-8") as sink:
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:

            async def one(url: str, kind: str) -> None:
                async with semaphore:
                    response = await client.get(url)
                counts[kind] += 1
                if response.status_code != 200:
                    counts["http errors"] += 1
                    return
                content_type = response.headers.get("content-type")
                try:
                    if kind == "listing":
                        parse_listing(
                            response.content, url, profile=PROFILE, content_type=content_type
                        )
                    else:
                        article = extract(
                            response.content, url, profile=PROFILE, content_type=content_type
                        )
                        sink.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
                        counts["articles"] += 1
                except ExtractionError:
                    counts["extraction errors"] += 1

            await asyncio.gather(
                *(one(url, "listing") for url in plan["listings"]),
                *(one(url, "article") for url in plan["articles"]),
            )
    return counts


def _bare_child(plan_file: Path, concurrency: int, out: Path, report: Path) -> int:
    began = time.monotonic()
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    counts = asyncio.run(_crawl(plan, concurrency, out))
    own = resource.getrusage(resource.RUSAGE_SELF)
    report.write_text(
        json.dumps(
            {
                "began": began,
                "finished": time.monotonic(),
                "cpu_self": own.ru_utime + own.ru_stime,
                "peak_rss_kb": peak_rss_kb(),
                "counts": dict(counts),
            }
        ),
        encoding="utf-8",
    )
    return 0


def crawl_plan(portal: SamplePortal, base_url: str) -> dict[str, list[str]]:
    """Every listing page as the portal's pager links them, and every article URL."""
    listings = []
    for category in portal.categories:
        listings.append(base_url + category.path)
        per_page = portal.config.per_page
        for page in range(2, portal.page_count(category.slug) + 1):
            listings.append(base_url + listing_path(category, page, per_page))
    return {"listings": listings, "articles": [base_url + a.path for a in portal.articles]}


@dataclass(slots=True)
class Side:
    """One side of the comparison, as measured."""

    name: str
    wall: float
    cpu: float  # the side's process tree
    portal_cpu: float
    listing_pages: int
    article_pages: int
    articles: int
    maxrss_mb: float
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return self.listing_pages + self.article_pages


def run_bare(portal: SamplePortal, concurrency: int, workdir: Path) -> Side:
    with PortalProcess(portal.count) as served:
        plan = workdir / "bare-plan.json"
        plan.write_text(json.dumps(crawl_plan(portal, served.base_url)), encoding="utf-8")
        out, report = workdir / "bare.jsonl", workdir / "bare-report.json"
        command = [sys.executable, "-m", "bench.crawl", "--bare-child", str(plan)]
        command += ["--concurrency", str(concurrency), "--out", str(out), "--report", str(report)]
        portal_before = served.cpu()
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        portal_cpu = served.cpu() - portal_before
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("the bare crawler failed")
    counts = json.loads(report.read_text(encoding="utf-8"))
    tally = counts["counts"]
    return Side(
        "bare (httpx.AsyncClient + extract, JSON lines)",
        wall,
        usage.ru_utime + usage.ru_stime,
        portal_cpu,
        tally.get("listing", 0),
        tally.get("article", 0),
        tally.get("articles", 0),
        counts["peak_rss_kb"] / 1024,
    )


def run_ours(
    portal: SamplePortal, concurrency: int, workdir: Path, profile: Path | None, echo: bool
) -> tuple[Side, FlowRun]:
    home = workdir / "prefect"
    warm_prefect_home(home)
    db = workdir / "ours.duckdb"
    run, portal_cpu = backfill_portal(
        portal,
        workdir,
        db,
        home,
        concurrency=concurrency,
        profile=profile,
        echo=echo,
        log_name="ours.log",
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        kinds = dict(con.execute("SELECT kind, count(*) FROM pages GROUP BY kind").fetchall())
        (articles,) = con.execute("SELECT count(*) FROM articles").fetchone() or (0,)
    finally:
        con.close()
    side = Side(
        "ours (backfill flow, fresh process)",
        run.wall,
        run.cpu,
        portal_cpu,
        kinds.get("listing", 0),
        kinds.get("article", 0),
        articles,
        run.maxrss_mb,
    )
    return side, run


# -- the profile --------------------------------------------------------------------------


@dataclass(slots=True)
class Profile:
    """py-spy samples of ours: by part, by (process, part) and by deciding frame."""

    parts: Counter[str] = field(default_factory=Counter)
    by_process: Counter[tuple[str, str]] = field(default_factory=Counter)  # (process, part)
    frames: Counter[tuple[str, str]] = field(default_factory=Counter)  # (part, frame)

    @property
    def total(self) -> int:
        return sum(self.parts.values())

    @property
    def processes(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (process, _), n in self.by_process.items():
            counts[process] += n
        return counts


def _package(frame: str) -> str:
    """The package of a frame: "fetch (flows/crawling/client.py:150)" -> "flows",
    "recv_into (socket.py:9)" -> "socket.py"."""
    location = frame.rsplit(" (", 1)[-1]
    path = location.rsplit(":", 1)[0]
    return path.split("/", 1)[0] if "/" in path else path


def classify(frames: list[str]) -> tuple[str, str]:
    """The part of a stack (outermost frame first) and the frame that decided it."""
    for frame in reversed(frames):
        part = PACKAGES.get(_package(frame))
        if part is not None:
            return part, frame
    return "other", frames[-1] if frames else "(no Python frame)"


def _process(head: str) -> str:
    if "prefect.server" in head:
        return "Prefect server"
    if "multiprocessing" in head:
        return "parse workers"
    return "flow"


def read_profile(lines: Iterable[str]) -> Profile:
    """Parse py-spy's raw (collapsed stacks) output of ``--subprocesses``: each line is
    "process A;process B;...;frame;frame COUNT", processes outermost first."""
    profile = Profile()
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        process = "flow"
        while frames and frames[0].startswith("process "):
            process = _process(frames.pop(0))
        part, frame = classify(frames)
        n = int(count)
        profile.parts[part] += n
        profile.by_process[(process, part)] += n
        profile.frames[(part, frame)] += n
    return profile


# -- the report ---------------------------------------------------------------------------


def format_sides(sides: list[Side]) -> str:
    lines = [
        "| run | listing + article pages | articles stored | wall s | pages/s "
        "| CPU s (process tree) | CPU / wall | portal CPU s | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sides:
        lines.append(
            f"| {s.name} | {s.listing_pages} + {s.article_pages} | {s.articles} "
            f"| {s.wall:.1f} | {s.pages / s.wall:.1f} | {s.cpu:.1f} | {s.cpu / s.wall:.2f} "
            f"| {s.portal_cpu:.1f} | {s.maxrss_mb:.0f} |"
        )
    return "\n".join(lines)


def format_split(ours: Side, profile: Profile) -> str:
    seconds = {"portal": ours.portal_cpu}
    for part in PARTS[1:]:
        seconds[part] = ours.cpu * profile.parts[part] / profile.total if profile.total else 0.0
    total = sum(seconds.values())
    lines = ["| part | CPU s | share of all | share of ours |", "|---|---|---|---|"]
    for part in PARTS:
        own = f"{100 * seconds[part] / ours.cpu:.1f} %" if part != "portal" and ours.cpu else ""
        lines.append(
            f"| {part} | {seconds[part]:.1f} | {100 * seconds[part] / total:.1f} % | {own} |"
        )
    lines.append(f"| total | {total:.1f} | 100 % | |")
    return "\n".join(lines)


def format_processes(profile: Profile) -> str:
    processes = [p for p, _ in profile.processes.most_common()]
    lines = [
        "| part | " + " | ".join(processes) + " |",
        "|---|" + "---|" * len(processes),
    ]
    for part in PARTS[1:]:
        cells = [f"{100 * profile.by_process[(p, part)] / profile.total:.1f} %" for p in processes]
        lines.append(f"| {part} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_frames(profile: Profile, top: int = 15) -> str:
    lines = ["| part | innermost deciding frame | share of samples |", "|---|---|---|"]
    for (part, frame), n in profile.frames.most_common(top):
        lines.append(f"| {part} | `{frame}` | {100 * n / profile.total:.1f} % |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="1000 articles")
    parser.add_argument("--no-profile", action="store_true", help="do not run ours under py-spy")
    parser.add_argument("--keep", type=Path, help="keep the warehouse, outputs and profile here")
    parser.add_argument("--echo", action="store_true", help="echo the flow's log to stderr")
    parser.add_argument("--bare-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_child is not None:
        return _bare_child(args.bare_child, args.concurrency, args.out, args.report)
    count = 1000 if args.quick else args.articles
    profiling = not args.no_profile and py_spy() is not None

    portal = SamplePortal(portal_config(count))
    portal.articles  # noqa: B018 - generate the ground truth before any timing
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"bare crawler, {count} articles ...", file=sys.stderr, flush=True)
        bare = run_bare(portal, args.concurrency, workdir)
        print("ours (backfill flow) ...", file=sys.stderr, flush=True)
        raw = workdir / "ours.pyspy.txt" if profiling else None
        ours, run = run_ours(portal, args.concurrency, workdir, raw, args.echo)
        profile = None
        if raw is not None and raw.exists():
            with raw.open(encoding="utf-8", errors="replace") as f:
                profile = read_profile(f)
    load_after = os.getloadavg()[0]

    print(
        f"Portal: {count} articles over {portal.config.days} days "
        f"({portal.start} to {portal.end}), {portal.config.per_page} per listing page; "
        f"concurrency {args.concurrency}; {os.cpu_count()} cores, load average "
        f"{load_before:.1f} before and {load_after:.1f} after; ours "
        f"{'under py-spy' if profile is not None else 'not profiled'}.\n"
    )
    print(format_sides([bare, ours]))
    ratio = ours.wall / bare.wall
    verdict = "met" if ratio <= 1.0 else "MISSED"
    print(f"\nWall time, ours / bare: **{ratio:.2f}** (target <= 1.0: {verdict})")
    split = phases(run)
    if split is not None:
        in_flow = ours.wall - split.startup
        print(
            f"Ours without its start-up ({split.startup:.1f} s): {in_flow:.1f} s, "
            f"{in_flow / bare.wall:.2f} x bare"
        )
    print(
        f"Both cores? ours' process tree used {ours.cpu:.1f} CPU s in {ours.wall:.1f} s of "
        f"wall: {ours.cpu / ours.wall:.2f} cores on average "
        f"({'more' if ours.cpu > ours.wall else 'not more'} than one)."
    )
    if profile is not None:
        print(
            f"py-spy's own CPU time (sampling ours, on the same 2 cores): "
            f"{max(0.0, run.waited_cpu - run.cpu):.1f} s."
        )
    if profile is not None and profile.total:
        parse_cpu = ours.cpu * profile.parts["parse"] / profile.total
        workers = sum(n for (p, _), n in profile.by_process.items() if p == "parse workers")
        print(
            f"Parsing: {parse_cpu:.1f} CPU s = {parse_cpu / ours.wall:.2f} cores over ours' wall "
            f"time; {100 * workers / profile.total:.0f} % of ours' samples are in the parse "
            f"worker processes."
        )
        print(
            f"\nCPU split of ours (py-spy, {profile.total} samples: "
            + ", ".join(f"{k} {v}" for k, v in profile.processes.most_common())
            + "; the portal from /proc):\n"
        )
        print(format_split(ours, profile))
        print("\nShares of all samples, by process:\n")
        print(format_processes(profile))
        print("\nWhere the samples end (the frame that decided the part):\n")
        print(format_frames(profile))
    else:
        print("\n(no py-spy profile: run with py-spy installed for the CPU split)")
    if split is not None:
        print("\nWall time of ours by phase (from the arrival of the flow's log lines):\n")
        print("| phase | s | share |")
        print("|---|---|---|")
        for name, seconds in split.rows():
            print(f"| {name} | {seconds:.1f} | {100 * seconds / ours.wall:.1f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
