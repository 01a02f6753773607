"""Every benchmark scenario, in order: the one entry point (``make bench``).

    python -m bench [--only NAME ...] [--quick]

Each scenario is a module of this package with ``main(argv) -> int``; it prints its own
tables (see BENCHMARKS.md for what each measures). They run one after the other in this
process, and a summary says how each ended. ``--quick`` runs each at a small size
(``SCENARIOS`` lists the arguments it passes). The crawl, growth, nightly no-op and
reparse scenarios are imported when their turn comes, and skipped with a note while their
module is absent.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scenario:
    """A module of ``bench`` and the arguments that make it quick."""

    name: str
    quick: tuple[str, ...]
    optional: bool = False  # being written elsewhere: skipped while absent


SCENARIOS = (
    Scenario("extraction", ("--limit", "50")),
    Scenario("facts", ("--pages", "20", "--repeat", "1")),
    Scenario("nesting", ("--quick",)),
    Scenario("fault_matrix", ()),  # no smaller size: every fault, two runs each
    Scenario("load", ("--quick",)),
    Scenario("startup", ("--quick",)),
    Scenario("search", ("--quick",)),
    Scenario("crawl", ("--quick",), optional=True),
    Scenario("growth", ("--quick",), optional=True),
    Scenario("nightly_noop", ("--quick",), optional=True),
    Scenario("reparse", ("--quick",), optional=True),
    Scenario("backfill_span", ("--quick",), optional=True),
)
NAMES = [s.name for s in SCENARIOS]


def load_main(scenario: Scenario) -> Callable[[list[str] | None], int] | None:
    """The scenario's ``main``; None when an optional scenario's module is absent."""
    module_name = f"bench.{scenario.name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if scenario.optional and exc.name == module_name:
            return None
        raise
    main: Callable[[list[str] | None], int] = module.main
    return main


def run(scenario: Scenario, quick: bool) -> str:
    """Run one scenario; how it ended, for the summary."""
    try:
        main = load_main(scenario)
        if main is None:
            print(f"bench.{scenario.name}: not there yet (being written), skipped", flush=True)
            return "skipped: module absent"
        status = main(list(scenario.quick) if quick else [])
    except SystemExit as exc:  # argparse errors and the scenarios' own checks
        status = exc.code if isinstance(exc.code, int) else 1
        if not isinstance(exc.code, int) and exc.code is not None:
            print(exc.code, file=sys.stderr)
    except Exception:  # one broken scenario does not hide the others' figures
        traceback.print_exc()
        return "failed (error)"
    return "ok" if status == 0 else f"failed (exit {status})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", nargs="+", choices=NAMES, metavar="NAME", help=", ".join(NAMES))
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)

    chosen = [s for s in SCENARIOS if not args.only or s.name in args.only]
    summary = []
    for scenario in chosen:
        print(f"\n## bench.{scenario.name}\n", flush=True)
        started = time.perf_counter()
        outcome = run(scenario, args.quick)
        summary.append((scenario.name, outcome, time.perf_counter() - started))
        sys.stdout.flush()
    print("\n## Summary\n")
    print("| scenario | outcome | seconds |")
    print("|---|---|---|")
    for name, outcome, seconds in summary:
        print(f"| {name} | {outcome} | {seconds:.0f} |")
    return 1 if any(outcome.startswith("failed") for _, outcome, _ in summary) else 0


if __name__ == "__main__":
    raise SystemExit(main())
