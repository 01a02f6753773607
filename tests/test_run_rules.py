"""The rules of a run as plain functions, without a flow: what a run fetches and in which
day groups (``plan_work``), when groups of days are complete, how a run ends
(``raise_for_problems``), the backfill plan against the ledger, and the plain ingest
core end to end over the sample portal with no Prefect at all."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from bulletin.errors import SourcesFailed, UnhealthySources
from extractors import ListingItem
from flows.crawling.discover import Discovery
from flows.ingest.days import GroupsSaved, outcomes
from flows.ingest.health import failed_outright, problems
from flows.ingest.plans import Plan, backfill_plan, backfill_window
from flows.ingest.run import RunSummary, SourceCounts, plan_work, raise_for_problems, run_ingest
from flows.sources import Source
from sample_portal import PortalConfig, SamplePortal
from storage.ledger import DayOutcome, record_days
from storage.records import Failure
from storage.warehouse import writing

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
D = [date(2026, 11, d) for d in range(1, 21)]
SOURCE = Source(name="s", base_url="http://portal.test", listings=("/",))


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=HCM)


def item(url: str, day: date | None) -> ListingItem:
    return ListingItem(url=url, title="", published_at=at(day) if day else None)


def test_plan_work_groups_pages_by_day_batches_newest_first() -> None:
    days = tuple(reversed(D[:10]))  # 10 Nov .. 1 Nov
    plan = Plan(None, None, False, False, days=days, skip_days=frozenset({D[5]}), batch_days=4)
    found = Discovery(
        items=[
            item("u/10", D[9]),
            item("u/6", D[5]),  # on a day already done: left alone
            item("u/3", D[2]),
            item("u/undated", None),
            item("u/gone", D[1]),  # given up: never fetched again
        ],
        failed_items=[item("u/failed", D[7])],  # failed before, not due now
        listing_errors=["listing http://portal.test/?p=2: HTTP 500"],
    )
    work = plan_work(
        plan,
        found,
        "Asia/Ho_Chi_Minh",
        retry=["u/retry", "u/3"],
        failed={"u/failed": "HTTP 503", "u/gone": "HTTP 404", "u/retry": "timeout"},
        given_up={"u/gone"},
    )
    assert work.urls == ["u/10", "u/3", "u/undated", "u/retry"]
    assert work.days == [
        [D[9], D[8], D[7], D[6]],
        [D[5], D[4], D[3], D[2]],
        [D[1], D[0]],
        [],
    ]
    assert work.groups == [["u/10"], ["u/3"], [], ["u/undated", "u/retry"]]
    assert work.unfetched == {"u/failed": "HTTP 503", "u/gone": "HTTP 404"}
    assert work.listing_error == "listing http://portal.test/?p=2: HTTP 500"


def test_groups_complete_in_order_and_empty_ones_with_the_one_before() -> None:
    saved = GroupsSaved.of([[], ["a", "b"], [], [], ["c"], []])
    assert saved.saved([], []) == [0]  # leading empty groups, up front
    failure = Failure("b", "s", "fetch", "HTTP 500")
    assert saved.saved([1], []) == []  # "a" saved, "b" not yet
    # "b" completes group 1, and the empty groups 2 and 3 with it, in one call: their
    # days go into the ledger together.
    assert saved.saved([1], [(1, failure)]) == [1, 2, 3]
    assert saved.saved([4], []) == [4, 5]
    assert saved.failures == [[], [failure], [], [], [], []]


def test_outcomes_put_a_listing_error_on_every_day() -> None:
    assert outcomes("s", [D[2], D[1]], {D[1]: ["HTTP 404", "timeout"]}) == [
        DayOutcome("s", D[2], 0, None),
        DayOutcome("s", D[1], 2, "HTTP 404"),
    ]
    assert outcomes("s", [D[2]], {}, "listing x: HTTP 500") == [
        DayOutcome("s", D[2], 0, "listing x: HTTP 500")
    ]


@pytest.mark.parametrize(
    ("pages", "failed", "outright"), [(0, 0, False), (3, 2, False), (3, 3, True), (1, 1, True)]
)
def test_a_source_failed_outright_when_every_page_it_asked_for_failed(
    pages: int, failed: int, outright: bool
) -> None:
    assert failed_outright(pages, failed) is outright


def test_problems_name_the_first_error_of_a_source_that_failed_outright() -> None:
    assert problems(
        "a", pages=3, failed=3, max_error_rate=0.5, first_error="listing http://a/: refused"
    ) == ["a: all 3 pages failed: listing http://a/: refused"]
    assert problems("a", pages=3, failed=2, max_error_rate=0.5, first_error="x") == []


def summary_of(**per_source: SourceCounts) -> RunSummary:
    summary = RunSummary("r", "nightly", list(per_source), per_source=dict(per_source))
    for name, counts in per_source.items():
        summary.problems += problems(
            name,
            pages=counts.pages,
            failed=counts.failed,
            max_error_rate=0.5,
            first_error=counts.error,
        )
    return summary


def test_a_run_ends_failed_when_every_source_failed_and_names_each() -> None:
    summary = summary_of(
        a=SourceCounts(pages=2, failed=2, error="listing http://a/: connection refused"),
        b=SourceCounts(pages=1, failed=1, error="listing http://b/: connection refused"),
    )
    with pytest.raises(SourcesFailed) as info:
        raise_for_problems(summary)
    assert str(info.value) == (
        "every source failed:\n"
        "  a: all 2 pages failed: listing http://a/: connection refused\n"
        "  b: all 1 pages failed: listing http://b/: connection refused"
    )


def test_a_run_with_one_failed_source_of_two_is_unhealthy_and_a_healthy_one_passes() -> None:
    summary = summary_of(
        a=SourceCounts(pages=2, failed=2, error="listing http://a/: timeout"),
        b=SourceCounts(pages=5, fetched=4, new=4),
    )
    with pytest.raises(UnhealthySources) as info:
        raise_for_problems(summary)
    assert str(info.value) == (
        "a source needs attention:\n  a: all 2 pages failed: listing http://a/: timeout"
    )
    assert summary.counts() == {
        "discovered": 0,
        "fetched": 4,
        "new": 4,
        "updated": 0,
        "unchanged": 0,
        "failed": 2,
    }
    raise_for_problems(summary_of(b=SourceCounts(pages=5, fetched=4, new=4)))  # no error


def test_the_backfill_plan_leaves_out_the_days_the_ledger_holds_as_done(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with writing(db) as con:
        record_days(
            con,
            [DayOutcome("s", D[3], 0, None), DayOutcome("s", D[5], 1, "HTTP 500")],
            run_id="r0",
            flow="backfill",
            timezone="Asia/Ho_Chi_Minh",
        )
        plan = backfill_plan(con, SOURCE, D[2], D[6], batch_days=2)
        forced = backfill_plan(con, SOURCE, D[2], D[6], force=True)
        done = backfill_plan(con, SOURCE, D[3], D[3])
    assert plan == Plan(
        since=datetime.combine(D[2], time.min, tzinfo=HCM),
        until=datetime.combine(D[6], time.max, tzinfo=HCM),
        stop_at_known=False,
        retry_failures=False,
        days=(D[6], D[5], D[4], D[2]),
        skip_days=frozenset({D[3]}),
        batch_days=2,
    )
    assert plan.window == backfill_window(SOURCE, D[2], D[6])
    assert forced.days == (D[6], D[5], D[4], D[3], D[2])
    assert forced.skip_days == frozenset()
    assert done == Plan(None, None, False, False, done=True)
    assert done.window is None


def test_the_plain_core_ingests_the_sample_portal_without_prefect(tmp_path: Path) -> None:
    portal = SamplePortal(PortalConfig(count=12, end=date(2026, 11, 20)))
    first, last = date(2026, 11, 1), date(2026, 11, 20)
    with portal.serve() as base_url:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            "sources:\n  - name: sample\n"
            f"    base_url: {base_url}\n"
            "    profile: liferay-6.2\n"
            "    listings: [/tin-tuc-su-kien, /kinh-te, /van-hoa-xa-hoi]\n"
            "    allow_private: true\n    rate: 0\n    retry_backoff: 0\n",
            encoding="utf-8",
        )
        db = tmp_path / "w.duckdb"

        def plan(con: duckdb.DuckDBPyConnection, source: Source, now: datetime) -> Plan:
            return backfill_plan(con, source, first, last)

        summary = run_ingest(
            "backfill",
            ["sample"],
            plan,
            db=str(db),
            sources_file=str(sources),
            date_from=first,
            date_to=last,
            run_id="plain-1",
            workers=1,
        )
    in_range = [a for a in portal.articles if first <= a.published_at.date() <= last]
    good = sorted(base_url + a.path for a in in_range if not (a.malformed or a.missing))
    broken = sorted(base_url + a.path for a in in_range if a.malformed or a.missing)
    assert summary.counts()["new"] == len(good)
    assert summary.counts()["failed"] == len(broken)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert [
            r[0] for r in con.execute("SELECT url FROM articles ORDER BY url").fetchall()
        ] == good
        assert sorted(r[0] for r in con.execute("SELECT url FROM failures").fetchall()) == broken
        assert con.execute("SELECT run_id, flow, status FROM runs").fetchall() == [
            ("plain-1", "backfill", "completed")
        ]
        ledger = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'success') FROM partitions"
        ).fetchone()
    finally:
        con.close()
    failed_days = {
        a.published_at.astimezone(HCM).date() for a in in_range if a.malformed or a.missing
    }
    assert ledger == (20, 20 - len(failed_days))
