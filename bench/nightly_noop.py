"""The nightly run when nothing changed: how many requests, and how long.

    python -m bench.nightly_noop [--articles 1000] [--quick] [--profile]

A sample portal of ``--articles`` articles (over max(90, N // 20) days up to 2026-11-20)
is served from a thread of this process, so that its request log (``portal.requests``)
can be read: the sample portal's command line does not expose it. A backfill of the
whole portal fills a fresh warehouse, then ``flows.nightly.nightly(sources=["sample"])``
runs in a fresh process (``bench.portal_process``, warmed Prefect home) while the portal
is unchanged. Its requests are counted by kind (robots.txt, listing pages answered 200
or 304, article pages) and per listing, and its wall time is split: the Prefect
start-up (process start to the flow's "Beginning flow run" line; and, for reference,
``python -c "import prefect; from flows.nightly import nightly"`` in a fresh process),
the flow itself, and the exit. With ``--profile`` the nightly process runs under py-spy
(as in ``bench.crawl``) and the parts and frames of its samples are printed too.

The source has the portal's home page as its ``front`` page (as ``sources.yaml`` has it):
a nightly run reads it first, and when it shows no article the warehouse lacks, walks
no listing. Target: at most robots.txt and the front page for the source, no listing
page and no article page (but retries of recorded failures).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb

from bench.crawl import format_frames, format_processes, read_profile
from bench.portal_process import (
    LISTINGS,
    ROOT,
    flow_command,
    portal_config,
    prefect_env,
    py_spy,
    run_flow,
    warm_prefect_home,
    write_sources,
)
from sample_portal import SamplePortal
from sample_portal.portal import RequestRecord

IMPORT_ONLY = "import prefect; from flows.nightly import nightly"
FRONT = "/"  # the sample portal's home page: every listing's newest titles


@dataclass(slots=True)
class Tally:
    """The requests of one run, by kind and per listing."""

    kinds: Counter[str] = field(default_factory=Counter)
    listings: dict[str, Counter[str]] = field(default_factory=dict)
    article_paths: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def tally(requests: list[RequestRecord]) -> Tally:
    result = Tally(listings={path: Counter() for path in LISTINGS})
    for _, _method, target, status in requests:
        parts = urlsplit(target)
        if parts.path == "/robots.txt":
            result.kinds["robots.txt"] += 1
        elif parts.path == FRONT:
            result.kinds[f"front page answered {status}"] += 1
        elif parts.path in result.listings:
            kind = f"listing pages answered {status}"
            result.kinds[kind] += 1
            page = parse_qs(parts.query).get("_101_cur", ["1"])[-1]
            result.listings[parts.path][f"page {page}: {status}"] += 1
        elif "/-/asset_publisher/" in parts.path:
            result.kinds[f"article pages ({status})"] += 1
            result.article_paths.append((target, status))
        else:
            result.kinds[f"other ({status})"] += 1
    return result


def failed_urls(db: Path) -> set[str]:
    """The URLs the warehouse records as failures (the nightly run may retry them)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {url for (url,) in con.execute("SELECT url FROM failures").fetchall()}
    finally:
        con.close()


def import_seconds(env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", IMPORT_ONLY], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.nightly_noop", description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="200 articles")
    parser.add_argument("--keep", type=Path, help="keep the warehouse and logs here")
    parser.add_argument("--echo", action="store_true", help="echo the flows' logs to stderr")
    parser.add_argument("--profile", action="store_true", help="run the nightly under py-spy")
    args = parser.parse_args(argv)
    count = 200 if args.quick else args.articles
    if args.profile and py_spy() is None:
        parser.error("--profile needs py-spy")

    portal = SamplePortal(portal_config(count))
    with (
        tempfile.TemporaryDirectory(prefix="bench-nightly-") as tmp,
        portal.serve() as base_url,
    ):
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        home = workdir / "prefect"
        warm_prefect_home(home)
        env = prefect_env(home)
        sources = write_sources(workdir / "sources.yaml", base_url, portal, front=FRONT)
        db = workdir / "warehouse.duckdb"
        print(f"backfill of {count} articles ...", file=sys.stderr, flush=True)
        report = workdir / "backfill.json"
        command = flow_command(
            "backfill", db, sources, report, date_from=portal.start, date_to=portal.end
        )
        backfill = run_flow(command, env, report, echo=args.echo)
        if backfill.returncode != 0:
            raise SystemExit(f"the backfill failed:\n{backfill.tail()}")
        backfill_requests = tally(portal.requests)
        failed = failed_urls(db)
        imports = import_seconds(env)
        portal.clear_requests()
        print("nightly run ...", file=sys.stderr, flush=True)
        report = workdir / "nightly.json"
        raw = workdir / "nightly.pyspy.txt" if args.profile else None
        command = flow_command("nightly", db, sources, report)
        nightly = run_flow(command, env, report, profile=raw, echo=args.echo)
        profile = None
        if raw is not None and raw.exists():
            with raw.open(encoding="utf-8", errors="replace") as f:
                profile = read_profile(f)
        requests = portal.requests
        (workdir / "nightly.log").write_text(
            "".join(f"{t - nightly.started:9.3f} {line}\n" for t, line in nightly.lines),
            encoding="utf-8",
        )
        if nightly.returncode != 0 or not nightly.report:
            raise SystemExit(f"the nightly run failed:\n{nightly.tail()}")

    counted = tally(requests)
    print(
        f"Portal: {count} articles over {portal.config.days} days, 3 listings; the backfill "
        f"sent {backfill_requests.total} requests in {backfill.wall:.1f} s. "
        f"Nightly result: {nightly.report['result'].get('per_source')}\n"
    )
    print("Requests of the nightly run, by kind:\n")
    print("| kind | requests |")
    print("|---|---|")
    for kind, n in sorted(counted.kinds.items()):
        print(f"| {kind} | {n} |")
    print(f"| total | {counted.total} |")
    print("\nPer listing:\n")
    print("| listing | requests | answers |")
    print("|---|---|---|")
    for path, answers in counted.listings.items():
        shown = ", ".join(f"{k} x{n}" for k, n in sorted(answers.items())) or "none"
        print(f"| {path} | {sum(answers.values())} | {shown} |")
    retries = [(t, st) for t, st in counted.article_paths if base_url + t in failed]
    if counted.article_paths:
        print("\nArticle pages requested:\n")
        for target, status in counted.article_paths:
            index = next((a.index for a in portal.articles if a.path == target), None)
            why = (
                "a retry of a failure the backfill recorded" if (target, status) in retries else "?"
            )
            print(f"- article index {index} -> {status}: {why} (`{target}`)")

    listing_ok = all(not answers for answers in counted.listings.values())
    limit = 2
    other = counted.total - len(retries)
    ok = other <= limit and listing_ok and len(counted.article_paths) == len(retries)
    print(
        f"\nTarget: <= {limit} requests (robots.txt, then the front page) besides retries "
        f"of recorded failures, no listing page and no other article page: "
        f"{'met' if ok else 'MISSED'} ({other} requests, plus "
        f"{len(retries)} retries; retry_backoff is 0 in the sources file, so failures are "
        f"due again at once)."
    )

    report = nightly.report
    began = nightly.flow_began
    finished = float(report["finished"])
    rows = [
        (
            "interpreter start and the child's own imports",
            report["began_imports"] - nightly.started,
        ),
        (
            "`from flows.nightly import nightly` (Prefect, flows)",
            report["imported"] - report["began_imports"],
        ),
    ]
    server = nightly.first("Starting temporary server")
    if began is not None and server is not None and report["imported"] <= server <= began:
        rows += [
            ("the flow call to 'Starting temporary server'", server - report["imported"]),
            ("'Starting temporary server' to 'Beginning flow run'", began - server),
        ]
    elif began is not None:
        rows.append(
            (
                "the flow call to 'Beginning flow run' (temporary Prefect server, flow run)",
                began - report["imported"],
            )
        )
    if began is not None:
        rows += [
            ("'Beginning flow run' to the flow's return (the work)", finished - began),
        ]
    rows.append(("the flow's return to process exit (server stop)", nightly.ended - finished))
    print("\nWall time of the nightly run:\n")
    print("| part | s | share |")
    print("|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} | {100 * seconds / nightly.wall:.0f} % |")
    print(f"| whole process | {nightly.wall:.2f} | 100 % |")
    print(
        f"\nPeak RSS of the nightly process: {nightly.maxrss_mb:.0f} MB (the backfill's: "
        f"{backfill.maxrss_mb:.0f} MB)."
    )
    if profile is not None and profile.total:
        print("\nThe nightly process under py-spy (its times above include py-spy's cost):\n")
        print(format_processes(profile))
        print()
        print(format_frames(profile, 20))
    if began is not None:
        startup = began - nightly.started
        print(
            f"\nPrefect start-up (process start to 'Beginning flow run'): **{startup:.2f} s**, "
            f"{100 * startup / nightly.wall:.0f} % of the run. For reference, "
            f"`{IMPORT_ONLY}` alone in a fresh process: {imports:.2f} s."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
