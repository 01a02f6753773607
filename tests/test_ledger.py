"""The backfill ledger (``partitions``): a re-run fills only the days that failed, the
nightly run records its days, and ``bulletin gaps`` / ``backfill --status`` read it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from bulletin.cli import main
from flows.backfill import backfill
from flows.ingest.days import GroupsSaved
from sample_portal import Fault, PortalConfig, SamplePortal
from storage.records import Failure

pytestmark = pytest.mark.slow

END = date(2026, 11, 20)
FIRST = END - timedelta(days=89)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SamplePortal, str]]:
    """120 articles over 90 days, none broken on purpose (so every day can succeed)."""
    portal = SamplePortal(PortalConfig(count=120, days=90, end=END, malformed=(), missing=()))
    with portal.serve() as base_url:
        yield portal, base_url


def sources_file(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n  - name: sample\n"
        f"    base_url: {base_url}\n    profile: liferay-6.2\n"
        "    listings: [/tin-tuc-su-kien, /kinh-te, /van-hoa-xa-hoi]\n"
        "    start_date: 2026-08-01\n    allow_private: true\n    rate: 0\n"
        "    retry_backoff: 0\n",
        encoding="utf-8",
    )
    return path


def ledger(db: Path) -> dict[date, tuple[str, int, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT day, status, attempts, articles FROM partitions").fetchall()
    finally:
        con.close()
    return {day: (status, attempts, articles) for day, status, attempts, articles in rows}


def test_a_rerun_fetches_exactly_the_failed_days_again(
    prefect_harness: None, served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    portal, base_url = served
    sources = tmp_path / "s" / "sources.yaml"
    sources.parent.mkdir()
    sources_file(sources.parent, base_url)
    db = tmp_path / "w.duckdb"
    by_day: dict[date, list[str]] = {}
    for article in portal.articles:
        by_day.setdefault(article.published_at.date(), []).append(article.path)
    broken = sorted(by_day)[5:50:10]  # 5 days with articles, spread over the range
    assert len(broken) == 5
    for day in broken:
        for path in by_day[day]:
            portal.faults.add(Fault(prefix=path, status=404))  # not retried: no breaker

    first = backfill(
        source="sample", date_from=FIRST, date_to=END, db=str(db), sources_file=str(sources)
    )

    days = ledger(db)
    assert len(days) == 90
    assert {d for d, (status, _, _) in days.items() if status == "failed"} == set(broken)
    assert all(days[d] == ("success", 1, len(by_day.get(d, []))) for d in days if d not in broken)
    assert first["new"] == 120 - sum(len(by_day[d]) for d in broken)

    portal.faults.clear()
    portal.clear_requests()
    again = backfill(
        source="sample", date_from=FIRST, date_to=END, db=str(db), sources_file=str(sources)
    )

    asked = [(path, status) for _, _, path, status in portal.requests]
    articles_asked = {p for p, _ in asked if "/-/asset_publisher/" in p}
    assert articles_asked == {p for d in broken for p in by_day[d]}
    others = [(p, s) for p, s in asked if p not in articles_asked and p != "/robots.txt"]
    assert others and all(s == 304 for _, s in others)  # listing pages, asked conditionally
    assert again["new"] == sum(len(by_day[d]) for d in broken)
    days = ledger(db)
    assert all(days[d] == ("success", 2, len(by_day[d])) for d in broken)
    assert sum(1 for status, _, _ in days.values() if status == "success") == 90

    # The ledger as the CLI shows it, and the days no run covered.
    assert main(["backfill", "--status", "--db", str(db), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "source,day,status,attempts,articles,failures,flow,updated_at,error"
    assert len(lines) == 91
    assert lines[1].startswith(f"sample,{END},success,1,{len(by_day.get(END, []))},0,backfill,")
    args = ["gaps", "--db", str(db), "--sources", str(sources), "--source", "sample"]
    assert main([*args, "--from", str(FIRST - timedelta(days=2)), "--to", str(END)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        str(FIRST - timedelta(days=1)),
        str(FIRST - timedelta(days=2)),
    ]
    assert "sample: 2 of 92 days" in captured.err


def test_the_nightly_run_records_its_days(prefect_harness: None, served, tmp_path: Path) -> None:
    from flows.nightly import nightly

    _, base_url = served
    sources = sources_file(tmp_path, base_url)
    db = tmp_path / "w.duckdb"
    since = END - timedelta(days=3)
    nightly(sources=["sample"], db=str(db), sources_file=str(sources), since=since)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT min(day), count(*), count_if(status = 'success'), any_value(flow) FROM partitions"
    ).fetchone()
    con.close()
    assert rows is not None
    today = date.today()  # the run's own today (UTC+7 may be a day ahead; see below)
    first, count, succeeded, flow = rows
    assert (first, flow) == (since, "nightly")
    assert count == succeeded
    assert count in ((today - since).days + 1, (today - since).days + 2)


def test_day_batches_complete_in_order_as_chunks_across_them_are_saved() -> None:
    # Groups of 0, 3, 0, 2 and 0 pages, saved in chunks [1a], [1b, 1c], [3a, 3b]: the
    # empty ones complete with the groups before them, the first one up front.
    saved = GroupsSaved.of([[], ["1a", "1b", "1c"], [], ["3a", "3b"], []])
    assert saved.saved([], []) == [0]
    broken = Failure("1b", "s", "fetch", "HTTP 500", 500)
    assert saved.saved([1], []) == []
    assert saved.saved([1, 1], [(1, broken)]) == [1, 2]
    assert saved.saved([3, 3], []) == [3, 4]
    assert saved.failures == [[], [broken], [], [], []]
    assert saved.pending == [0, 0, 0, 0, 0]


def test_a_backfill_does_not_fetch_a_page_given_up_again(
    prefect_harness: None, served, tmp_path: Path
) -> None:
    """A backfill finds a broken page in its listings again each time the day is still
    failed: it fetches it 3 times, then no more, and the day stays failed with why."""
    portal, base_url = served
    sources = sources_file(tmp_path, base_url)
    db = tmp_path / "w.duckdb"
    by_day: dict[date, list[str]] = {}
    for article in portal.articles:
        by_day.setdefault(article.published_at.date(), []).append(article.path)
    day = max(d for d, paths in by_day.items() if len(paths) >= 2)
    broken = by_day[day][0]
    portal.faults.add(Fault(prefix=broken, status=404))
    fetched = []
    try:
        for _ in range(5):
            portal.clear_requests()
            backfill(
                source="sample", date_from=day, date_to=day, db=str(db), sources_file=str(sources)
            )
            fetched.append(sum(1 for _, _, path, _ in portal.requests if path == broken))
    finally:
        portal.faults.clear()
    assert fetched == [1, 1, 1, 0, 0]
    con = duckdb.connect(str(db), read_only=True)
    try:
        failures = con.execute(
            "SELECT url, stage, reason, attempts, last_status, next_retry_at FROM failures"
        ).fetchall()
        days = con.execute(
            "SELECT day, status, attempts, articles, failures, error FROM partitions"
        ).fetchall()
    finally:
        con.close()
    reason = "gave up after 3 attempts: HTTP 404 Not Found"
    assert failures == [(base_url + broken, "fetch", reason, 3, 404, None)]
    assert days == [(day, "failed", 5, len(by_day[day]) - 1, 1, reason)]
