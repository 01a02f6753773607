"""A backfill's cost against the length of its range: many years against one, same portal.

    python -m bench.backfill_span [--articles 18] [--years 27] [--rounds 3] [--quick]
                                  [--keep DIR] [--echo] [--profile]

The sample portal serves ``--articles`` articles, all dated within the one year that ends
on 2026-11-20 (``days=365``), from a process of its own (``python -m bench.backfill_span
serve-portal``, so that its CPU time is not counted), with no faulty page
(``malformed=()``, ``missing=()``): every day of a range can then end ``success`` in the
ledger. Two backfills run through the command line, as a user runs them::

    python -m bulletin.cli backfill --db DB --sources FILE --source sample --from D1 --to D2

- **1 year**: D1 = 2025-11-21, D2 = 2026-11-20 (the portal's own span, 365 days);
- **N years** (``--years``, 27): D1 = 1999-11-21, same D2 (9,862 days): the same articles,
  and 26 years of days with none.

Each backfill is a fresh process (the embedded temporary Prefect server included) into a
fresh DuckDB file, with a Prefect home used once before (``warm_prefect_home``), as on a
machine that has run flows. The two alternate, ``--rounds`` times (the machine is noisy),
and the medians are compared. Wall time is from ``Popen`` to the child's exit; CPU time is
the user plus system time ``os.wait4`` returns for the child, which includes the
descendants it waited for (the temporary Prefect server, the parsing processes, the
reaper): the delta of ``getrusage(RUSAGE_CHILDREN)`` over the run. The wall time is split
by the flow's log lines, stamped on arrival: start-up (to "Beginning flow run"),
discovery (to the discover task's end) and after discovery (to the flow's "Finished in
state"), the rest being the wind-down.

Then, on each N-year warehouse, the ledger must answer for every day of the range:
``bulletin backfill --status --format json`` lists one row per day (D2 - D1 + 1 rows, each
day once) and ``bulletin gaps`` lists no day (its summary line on stderr says "0 of T
days"). The scenario fails when it does not; the ratio N years / 1 year (target ≤ 1.5) is
reported, not enforced.

With ``--profile``, one more N-year backfill runs under ``python -m cProfile`` (the main
thread only: the flow, its ledger writes and its progress reports; not the parse tasks'
threads) and the top entries of our code (``flows/``, ``storage/``) are printed, by
cumulative time and by number of calls.

``--quick``: 6 articles, 5 years against 1, one round.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench.portal_process import (
    END,
    ROOT,
    WARM_UP,
    ChildRun,
    PortalProcess,
    prefect_env,
    run_logged,
    write_sources,
)

TARGET = 1.5  # N-year run / 1-year run
SOURCE = "sample"
GAPS_LINE = re.compile(r": (\d+) of (\d+) days from (\S+) to (\S+) have no successful run")
OUR_CODE = ("flows", "storage")  # the packages whose functions the profile lists
# On a loaded machine the temporary Prefect server can take longer than Prefect's default
# to answer (its start-up then fails the run): a limit, not a cost.
STARTUP_TIMEOUT = "300"


def child_env(home: Path) -> dict[str, str]:
    """``prefect_env`` (its own Prefect home, the temporary server), and more time for
    that server to start."""
    env = prefect_env(home)
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", STARTUP_TIMEOUT)
    return env


def warm_prefect_home(env: dict[str, str]) -> float:
    """One empty flow run in the Prefect home of ``env`` (``bench.portal_process``'s
    warm-up, with ``env``); the seconds it took."""
    Path(env["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", WARM_UP], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"the Prefect warm-up failed:\n{done.stderr[-3000:]}")
    return time.monotonic() - started


def years_before(end: date, years: int) -> date:
    """The first day of the ``years``-year range that ends on ``end`` (both included)."""
    try:
        back = end.replace(year=end.year - years)
    except ValueError:  # 29 February, in a year that has none
        back = end.replace(year=end.year - years, day=28)
    return back + timedelta(days=1)


# -- the portal, in a process of its own and with no faulty page ---------------------------


def _serve(argv: Sequence[str]) -> int:
    """``python -m bench.backfill_span serve-portal``: the sample portal, no faults."""
    from sample_portal import PortalConfig
    from sample_portal.server import serve_forever

    parser = argparse.ArgumentParser(prog="python -m bench.backfill_span serve-portal")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--days", type=int, required=True)
    parser.add_argument("--end", type=date.fromisoformat, required=True)
    args = parser.parse_args(argv)
    config = PortalConfig(count=args.count, days=args.days, end=args.end, malformed=(), missing=())
    serve_forever(config, "127.0.0.1", 0)
    return 0


def served_portal(count: int, days: int, end: date) -> PortalProcess:
    """The portal child (``serve-portal``) for the life of a ``with`` block."""
    command = [sys.executable, "-m", "bench.backfill_span", "serve-portal"]
    command += ["--count", str(count), "--days", str(days), "--end", end.isoformat()]
    return PortalProcess(count, command)


# -- one backfill, measured ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measured:
    """One backfill through the CLI, as the parent saw it."""

    label: str
    round: int
    days: int
    wall: float
    cpu: float  # the CLI process and the descendants it waited for
    startup: float | None  # process start to "Beginning flow run"
    discovery: float | None  # "Beginning flow run" to the discover task's end
    after_discovery: float | None  # the discover task's end to the flow's end
    portal_cpu: float
    summary: str


def run_child(command: list[str], env: dict[str, str], echo: bool = False) -> ChildRun:
    """Run ``command`` to its end (``bench.portal_process.run_logged``)."""
    run = ChildRun(time.monotonic())
    run_logged(command, env, run, echo)
    return run


def backfill_command(db: Path, sources: Path, first: date, last: date) -> list[str]:
    command = [sys.executable, "-m", "bulletin.cli", "backfill", "--db", str(db)]
    command += ["--sources", str(sources), "--source", SOURCE]
    return command + ["--from", first.isoformat(), "--to", last.isoformat()]


def measure(
    label: str,
    round_: int,
    portal: PortalProcess,
    sources: Path,
    db: Path,
    first: date,
    last: date,
    env: dict[str, str],
    echo: bool,
) -> Measured:
    """Backfill ``first`` to ``last`` into the fresh ``db``; raises when the CLI fails."""
    if db.exists():
        raise RuntimeError(f"{db} exists: each backfill gets a fresh warehouse")
    portal_before = portal.cpu()
    run = run_child(backfill_command(db, sources, first, last), env, echo)
    portal_cpu = portal.cpu() - portal_before
    db.with_suffix(".log").write_text(
        "".join(f"{t - run.started:9.3f} {line}\n" for t, line in run.lines), encoding="utf-8"
    )
    if run.returncode != 0:
        raise RuntimeError(f"the {label} backfill failed (exit {run.returncode}):\n{run.tail(40)}")
    began = run.first("Beginning flow run")
    discovered = run.first("Task run 'discover", "Finished in state")
    flow_end = run.first("Flow run '", "Finished in state")
    summary = next((line for _, line in run.lines if line.startswith("backfill run ")), "")
    return Measured(
        label,
        round_,
        (last - first).days + 1,
        run.wall,
        run.waited_cpu,
        began - run.started if began is not None else None,
        discovered - began if discovered is not None and began is not None else None,
        flow_end - discovered if flow_end is not None and discovered is not None else None,
        portal_cpu,
        summary,
    )


# -- the ledger, after the long backfill ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    rows: int
    distinct_days: int
    statuses: dict[str, int]
    gaps_listed: int
    gaps_line: str
    status_seconds: float
    gaps_seconds: float
    problems: list[str]


def cli(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bulletin.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done, time.monotonic() - started


def check_ledger(
    db: Path, sources: Path, first: date, last: date, env: dict[str, str]
) -> LedgerCheck:
    """``backfill --status`` and ``gaps`` over ``first`` to ``last``: every day there,
    none missing."""
    span = (last - first).days + 1
    problems: list[str] = []
    dates = ["--from", first.isoformat(), "--to", last.isoformat()]
    status, status_seconds = cli(
        ["backfill", "--status", "--db", str(db), "--source", SOURCE, *dates, "--format", "json"],
        env,
    )
    rows: list[dict[str, object]] = []
    if status.returncode != 0:
        problems.append(f"backfill --status exited {status.returncode}: {status.stderr.strip()}")
    else:
        try:
            rows = json.loads(status.stdout)
        except json.JSONDecodeError as exc:
            problems.append(f"backfill --status printed no JSON array ({exc})")
    days = {str(row.get("day")) for row in rows}
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[str(row.get("status"))] = statuses.get(str(row.get("status")), 0) + 1
    if not problems and (len(rows) != span or len(days) != span):
        problems.append(
            f"backfill --status lists {len(rows)} rows ({len(days)} distinct days), expected {span}"
        )
    if rows and (min(days) != first.isoformat() or max(days) != last.isoformat()):
        problems.append(f"backfill --status spans {min(days)} to {max(days)}")

    gaps, gaps_seconds = cli(
        ["gaps", "--db", str(db), "--sources", str(sources), "--source", SOURCE, *dates], env
    )
    listed = [line for line in gaps.stdout.splitlines() if line.strip()]
    line = next((x for x in gaps.stderr.splitlines() if GAPS_LINE.search(x)), "")
    if gaps.returncode != 0:
        problems.append(f"gaps exited {gaps.returncode}: {gaps.stderr.strip()}")
    elif not line:
        problems.append(f"gaps printed no summary line: {gaps.stderr.strip()!r}")
    else:
        match = GAPS_LINE.search(line)
        assert match is not None
        missing, total = int(match[1]), int(match[2])
        if missing != 0 or listed:
            problems.append(f"gaps lists {missing} missing days ({len(listed)} printed)")
        if total != span:
            problems.append(f"gaps counts {total} days in the range, expected {span}")
    return LedgerCheck(
        len(rows),
        len(days),
        statuses,
        len(listed),
        line.strip(),
        status_seconds,
        gaps_seconds,
        problems,
    )


# -- the profile ---------------------------------------------------------------------------


def profile_backfill(
    prof: Path, db: Path, sources: Path, first: date, last: date, env: dict[str, str]
) -> float:
    """The backfill under ``python -m cProfile -o prof``; its wall time."""
    command = backfill_command(db, sources, first, last)
    command[1:3] = ["-m", "cProfile", "-o", str(prof), "-m", "bulletin.cli"]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not prof.exists():
        raise RuntimeError(f"the profiled backfill failed ({done.returncode}):\n{done.stderr}")
    return time.monotonic() - started


def ours(filename: str) -> str | None:
    """``filename`` relative to the project when it is in one of ``OUR_CODE``."""
    try:
        relative = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    return str(relative) if relative.parts and relative.parts[0] in OUR_CODE else None


def format_profile(prof: Path, top: int = 25) -> str:
    """The top entries of our code in the profile ``prof``, as markdown."""
    import pstats

    stats = pstats.Stats(str(prof))
    entries = []
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (primitive, calls, tottime, cumtime, _) in raw.items():
        where = ours(filename)
        if where is not None:
            entries.append((cumtime, tottime, calls, primitive, f"{where}:{line}({name})"))
    total = max((cum for cum, *_ in entries), default=0.0)

    out: list[str] = []

    def table(rows: list[tuple[float, float, int, int, str]]) -> None:
        out.append("| function | calls | own s | cumulative s |")
        out.append("|---|---|---|---|")
        for cum, tot, calls, primitive, where in rows:
            shown = f"{calls}" if calls == primitive else f"{calls} ({primitive} primitive)"
            out.append(f"| `{where}` | {shown} | {tot:.3f} | {cum:.3f} |")

    out.append(f"Our code (flows/, storage/), main thread, top {top} by cumulative time:\n")
    table(sorted(entries, reverse=True)[:top])
    out.append("\n... and the 10 most called:\n")
    table(sorted(entries, key=lambda e: (e[2], e[0]), reverse=True)[:10])
    out.append(
        f"\n(The largest cumulative time of our code: {total:.2f} s. cProfile counts a "
        "generator once per resumption: a `with writing(...)` block is 2 calls of `writing` "
        "and of `_opened`, 1 of `connect`. DuckDB's own calls are not listed apart: their "
        "time is the own time of the function that makes them.)"
    )
    return "\n".join(out)


# -- the scenario --------------------------------------------------------------------------


def median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["serve-portal"]:
        return _serve(args_in[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bench.backfill_span",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=18, help="articles in the portal")
    parser.add_argument("--years", type=int, default=27, help="the long range, in years")
    parser.add_argument("--rounds", type=int, default=3, help="1-year and N-year runs each")
    parser.add_argument("--quick", action="store_true", help="6 articles, 5 years, one round")
    parser.add_argument("--keep", type=Path, help="keep the warehouses and logs here")
    parser.add_argument("--echo", action="store_true", help="echo the backfills' output")
    parser.add_argument(
        "--profile", action="store_true", help="one more N-year backfill under cProfile"
    )
    args = parser.parse_args(args_in)
    if args.quick:
        args.articles, args.years, args.rounds = 6, 5, 1
    if args.years < 1 or args.rounds < 1:
        parser.error("--years and --rounds must be at least 1")

    from sample_portal import PortalConfig, SamplePortal

    last = END
    short_from, long_from = years_before(last, 1), years_before(last, args.years)
    days = (last - short_from).days + 1
    # the portal's articles all within the one year: its first day is the short range's
    config = PortalConfig(count=args.articles, days=days, end=last, malformed=(), missing=())
    portal = SamplePortal(config)
    assert portal.start == short_from, (portal.start, short_from)
    long_label = f"{args.years} years"
    runs = [("1 year", short_from), (long_label, long_from)]

    measured: list[Measured] = []
    checks: list[LedgerCheck] = []
    with tempfile.TemporaryDirectory(prefix="bench-backfill-span-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        env = child_env(workdir / "prefect")
        try:
            warmed = warm_prefect_home(env)
        except RuntimeError as exc:
            print(f"bench.backfill_span: {exc}", file=sys.stderr)
            return 1
        print(
            f"Portal: {args.articles} articles dated {portal.start} to {portal.end}, no faulty "
            f"page; Prefect home warmed in {warmed:.1f} s. Ranges: 1 year {short_from} to "
            f"{last} ({days} days), {long_label} {long_from} to {last} "
            f"({(last - long_from).days + 1} days); {args.rounds} round(s), alternating.",
            flush=True,
        )
        with served_portal(args.articles, days, last) as served:
            sources = write_sources(workdir / "sources.yaml", served.base_url, portal)
            for k in range(1, args.rounds + 1):
                order = runs if k % 2 else runs[::-1]  # who goes first alternates
                for label, first in order:
                    print(f"round {k}: {label} ...", file=sys.stderr, flush=True)
                    tag = "long" if first == long_from else "short"
                    db = workdir / f"round{k}-{tag}.duckdb"
                    try:
                        m = measure(label, k, served, sources, db, first, last, env, args.echo)
                    except RuntimeError as exc:  # the CLI failed: its output says why
                        print(f"bench.backfill_span: {exc}", file=sys.stderr)
                        return 1
                    measured.append(m)
                    print(
                        f"round {k}: {label}: {m.wall:.1f} s wall, {m.cpu:.1f} s CPU",
                        file=sys.stderr,
                        flush=True,
                    )
                    if tag == "long":
                        checks.append(check_ledger(db, sources, first, last, env))
            profiled = ""
            if args.profile:
                prof = workdir / "long.prof"
                print(f"{long_label} under cProfile ...", file=sys.stderr, flush=True)
                try:
                    wall = profile_backfill(
                        prof, workdir / "profiled.duckdb", sources, long_from, last, env
                    )
                except RuntimeError as exc:
                    print(f"bench.backfill_span: {exc}", file=sys.stderr)
                    return 1
                profiled = (
                    f"\nThe {long_label} backfill under `python -m cProfile` ({wall:.1f} s wall, "
                    f"with --keep, {prof.name} is kept). {format_profile(prof)}"
                )

    print("\nEach backfill, through `python -m bulletin.cli backfill` (seconds):\n")
    print(
        "| round | range | days | wall | CPU | start-up | discovery | after discovery "
        "| portal CPU |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for m in measured:
        print(
            f"| {m.round} | {m.label} | {m.days} | {m.wall:.2f} | {m.cpu:.2f} "
            f"| {fmt(m.startup)} | {fmt(m.discovery)} | {fmt(m.after_discovery)} "
            f"| {m.portal_cpu:.2f} |"
        )
    print(f"\nSummary line of the last run: {measured[-1].summary}")

    def med(label: str, attr: str) -> float | None:
        return median([getattr(m, attr) for m in measured if m.label == label])

    print(f"\nMedians over {args.rounds} round(s), and {long_label} / 1 year:\n")
    print(f"| measure | 1 year | {long_label} | ratio |")
    print("|---|---|---|---|")
    ratios: dict[str, float | None] = {}
    for attr, name in (
        ("wall", "wall"),
        ("cpu", "CPU"),
        ("startup", "start-up"),
        ("discovery", "discovery"),
        ("after_discovery", "after discovery"),
    ):
        short, long = med("1 year", attr), med(long_label, attr)
        ratios[attr] = ratio(long, short)
        print(f"| {name} | {fmt(short)} | {fmt(long)} | {fmt(ratios[attr])} |")

    print(f"\nLedger of the {long_label} warehouse(s), {(last - long_from).days + 1} days:\n")
    failed = False
    for k, check in enumerate(checks, 1):
        verdict = "ok" if not check.problems else "FAILED: " + "; ".join(check.problems)
        print(
            f"- round {k}: `backfill --status` {check.rows} rows ({check.distinct_days} "
            f"distinct days, {check.statuses}) in {check.status_seconds:.2f} s; `gaps` "
            f"listed {check.gaps_listed} in {check.gaps_seconds:.2f} s "
            f"({check.gaps_line!r}): {verdict}"
        )
        failed = failed or bool(check.problems)

    met = []
    for attr, name in (("wall", "wall"), ("cpu", "CPU")):
        value = ratios[attr]
        verdict = "met" if value is not None and value <= TARGET else "MISSED"
        met.append(f"{name} {fmt(value)} ({verdict})")
    print(f"\nTarget: {long_label} / 1 year ≤ {TARGET}: " + ", ".join(met) + ".")
    print(f"Ledger answers for every day of the range: {'no' if failed else 'yes'}.")
    if profiled:
        print(profiled)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
