"""Bad input is refused before Prefect starts: one line on stderr, ``bulletin <command>:
<message>``, exit 2, nothing on stdout.

Each case runs ``python -m bulletin.cli`` in a process of its own, in an empty folder,
with a poisoned ``prefect`` package first on the path: any import of Prefect raises
ImportError("prefect imported"), so a case that got as far as a flow would crash with a
traceback instead of its line. (How fast a refusal is belongs to the benchmarks, not
here.) Then ``main``'s mapping of exceptions to exit statuses, and that an unexpected
exception is not disguised as bad input.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import bulletin.cli as cli
from bulletin.errors import (
    QueryRefused,
    RunFailed,
    SourcesError,
    SourcesFailed,
    StorageError,
    UnhealthySources,
)
from flows.sources import PROFILE_NAMES, load_sources

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "sources.yaml"

GOOD = """\
sources:
  - name: a
    base_url: http://a.test
    listings: [/tin]
  - name: b
    base_url: http://b.test
    listings: [/tin]
    start_date: 2024-06-01
"""
BAD = {
    "no-base-url": "sources:\n  - name: s\n    listings: [/tin]\n",
    "unknown-profile": "sources:\n  - name: s\n    base_url: http://s.test\n"
    "    listings: [/tin]\n    profile: joomla\n",
    "negative-rate": "sources:\n  - name: s\n    base_url: http://s.test\n"
    "    listings: [/tin]\n    rate: -1\n",
    "nan-rate": "sources:\n  - name: s\n    base_url: http://s.test\n"
    "    listings: [/tin]\n    rate: .nan\n",
    "not-yaml": "sources: [\n",
}
BAD_MESSAGES = {
    "no-base-url": "source #1 (s): field 'base_url': required; an http(s) URL, got None",
    "unknown-profile": "source #1 (s): field 'profile': unknown profile 'joomla' "
    "(known: auto, liferay-6.1, liferay-6.2, box-news, vnexpress, generic)",
    "negative-rate": "source #1 (s): field 'rate': expected requests per second >= 0 "
    "(0: no limit), got -1",
    "nan-rate": "source #1 (s): field 'rate': expected requests per second >= 0 "
    "(0: no limit), got nan",
    "not-yaml": "not valid YAML: expected the node content, but found '<stream end>' "
    "(line 2, column 1)",
}
NO_WAREHOUSE = (
    "no warehouse at warehouse.duckdb: run `bulletin ingest` (or `bulletin demo`) first, "
    "or point --db / BULLETIN_DB at one"
)


@dataclass(frozen=True)
class Place:
    """Where a case runs: the poisoned package, the sources files, an empty folder."""

    poison: Path
    files: Path
    cwd: Path

    def run(
        self, args: list[str], env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
        clean["PYTHONPATH"] = os.pathsep.join([str(self.poison), str(ROOT)])
        return subprocess.run(
            [sys.executable, "-m", "bulletin.cli", *args],
            cwd=self.cwd,
            env={**clean, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def refused(self, args: list[str], message: str, env: dict[str, str] | None = None) -> None:
        """``args`` exit 2 with exactly ``message`` on stderr, nothing on stdout."""
        done = self.run(args, env)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", message + "\n")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The poisoned ``prefect`` package, and the sources files (good.yaml, BAD's)."""
    poison = tmp_path_factory.mktemp("poison")
    (poison / "prefect").mkdir()
    (poison / "prefect" / "__init__.py").write_text(
        'raise ImportError("prefect imported")\n', encoding="utf-8"
    )
    folder = tmp_path_factory.mktemp("sources")
    (folder / "good.yaml").write_text(GOOD, encoding="utf-8")
    for name, text in BAD.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return poison, folder


@pytest.fixture
def place(files: tuple[Path, Path], tmp_path: Path) -> Place:
    cwd = tmp_path / "empty"
    cwd.mkdir()
    return Place(poison=files[0], files=files[1], cwd=cwd)


def test_the_poisoned_prefect_crashes_whoever_imports_it(place: Place) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    done = subprocess.run(
        [sys.executable, "-c", "import prefect"],
        cwd=place.cwd,
        env={**clean, "PYTHONPATH": str(place.poison)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "ImportError: prefect imported" in done.stderr


# --- Every command that takes --source refuses an unknown one, the same way -----------

UNKNOWN = {
    "ingest": ["ingest", "--source", "nosuch"],
    "backfill": ["backfill", "--source", "nosuch", "--from", "2024-01-01", "--to", "2024-01-02"],
    "backfill-status": ["backfill", "--status", "--source", "nosuch"],
    "failures": ["failures", "--source", "nosuch"],
    "failures-retry": ["failures", "--source", "nosuch", "--retry"],
    "gaps": ["gaps", "--source", "nosuch"],
    "reparse": ["reparse", "--source", "nosuch"],
    "export": ["export", "--warc", "out.warc", "--source", "nosuch"],
    "report": ["report", "--source", "nosuch"],
}


@pytest.mark.parametrize("way", ["--sources", "BULLETIN_SOURCES", "./sources.yaml", "shipped"])
@pytest.mark.parametrize("case", list(UNKNOWN))
def test_an_unknown_source_is_refused_by_every_command_alike(
    place: Place, case: str, way: str
) -> None:
    args, env = list(UNKNOWN[case]), {}
    good = place.files / "good.yaml"
    shown, known = str(good), "a, b"
    if way == "--sources":
        args += ["--sources", str(good)]
    elif way == "BULLETIN_SOURCES":
        env["BULLETIN_SOURCES"] = str(good)
    elif way == "./sources.yaml":
        (place.cwd / "sources.yaml").write_text(GOOD, encoding="utf-8")
        shown = "sources.yaml"
    else:
        shown, known = str(SHIPPED), ", ".join(load_sources(SHIPPED).by_name)
    command = args[0]
    message = f"bulletin {command}: {shown}: unknown source(s) nosuch; known: {known}"
    place.refused(args, message, env)


def test_ingest_names_every_unknown_source(place: Place) -> None:
    good = place.files / "good.yaml"
    args = ["ingest", "--sources", str(good), "--source", "a", "--source", "x", "--source", "y"]
    place.refused(args, f"bulletin ingest: {good}: unknown source(s) x, y; known: a, b")


# --- A sources file that cannot be used ------------------------------------------------


@pytest.mark.parametrize("bad", list(BAD))
@pytest.mark.parametrize(
    "args",
    [
        ["ingest"],
        ["ingest", "--source", "s"],
        ["backfill", "--source", "s", "--from", "2024-01-01", "--to", "2024-01-02"],
        ["backfill", "--status"],
        ["failures", "--source", "s"],
        ["gaps", "--source", "s"],
        ["reparse"],
    ],
    ids=" ".join,
)
def test_a_malformed_sources_file_is_refused_naming_the_entry_and_field(
    place: Place, args: list[str], bad: str
) -> None:
    path = place.files / f"{bad}.yaml"
    message = f"bulletin {args[0]}: {path}: {BAD_MESSAGES[bad]}"
    place.refused([*args, "--sources", str(path)], message)


def test_a_malformed_default_sources_file_is_refused_too(place: Place) -> None:
    path = place.files / "negative-rate.yaml"
    message = f"bulletin ingest: {path}: {BAD_MESSAGES['negative-rate']}"
    place.refused(["ingest"], message, {"BULLETIN_SOURCES": str(path)})


def test_a_missing_sources_file_is_refused(place: Place) -> None:
    message = "bulletin ingest: none.yaml: cannot read sources file: No such file or directory"
    place.refused(["ingest", "--sources", "none.yaml"], message)


# --- Dates, numbers, and the rest of the input ----------------------------------------

GOOD_RANGE = "--sources {good} --source a --from 2024-01-01 --to 2024-01-02"
WHOLE = "expected a whole number"
PORTS = f"{WHOLE} from 0 to 65535"
PROFILES = "(known: auto, liferay-6.1, liferay-6.2, box-news, vnexpress, generic)"

# The command line ({good}: the good sources file), and the message after "bulletin <command>: ".
CASES = [
    # a range the wrong way round
    ("backfill --sources {good} --source a --from 2024-02-01 --to 2024-01-01",
     "--from 2024-02-01 is after --to 2024-01-01"),
    ("backfill --status --from 2024-02-01 --to 2024-01-01",
     "--from 2024-02-01 is after --to 2024-01-01"),
    ("backfill --status --sources {good} --source a --from 2024-01-02 --to 2024-01-01",
     "--from 2024-01-02 is after --to 2024-01-01"),
    ("gaps --sources {good} --source a --from 2024-02-01 --to 2024-01-01",
     "--from 2024-02-01 is after --to 2024-01-01"),
    # numbers that make no sense
    (f"backfill {GOOD_RANGE} --batch-days 0", f"--batch-days: {WHOLE} >= 1, got 0"),
    (f"backfill {GOOD_RANGE} --batch-days -3", f"--batch-days: {WHOLE} >= 1, got -3"),
    (f"backfill {GOOD_RANGE} --batch-days seven", f"--batch-days: {WHOLE}, got 'seven'"),
    ("reparse --workers 0", f"--workers: {WHOLE} >= 1, got 0"),
    ("reparse --workers -2", f"--workers: {WHOLE} >= 1, got -2"),
    ("demo --count -1", f"--count: {WHOLE} >= 0, got -1"),
    ("demo --days 0", f"--days: {WHOLE} >= 1, got 0"),
    ("demo --port 70000", f"--port: {PORTS}, got 70000"),
    ("demo --port -1", f"--port: {PORTS}, got -1"),
    ("sample-portal --count -5", f"--count: {WHOLE} >= 0, got -5"),
    ("sample-portal --days -1", f"--days: {WHOLE} >= 1, got -1"),
    ("sample-portal --port 65536", f"--port: {PORTS}, got 65536"),
    ("demo --count 300000", "sample portal: count must be between 0 and 250000, got 300000"),
    # dates, options, commands
    ("backfill --from 2024-13-01", "--from: expected a date YYYY-MM-DD, got '2024-13-01'"),
    ("ingest --since yesterday", "--since: expected a date YYYY-MM-DD, got 'yesterday'"),
    ("backfill", "--source, --from, --to required (or --status)"),
    ("backfill --sources {good} --source a --to 2024-01-01", "--from required (or --status)"),
    ("backfill --status --bogus", "unrecognized arguments: --bogus"),
    ("gaps", "the following arguments are required: --source"),
    ("sql --format xml SELECT",
     "--format: invalid choice: 'xml' (choose from 'table', 'csv', 'json')"),
    ("", "the following arguments are required: COMMAND"),
    ("extract --profile joomla page.html", f"--profile: unknown profile 'joomla' {PROFILES}"),
    ("export --warc nowhere/out.warc", "--warc: no directory nowhere to write out.warc in"),
    ("export --warc .", "--warc: . is a directory"),
    ("report --out nowhere/r.html", "--out: no directory nowhere to write r.html in"),
    ("report --out .", "--out: . is a directory"),
    ("report --since 2026-02-30", "--since: expected a date YYYY-MM-DD, got '2026-02-30'"),
    # no warehouse to read
    ("sql SELECT", NO_WAREHOUSE),
    ("failures", NO_WAREHOUSE),
    ("failures --retry", NO_WAREHOUSE),
    ("backfill --status", NO_WAREHOUSE),
    ("gaps --sources {good} --source a", NO_WAREHOUSE),
    ("export --warc out.warc", NO_WAREHOUSE),
    ("report", NO_WAREHOUSE),
]  # fmt: skip


@pytest.mark.parametrize(("line", "message"), CASES, ids=[line for line, _ in CASES])
def test_bad_input_is_one_line_and_exit_2(place: Place, line: str, message: str) -> None:
    args = line.format(good=place.files / "good.yaml").split()
    prog = f"bulletin {args[0]}" if args else "bulletin"
    place.refused(args, f"{prog}: {message}")


def test_a_sample_portal_that_cannot_be_laid_out_is_refused(place: Place) -> None:
    from sample_portal import PortalConfig

    with pytest.raises(ValueError) as why:
        PortalConfig(count=661, days=1)
    for command in ("demo", "sample-portal"):
        args = [command, "--count", "661", "--days", "1"]
        place.refused(args, f"bulletin {command}: sample portal: {why.value}")


def test_gaps_refuses_a_range_it_cannot_start(place: Place) -> None:
    """With a warehouse: no --from, no start_date and an empty ledger; or a start_date
    after --to."""
    from storage.warehouse import connect

    connect(place.cwd / "warehouse.duckdb").close()
    good = str(place.files / "good.yaml")
    place.refused(
        ["gaps", "--sources", good, "--source", "a"],
        "bulletin gaps: a has no start_date and no day in the ledger; give --from",
    )
    place.refused(
        ["gaps", "--sources", good, "--source", "b", "--to", "2024-01-01"],
        "bulletin gaps: no day to look at: the first, 2024-06-01, is after the last, 2024-01-01",
    )


def test_good_input_gets_past_the_checks_without_prefect(place: Place) -> None:
    from storage.warehouse import connect

    connect(place.cwd / "warehouse.duckdb").close()
    good = str(place.files / "good.yaml")
    for args in (
        ["backfill", "--status", "--sources", good, "--source", "a", "--format", "csv"],
        ["failures", "--sources", good, "--source", "b", "--format", "csv"],
        ["gaps", "--sources", good, "--source", "b", "--from", "2024-06-01", "--to", "2024-06-01"],
        ["report", "--sources", good, "--source", "a", "--since", "2024-06-01"],
        ["--help"],
        ["backfill", "--help"],
    ):
        done = place.run(args)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr


def test_profile_names_are_the_extractors_profiles() -> None:
    """flows.sources lists them without loading BeautifulSoup: the two must agree."""
    from extractors.profiles import PROFILES

    assert PROFILE_NAMES == tuple(PROFILES)


# --- main: exceptions to exit statuses -------------------------------------------------


def _raising(exc: BaseException) -> cli.Command:
    def command(args: object) -> int:
        raise exc

    return command


@pytest.mark.parametrize(
    ("exc", "status", "err"),
    [
        (SourcesError("s.yaml: unknown source(s) x"), 2, "s.yaml: unknown source(s) x"),
        (QueryRefused("COPY is refused"), 2, "COPY is refused"),
        (StorageError("cannot open w:\n  IO Error"), 1, "cannot open w: IO Error"),
        (RunFailed("a: unreachable\nb: refused"), 1, "a: unreachable\nb: refused"),
        (SourcesFailed("all failed:\na: HTTP 503"), 1, "all failed:\na: HTTP 503"),
        (UnhealthySources("a: nothing new for 7 nights"), 1, "a: nothing new for 7 nights"),
        (KeyboardInterrupt(), 130, None),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else None,
)  # fmt: skip
def test_main_maps_each_error_to_its_exit_status(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    exc: BaseException,
    status: int,
    err: str | None,
) -> None:
    """Bad input, 2; a run that failed or storage that failed, 1 (a run's message line
    by line, one per source; anything else in one line); interrupted, 130."""
    monkeypatch.setitem(cli.COMMANDS, "extract", _raising(exc))
    assert cli.main(["extract", str(tmp_path / "page.html")]) == status
    assert capsys.readouterr() == ("", "" if err is None else f"bulletin extract: {err}\n")


def test_an_unexpected_exception_is_not_disguised_as_bad_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(cli.COMMANDS, "extract", _raising(ValueError("boom")))
    with pytest.raises(ValueError, match="^boom$"):
        cli.main(["extract", str(tmp_path / "page.html")])


def test_an_unexpected_exception_shows_its_traceback(place: Place) -> None:
    code = (
        "import sys, bulletin.cli as cli\n"
        "def boom(args):\n"
        "    raise ValueError('boom')\n"
        "cli.COMMANDS['extract'] = boom\n"
        "sys.exit(cli.main(['extract', 'page.html']))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BULLETIN_")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=place.cwd,
        env={**clean, "PYTHONPATH": os.pathsep.join([str(place.poison), str(ROOT)])},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Traceback (most recent call last):")
    assert done.stderr.endswith("ValueError: boom\n")


def test_backfill_status_looks_and_backfill_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """``backfill --status`` is the ledger (no flow); ``backfill`` alone runs one."""
    calls: list[str] = []

    def called(name: str) -> cli.Command:
        def command(args: object) -> int:
            calls.append(name)
            return 0

        return command

    monkeypatch.setitem(cli.COMMANDS, "backfill", called("run"))
    monkeypatch.setitem(cli.COMMANDS, "backfill --status", called("status"))
    monkeypatch.setattr(cli, "check", lambda args: None)
    assert cli.main(["backfill", "--status"]) == 0
    assert (
        cli.main(["backfill", "--source", "a", "--from", "2024-01-01", "--to", "2024-01-01"]) == 0
    )
    assert calls == ["status", "run"]


def test_demo_refuses_a_sources_file_without_the_sample(place: Place) -> None:
    (place.cwd / "sources.yaml").write_text(GOOD, encoding="utf-8")
    place.refused(["demo"], "bulletin demo: sources.yaml: unknown source(s) sample; known: a, b")


def test_demo_reads_the_sources_file_as_its_flow_will(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With its portal's URL in BULLETIN_SAMPLE_URL, whatever the variable held before
    (and holds again after the checks)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BULLETIN_SOURCES", raising=False)
    monkeypatch.setenv("BULLETIN_SAMPLE_URL", "not a URL")
    seen: list[str | None] = []

    def demo(args: object) -> int:
        seen.append(os.environ.get("BULLETIN_SAMPLE_URL"))
        return 0

    monkeypatch.setitem(cli.COMMANDS, "demo", demo)
    assert cli.main(["demo", "--port", "9999"]) == 0
    assert seen == ["not a URL"]
