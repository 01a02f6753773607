"""Start-up: wall time of everyday ``bulletin`` commands, against ``python -c pass``.

    python -m bench.startup [--repeat 7] [--quick]

Each command runs in a fresh subprocess of the installed ``bulletin`` console script
(next to ``sys.executable``), ``--repeat`` times; the commands take turns within each
round so that machine noise falls on all of them alike, and the figure is the median
(with the median CPU time of the process, which a busy machine inflates less).
``python -c pass`` (the interpreter's own start-up, site-packages included) is the
baseline in the same run. ``sql``, ``failures`` and ``backfill --status`` (measured once
``bulletin backfill --help`` offers it) read a small warehouse made first (40 articles, 3
failures); ``extract`` parses one sample-portal article page saved to a file. One more
run of each under ``-X importtime`` tells whether it imported Prefect (none may: see
``bulletin/cli/__init__.py``) and which top-level imports cost the most. Three kinds of
bad input to ``backfill`` (an unknown source, a reversed range, ``--batch-days 0``) must
be refused with exit 2 in under a second, before Prefect is imported.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

SQL_LABEL = 'bulletin sql "select 1"'
SQL_TARGET = 0.5  # seconds
REFUSED_LABELS = (
    "bulletin backfill --source nosuch (refused)",
    "bulletin backfill, --from after --to (refused)",
    "bulletin backfill --batch-days 0 (refused)",
)
REFUSED_TARGET = 1.0  # seconds, bad input refused before Prefect starts
PAGE_URL = "http://127.0.0.1:8765"


@dataclass(frozen=True, slots=True)
class Command:
    """One measured command: its label and its argv after the program."""

    label: str
    argv: tuple[str, ...]
    bulletin: bool = True  # run the console script, else the interpreter itself
    status: int = 0  # the exit status it must end with (2: bad input, refused)


@dataclass(frozen=True, slots=True)
class Imports:
    """What one run of a command imported (from ``-X importtime``)."""

    prefect: bool
    modules: int
    heaviest: tuple[tuple[str, float], ...]  # top-level imports, cumulative seconds


def make_warehouse(path: Path) -> None:
    """A small warehouse: 40 synthetic articles and 3 recorded failures."""
    from bench.load import synthetic_article
    from storage.records import Failure
    from storage.warehouse import connect, record_failures, save_articles

    con = connect(path)
    try:
        save_articles(con, "bench", [synthetic_article(i) for i in range(40)])
        record_failures(
            con,
            [
                Failure(f"{PAGE_URL}/tin-tuc/bai-{i}", "bench", "fetch", "503", 503)
                for i in range(3)
            ],
        )
    finally:
        con.close()


def make_page(path: Path) -> str:
    """One sample-portal article page written to ``path``; returns its URL."""
    from sample_portal import PortalConfig, SamplePortal
    from sample_portal.render import article_page

    portal = SamplePortal(PortalConfig(count=5, end=date(2026, 11, 20)))
    article = portal.articles[0]
    url = PAGE_URL + article.path
    path.write_text(article_page(article, url, portal.related(article)), encoding="utf-8")
    return url


def backfill_has_status(bulletin: Path) -> bool:
    """Whether ``bulletin backfill --help`` offers ``--status`` (being added)."""
    done = subprocess.run(
        [str(bulletin), "backfill", "--help"], capture_output=True, text=True, check=False
    )
    return "--status" in done.stdout


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: Command, bulletin: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one run; a failing command stops the benchmark."""
    started, cpu = time.perf_counter(), _children_cpu()
    program = str(bulletin) if command.bulletin else sys.executable
    done = subprocess.run([program, *command.argv], capture_output=True, check=False)
    seconds = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != command.status:
        raise SystemExit(
            f"bench.startup: {command.label} exited {done.returncode}: "
            + done.stderr.decode(errors="replace").strip()
        )
    return seconds


def imports(command: Command, bulletin: Path) -> Imports:
    """Run ``command`` once under ``-X importtime`` and read what it imported."""
    script = [str(bulletin)] if command.bulletin else []
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *script, *command.argv],
        capture_output=True,
        text=True,
        check=False,
    )
    names: list[str] = []
    top: list[tuple[str, float]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or line.rstrip().endswith("imported package"):
            continue
        _, cumulative, name = line.split("|", 2)
        names.append(name.strip())
        if not name.startswith("  "):  # a top-level import, not one nested in another
            top.append((name.strip(), int(cumulative) / 1e6))
    prefect = any(n == "prefect" or n.startswith("prefect.") for n in names)
    heaviest = tuple(sorted(top, key=lambda item: -item[1])[:3])
    return Imports(prefect, len(names), heaviest)


def commands(db: Path, page: Path, url: str, *, backfill_status: bool) -> list[Command]:
    """The measured commands, the baseline first."""
    found = [
        Command("python -c pass", ("-c", "pass"), bulletin=False),
        Command("bulletin --help", ("--help",)),
        Command(SQL_LABEL, ("sql", "--db", str(db), "select 1")),
        Command("bulletin extract PAGE", ("extract", str(page), "--url", url)),
        Command("bulletin failures", ("failures", "--db", str(db))),
    ]
    # `bulletin backfill --status` is being added by another change: measured when
    # `bulletin backfill --help` shows it (it reads the partitions ledger, empty here).
    if backfill_status:
        found.append(
            Command("bulletin backfill --status", ("backfill", "--status", "--db", str(db)))
        )
    # Bad input is refused before any run starts (exit 2, one line, no Prefect).
    backfill = ("backfill", "--db", str(db), "--source")
    found += [
        Command(
            REFUSED_LABELS[0],
            (*backfill, "nosuch", "--from", "2024-01-01", "--to", "2024-01-02"),
            status=2,
        ),
        Command(
            REFUSED_LABELS[1],
            (*backfill, "vonhai", "--from", "2024-02-01", "--to", "2024-01-01"),
            status=2,
        ),
        Command(
            REFUSED_LABELS[2],
            (
                *backfill,
                "vonhai",
                "--from",
                "2024-01-01",
                "--to",
                "2024-01-02",
                "--batch-days",
                "0",
            ),
            status=2,
        ),
    ]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.startup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command")
    parser.add_argument("--quick", action="store_true", help="3 runs of each command")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat

    bulletin = Path(sys.executable).parent / "bulletin"
    if not bulletin.exists():
        raise SystemExit(f"bench.startup: no {bulletin}: pip install -e . into this venv")
    from bench.load import machine

    print(f"Machine: {machine()}", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        db, page = Path(tmp) / "w.duckdb", Path(tmp) / "article.html"
        make_warehouse(db)
        url = make_page(page)
        has_status = backfill_has_status(bulletin)
        measured = commands(db, page, url, backfill_status=has_status)
        times: dict[str, list[float]] = {c.label: [] for c in measured}
        cpu: dict[str, list[float]] = {c.label: [] for c in measured}
        for c in measured:  # once, untimed: file caches warm for every command alike
            run(c, bulletin)
        for k in range(repeat):
            for c in measured[k % len(measured) :] + measured[: k % len(measured)]:
                wall, used = run(c, bulletin)
                times[c.label].append(wall)
                cpu[c.label].append(used)
        found = {c.label: imports(c, bulletin) for c in measured}

    print(f"Machine after: {machine()}", file=sys.stderr, flush=True)
    base = statistics.median(times[measured[0].label])
    print(f"\nWall time of one run, median of {repeat} (fresh processes, taking turns):\n")
    print(
        "| command | median s | min–max s | × `python -c pass` | median CPU s | imports prefect |"
    )
    print("|---|---|---|---|---|---|")
    for c in measured:
        t = times[c.label]
        median = statistics.median(t)
        prefect = "**yes**" if found[c.label].prefect else "no"
        print(
            f"| `{c.label}` | {median:.3f} | {min(t):.3f}–{max(t):.3f} | "
            f"{median / base:.1f} | {statistics.median(cpu[c.label]):.3f} | {prefect} |"
        )
    if not has_status:  # TODO: drop this note once `backfill --status` has shipped
        print("\n`bulletin backfill --status`: not measured, `backfill --help` has no --status.")
    print("\nHeaviest top-level imports (one run under -X importtime, cumulative):\n")
    for c in measured[1:]:
        heavy = ", ".join(f"{name} {s * 1000:.0f} ms" for name, s in found[c.label].heaviest)
        print(f"- `{c.label}` ({found[c.label].modules} modules): {heavy}")
    sql = statistics.median(times[SQL_LABEL])
    met = "met" if sql <= SQL_TARGET else "MISSED"
    print(f'\nTarget `bulletin sql "select 1"` ≤ {SQL_TARGET} s: {met} ({sql:.3f} s).')
    slowest = max(statistics.median(times[label]) for label in REFUSED_LABELS)
    met = "met" if slowest <= REFUSED_TARGET else "MISSED"
    print(f"Target: bad input refused in ≤ {REFUSED_TARGET} s: {met} (slowest {slowest:.3f} s).")
    bad = [c.label for c in measured if found[c.label].prefect]
    if bad:
        print(f"Prefect imported by: {', '.join(bad)}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
