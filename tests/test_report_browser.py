"""The demo warehouse's report, drawn by a real browser: headless Chromium (Debian's
``chromium``) opens the file offline, and every chart draws one mark (bar or point) per
row of its data, counted here from the warehouse with SQL; the browser's console stays
silent; a screenshot is kept in the test's tmp_path (its path is printed: ``pytest -s``).

Chromium runs from its command line (``--dump-dom``, ``--screenshot``), in a process
group and with a mark of its own (``process_tree.start``): no process of it may still
run once it has exited, and any left is killed. Its console messages come on stderr
(``--enable-logging=stderr``), one ``:CONSOLE`` line each, whatever their level: the
report writes none, so any is a failure (a probe page checks that they are seen).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup
from process_tree import describe, end_all, run_id, start, wait_marked

from bulletin.cli import main
from storage.report import TOP, failure_kind

pytestmark = pytest.mark.slow

INSTALL = (
    "headless Chromium is needed to draw the report: install Debian's package "
    "(`apt-get install -y chromium`; `make test` does it when it is missing)"
)
FLAGS = (
    "--headless",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing outside this machine, whatever asks
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=15000",  # ms of page time: scripts run, charts draw, then done
)
CONSOLE = re.compile(r":CONSOLE[:(]")
LOCAL_MONTH = "strftime(timezone('Asia/Ho_Chi_Minh', published_at), '%Y-%m')"
# One mark per row of each chart's data: what the warehouse holds, counted here.
EXPECTED_SQL = {
    "articles": f"SELECT count(DISTINCT (source, {LOCAL_MONTH})) FROM articles "
    "WHERE published_at IS NOT NULL",
    "figures": f"SELECT count(DISTINCT (source, {LOCAL_MONTH})) FROM figures "
    "JOIN articles USING (article_id) WHERE published_at IS NOT NULL",
    "documents": f"SELECT least({TOP}, count(DISTINCT (number, type_name, issuer_code))) "
    "FROM doc_refs",
    "officials": f"SELECT least({TOP}, count(DISTINCT name)) FROM people WHERE quoted",
    "values": """
        WITH dated AS (
            SELECT unit FROM stats JOIN articles USING (article_id)
            WHERE published_at IS NOT NULL AND unit IS NOT NULL
        ), top AS (SELECT unit FROM dated GROUP BY unit ORDER BY count(*) DESC, unit LIMIT 1)
        SELECT count(*) FROM dated WHERE unit = (SELECT unit FROM top)""",
}


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail(INSTALL)
    return found


@pytest.fixture(scope="module")
def demo_db(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The warehouse `bulletin demo` makes (the session's one Prefect harness)."""
    db = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BULLETIN_SAMPLE_URL", "unset")  # restored after the demo sets it
        env.delenv("BULLETIN_SOURCES", raising=False)
        with redirect_stdout(io.StringIO()):
            assert main(["demo", "--db", str(db), "--port", "0"]) == 0
        yield db


def _run_chromium(chromium: str, profile: Path, *args: str) -> tuple[str, str]:
    """Chromium run to its end: stdout and stderr. Nothing of it may outlive it."""
    process = start(
        [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    token = run_id(process)
    assert token is not None
    try:
        try:
            out, err = process.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            pytest.fail(f"chromium {' '.join(args)} did not end within 180 s")
        left = wait_marked(token, 10)
        assert not left, f"chromium left processes running: {describe(left)}"
        assert process.returncode == 0, err.decode(errors="replace")[-2000:]
        return out.decode("utf-8"), err.decode(errors="replace")
    finally:
        end_all(process)


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


def _expected_marks(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = {key: con.execute(sql).fetchone()[0] for key, sql in EXPECTED_SQL.items()}  # type: ignore[index]
        reasons = con.execute("SELECT stage, reason FROM failures").fetchall()
    finally:
        con.close()
    counts["failures"] = len({(stage, failure_kind(reason)) for stage, reason in reasons})
    return counts


def test_the_demo_report_draws_every_mark_in_chromium(
    chromium: str, demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The console is watched: a page that writes to it is seen.
    probe = tmp_path / "probe.html"
    probe.write_text("<script>console.error('probe: Kiểm tra')</script>", encoding="utf-8")
    _, err = _run_chromium(chromium, tmp_path / "profile-probe", "--dump-dom", probe.as_uri())
    assert len(_console(err)) == 1 and "probe" in _console(err)[0]

    report = tmp_path / "report.html"
    assert main(["report", "--db", str(demo_db), "--out", str(report)]) == 0
    printed = capsys.readouterr().out

    dom, err = _run_chromium(chromium, tmp_path / "profile-dom", "--dump-dom", report.as_uri())
    assert _console(err) == []
    page = BeautifulSoup(dom, "lxml")
    drawn = {
        str(div["id"]).removeprefix("chart-"): len(div.select(".point"))
        for div in page.select("div.js-plotly-plot")  # the class plotly.js gives a drawn chart
    }
    expected = _expected_marks(demo_db)
    assert drawn == expected
    assert all(expected.values())  # the demo has data for every chart
    assert page.select("p.empty") == []
    # Drawn, the page still refers to nothing outside itself.
    assert [t.name for t in page.find_all(lambda t: t.has_attr("src") or t.has_attr("href"))] == []
    heading = page.select_one("#officials h2")
    assert heading is not None and heading.get_text() == "Most quoted officials"

    shot = tmp_path / "report.png"
    _run_chromium(
        chromium,
        tmp_path / "profile-shot",
        "--window-size=1400,3700",
        f"--screenshot={shot}",
        report.as_uri(),
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with capsys.disabled():
        print(f"\n{printed.strip()}\nmarks drawn: {drawn}\nscreenshot: {shot}")
