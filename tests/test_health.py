"""Run reporting: the per-source summary artifact, and the health checks that fail a
flow for a source gone quiet or failing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from bulletin.errors import UnhealthySources
from flows.ingest.health import problems
from flows.nightly import nightly
from sample_portal import Fault, PortalConfig, SamplePortal
from storage.runs import nothing_new_streak, record_source_counts
from storage.warehouse import connect

pytestmark = pytest.mark.slow


@pytest.fixture
def served() -> Iterator[tuple[SamplePortal, str]]:
    portal = SamplePortal(PortalConfig(count=30, end=date(2026, 11, 20)))
    with portal.serve() as base_url:
        yield portal, base_url


def test_problems_name_the_source_and_why() -> None:
    assert problems("a", pages=40, failed=20, max_error_rate=0.5, nothing_new_streak=6) == []
    assert problems("a", pages=9, failed=8, max_error_rate=0.5) == []  # too few to judge
    assert problems("a", pages=40, failed=21, max_error_rate=0.5, nothing_new_streak=7) == [
        "a: no new article for 7 nightly runs in a row",
        "a: 21 of 40 pages failed (52%, above the 50% allowed; see bulletin failures --source a)",
    ]


def test_a_failing_source_fails_the_flow_after_saving_what_it_got(
    prefect_harness: None, served, tmp_path: Path, write_sources
) -> None:
    portal, base_url = served
    for path in portal.category_paths:  # every article page answers 503
        portal.faults.add(Fault(prefix=path + "/-/", status=503))
    sources = write_sources(tmp_path, base_url)
    db = tmp_path / "w.duckdb"
    with pytest.raises(UnhealthySources) as info:
        nightly(sources=["sample"], db=str(db), sources_file=str(sources))
    listed = len(portal.articles)
    pages = listed + sum(portal.page_count(c.slug) for c in portal.categories)
    problem = (
        f"sample: {listed} of {pages} pages failed ({listed / pages:.0%}, above "
        "the 50% allowed; see bulletin failures --source sample)"
    )
    assert str(info.value) == f"a source needs attention:\n  {problem}"
    con = duckdb.connect(str(db), read_only=True)
    # What it got is saved, and the run says it failed, and why.
    assert con.execute("SELECT status, message FROM runs").fetchall() == [("failed", problem)]
    assert con.execute("SELECT count(*) FROM failures").fetchall() == [(listed,)]
    con.close()


def test_seven_nights_with_nothing_new_fail_the_flow_and_the_summary_is_published(
    prefect_harness: None, served, tmp_path: Path, write_sources
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    _, base_url = served
    sources = write_sources(tmp_path, base_url)
    db = tmp_path / "w.duckdb"
    first = nightly(sources=["sample"], db=str(db), sources_file=str(sources))
    assert first["new"] > 0
    con = connect(db)
    quiet = {"sample": {"discovered": 0, "fetched": 0, "new": 0, "failed": 0}}
    for night in range(1, 6):  # five quiet nights since
        when = datetime.now(UTC) + timedelta(minutes=night)
        record_source_counts(con, f"quiet-{night}", "nightly", quiet, now=when)
    assert nothing_new_streak(con, "sample") == 5
    con.close()

    second = nightly(sources=["sample"], db=str(db), sources_file=str(sources))
    assert second["new"] == 0  # the sixth quiet night passes
    with pytest.raises(UnhealthySources) as info:
        nightly(sources=["sample"], db=str(db), sources_file=str(sources))
    assert str(info.value) == (
        "a source needs attention:\n  sample: no new article for 7 nightly runs in a row"
    )

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["nightly-summary"])),
        )
    latest = max(artifacts, key=lambda a: a.created or datetime.min.replace(tzinfo=UTC))
    assert latest.type == "markdown"
    assert isinstance(latest.data, str)
    assert "| source | discovered | fetched | new | updated | unchanged | failed |" in latest.data
    assert "| sample | 0 | " in latest.data
    assert "- sample: no new article for 7 nightly runs in a row" in latest.data
