"""What the process-level benchmarks share: a sample portal in a process of its own, the
sources file that points at it, and a flow run in a fresh Python process, measured.

    python -m bench.portal_process flow backfill --db DB --sources FILE \\
        --from 2026-01-01 --to 2026-11-20 --report FILE
    python -m bench.portal_process flow nightly --db DB --sources FILE --report FILE

That command is the child that ``run_flow`` starts (for ``bench.crawl``,
``bench.growth`` and ``bench.nightly_noop``): it runs one real Prefect flow and writes a
JSON report of its own: when the imports and the flow started and ended (``time.monotonic``,
which is system-wide on Linux and so comparable with the parent's clock), the CPU time of
the process and of its descendants (the temporary Prefect server), and its own peak RSS
(``bench.rss``: its VmHWM, read before it exits; not ``ru_maxrss``, which carries the
parent's high-water mark across fork and exec). The parent adds the wall time from
``Popen`` to exit and the flow's log lines, each stamped on arrival.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.rss import peak_rss_kb

if TYPE_CHECKING:  # the flow child imports no more than the flow needs
    from sample_portal import PortalConfig, SamplePortal

ROOT = Path(__file__).resolve().parents[1]
END = date(2026, 11, 20)
LISTINGS = ("/tin-tuc-su-kien", "/kinh-te", "/van-hoa-xa-hoi")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def portal_days(count: int) -> int:
    """Days a portal of ``count`` articles spans: at least 90, about 20 articles a day."""
    return max(90, count // 20)


def portal_config(count: int) -> PortalConfig:
    from sample_portal import PortalConfig

    return PortalConfig(count=count, days=portal_days(count), end=END)


# -- CPU and memory of processes ------------------------------------------------------------


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User plus system CPU time of a live process, from /proc; with ``reaped``, plus
    that of the children it has waited for."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if reaped:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / CLOCK_TICKS


def descendants(pid: int) -> list[int]:
    """The live descendants of ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of the live descendants of ``pid`` and of the children they reaped (read
    it before they end: a descendant that ends unreaped by ``pid`` is lost)."""
    total = 0.0
    for child in descendants(pid):
        try:
            total += cpu_seconds(child, reaped=True)
        except OSError:
            pass
    return total


def _rusage_cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


# -- the portal in a process of its own -----------------------------------------------------


class PortalProcess:
    """``python -m sample_portal`` on a free port, for the life of a ``with`` block.

    ``base_url`` is read from the line it prints; ``cpu()`` is its CPU time so far.
    """

    def __init__(self, count: int, command: list[str] | None = None) -> None:
        self.count = count
        self.days = portal_days(count)
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""
        # Another server (one that prints the same first line) in place of the default.
        self.command = command or [
            *(sys.executable, "-m", "sample_portal", "--port", "0"),
            *("--count", str(count), "--end", END.isoformat(), "--days", str(self.days)),
        ]

    def __enter__(self) -> PortalProcess:
        command = self.command
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "Sample portal on URL (N articles)"
        if not line.startswith("Sample portal on "):
            self.__exit__()
            raise RuntimeError(f"the sample portal did not start: {line!r}")
        self.base_url = line.split()[3]
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)  # serve_forever stops on KeyboardInterrupt
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None


# -- the sources file ---------------------------------------------------------------------


SOURCES = """\
sources:
  - name: sample
    base_url: {base_url}
    profile: liferay-6.2
    listings: [{listings}]
    start_date: {start}
    allow_private: true
    rate: 0
    concurrency: {concurrency}
    max_pages: {max_pages}
    retry_backoff: 0
"""


def write_sources(
    path: Path,
    base_url: str,
    portal: SamplePortal,
    concurrency: int = 16,
    front: str | None = None,
) -> Path:
    """A sources file whose ``sample`` source reaches every listing page of ``portal``
    (with ``front`` as its front page, when given)."""
    max_pages = max(portal.page_count(c.slug) for c in portal.categories) + 5
    text = SOURCES.format(
        base_url=base_url,
        listings=", ".join(LISTINGS),
        start=portal.start.isoformat(),
        concurrency=concurrency,
        max_pages=max_pages,
    )
    path.write_text(text + (f"    front: {front}\n" if front else ""), encoding="utf-8")
    return path


# -- Prefect in a child process -------------------------------------------------------------


def prefect_env(home: Path) -> dict[str, str]:
    """The environment of a flow child: its own Prefect home, the embedded temporary
    server (no API URL), no analytics, unbuffered output so that log lines arrive when
    they are written."""
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PREFECT_API_URL", None)
    return env


WARM_UP = (
    "from prefect import flow\n"
    "@flow(name='warm-up')\n"
    "def warm_up() -> None:\n"
    "    return None\n"
    "warm_up()\n"
)


def warm_prefect_home(home: Path) -> float:
    """Create the Prefect home's database with one empty flow run, as a machine that has
    run flows before has it; returns the seconds it took."""
    home.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", WARM_UP],
        cwd=ROOT,
        env=prefect_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.monotonic() - started


def py_spy() -> str | None:
    """The py-spy executable beside this Python, or on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


@dataclass(slots=True)
class ChildRun:
    """A child process to its end, as the parent saw it: its output lines stamped on
    arrival, its exit status, and its wall and CPU time (``run_logged``)."""

    started: float  # time.monotonic() just before Popen
    ended: float = 0.0
    returncode: int = 0
    lines: list[tuple[float, str]] = field(default_factory=list)
    waited_cpu: float = 0.0  # CPU of the waited-for process and the descendants it waited for

    @property
    def wall(self) -> float:
        return self.ended - self.started

    def first(self, *parts: str) -> float | None:
        """When the first line containing every one of ``parts`` arrived."""
        return next((t for t, line in self.lines if all(p in line for p in parts)), None)

    def tail(self, n: int = 20) -> str:
        return "\n".join(line for _, line in self.lines[-n:])


def run_logged(command: list[str], env: dict[str, str], run: ChildRun, echo: bool = False) -> None:
    """Run ``command`` (stdout and stderr merged) to its end into ``run``; its CPU time
    is the ``os.wait4`` usage of the child (the same as the ``RUSAGE_CHILDREN`` delta;
    its ``ru_maxrss`` is no peak of the child's own: ``bench.rss``)."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    assert process.stdout is not None
    stdout = process.stdout

    def read() -> None:
        for line in stdout:
            run.lines.append((time.monotonic(), line.rstrip("\n")))
            if echo:
                print("    " + line.rstrip("\n"), file=sys.stderr, flush=True)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:  # interrupted: leave no child behind
        process.kill()
        process.wait()
        raise
    run.ended = time.monotonic()
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join(timeout=10)
    stdout.close()
    run.returncode = process.returncode
    run.waited_cpu = _rusage_cpu(usage)


@dataclass(slots=True)
class FlowRun(ChildRun):
    """One flow child (``flow_command``), as the parent saw it, with its own report."""

    command: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def cpu(self) -> float:
        """CPU of the flow process and its descendants (the temporary Prefect server)."""
        return float(self.report.get("cpu_self", 0.0)) + float(
            self.report.get("cpu_descendants", 0.0)
        )

    @property
    def maxrss_mb(self) -> float:
        """Peak RSS of the flow process itself (not of the Prefect server, nor of the
        process that started it), in MB: what it reported of itself (``bench.rss``)."""
        return int(self.report.get("peak_rss_kb", 0)) / 1024

    @property
    def flow_began(self) -> float | None:
        """When the flow's log said "Beginning flow run"."""
        return self.first("Beginning flow run")


def flow_command(
    flow: str,
    db: Path,
    sources: Path,
    report: Path,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[str]:
    command = [sys.executable, "-m", "bench.portal_process", "flow", flow]
    command += ["--db", str(db), "--sources", str(sources), "--report", str(report)]
    if date_from is not None and date_to is not None:
        command += ["--from", date_from.isoformat(), "--to", date_to.isoformat()]
    return command


def run_flow(
    command: list[str],
    env: dict[str, str],
    report: Path,
    *,
    profile: Path | None = None,
    echo: bool = False,
) -> FlowRun:
    """Run a flow child (``flow_command``) to its end, optionally under
    ``py-spy record --format raw --rate 200 --subprocesses --nonblocking``."""
    if profile is not None:
        spy = py_spy()
        if spy is None:
            raise RuntimeError("py-spy is not installed")
        command = [
            spy,
            "record",
            "--format",
            "raw",
            "--rate",
            "200",
            "--subprocesses",
            "--nonblocking",
            "-o",
            str(profile),
            "--",
            *command,
        ]
    run = FlowRun(time.monotonic(), command=command)
    run_logged(command, env, run, echo)
    if report.exists():
        run.report = json.loads(report.read_text(encoding="utf-8"))
    return run


def backfill_portal(
    portal: SamplePortal,
    folder: Path,
    db: Path,
    home: Path,
    *,
    concurrency: int = 16,
    profile: Path | None = None,
    echo: bool = False,
    log_name: str = "flow.log",
) -> tuple[FlowRun, float]:
    """Serve ``portal`` in a process of its own and backfill its whole range into ``db``
    in a fresh process; the run (its log kept in ``folder``) and the portal's CPU
    seconds. Raises RuntimeError, with the run's last lines, when the backfill fails."""
    report = folder / f"{db.stem}-report.json"
    with PortalProcess(portal.count) as served:
        sources = write_sources(folder / "sources.yaml", served.base_url, portal, concurrency)
        command = flow_command(
            "backfill", db, sources, report, date_from=portal.start, date_to=portal.end
        )
        before = served.cpu()
        run = run_flow(command, prefect_env(home), report, profile=profile, echo=echo)
        portal_cpu = served.cpu() - before
    (folder / log_name).write_text(
        "".join(f"{t - run.started:9.3f} {line}\n" for t, line in run.lines), encoding="utf-8"
    )
    if run.returncode != 0 or not run.report:
        raise RuntimeError(
            f"the backfill of {portal.count} articles failed ({run.returncode}):\n{run.tail()}"
        )
    return run, portal_cpu


@dataclass(frozen=True, slots=True)
class Phases:
    """The wall time of a flow child by phase, read from the flow's log: the time up to
    each "Task run '<name>-xyz' - Finished" line since the previous one goes to <name>.
    Where tasks overlap (parsing runs beside fetching) this is an approximation."""

    startup: float  # process start to "Beginning flow run": interpreter, imports, server
    tasks: dict[str, float]
    wind_down: float  # the last task's end to process exit

    def rows(self) -> list[tuple[str, float]]:
        return [
            ("start-up (process start to 'Beginning flow run')", self.startup),
            *((f"up to the end of a '{name}' task", s) for name, s in self.tasks.items()),
            ("wind-down (the last task's end to process exit)", self.wind_down),
        ]


def phases(run: FlowRun) -> Phases | None:
    """``run``'s wall time split by phase, or None when its log lacks the lines."""
    began = run.flow_began
    if began is None:
        return None
    mark = began
    tasks: dict[str, float] = {}
    for t, line in run.lines:
        if "Finished in state" not in line or "Task run '" not in line:
            continue
        name = line.split("Task run '", 1)[1].split("'", 1)[0].rsplit("-", 1)[0]
        tasks[name] = tasks.get(name, 0.0) + t - mark
        mark = t
    return Phases(began - run.started, tasks, run.ended - mark)


# -- the child ----------------------------------------------------------------------------


def _child(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.portal_process flow")
    parser.add_argument("flow", choices=("backfill", "nightly"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--sources", required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat)
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat)
    args = parser.parse_args(argv)

    began_imports = time.monotonic()
    result: dict[str, object]
    if args.flow == "backfill":
        from flows.backfill import backfill

        imported = time.monotonic()
        result = backfill(
            source="sample",
            date_from=args.date_from,
            date_to=args.date_to,
            db=args.db,
            sources_file=args.sources,
        )
    else:
        from flows.nightly import nightly

        imported = time.monotonic()
        result = nightly(sources=["sample"], db=args.db, sources_file=args.sources)
    finished = time.monotonic()
    own = resource.getrusage(resource.RUSAGE_SELF)
    report = {
        "began_imports": began_imports,
        "imported": imported,
        "finished": finished,
        "cpu_self": _rusage_cpu(own),
        # the temporary Prefect server is still alive here; it stops at exit
        "cpu_descendants": tree_cpu_seconds(os.getpid())
        + _rusage_cpu(resource.getrusage(resource.RUSAGE_CHILDREN)),
        "peak_rss_kb": peak_rss_kb(),
        "result": result,
    }
    args.report.write_text(json.dumps(report, default=str), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "flow":
        print(__doc__, file=sys.stderr)
        return 2
    return _child(args[1:])


if __name__ == "__main__":
    sys.exit(main())
