"""The fault matrix (``bench.fault_matrix``) as a test: every fault the sample portal can
show, two nightly runs each, over real HTTP, with real Prefect flows and warehouses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.fault_matrix import Row, Tally, format_rows, nightly_run, run_matrix

pytestmark = pytest.mark.slow
PORT = re.compile(r":\d+")

INGESTED = Tally(ingested=2, failed=0, garbled=0, lost=0, others_lost=0)
FAILED = Tally(ingested=0, failed=2, garbled=0, lost=0, others_lost=0)

# fault: (after run 1, after run 2, failure reasons after run 1)
EXPECTED = {
    "500 burst (2 then OK)": (INGESTED, INGESTED, ()),
    "429 with Retry-After 1 s": (INGESTED, INGESTED, ()),
    "503 outage (a whole run)": (
        FAILED,
        INGESTED,
        ("HTTP 503 Service Unavailable after 3 attempts",),
    ),
    "slow body (over the total timeout)": (
        FAILED,
        INGESTED,
        ("timeout (over 2 s in all) after 3 attempts",),
    ),
    "no answer (read timeout)": (FAILED, INGESTED, ("timeout (ReadTimeout) after 3 attempts",)),
    "connection reset (twice)": (INGESTED, INGESTED, ()),
    "truncated body (once)": (INGESTED, INGESTED, ()),
    "empty 200 (once)": (FAILED, INGESTED, ("empty document",)),
    "wrong declared charset": (INGESTED, INGESTED, ()),
    "redirect loop": (FAILED, FAILED, ("more than 5 redirects",)),
    "off-site redirect": (
        FAILED,
        FAILED,
        ("host offsite.example.invalid is not in the source's allowed hosts",),
    ),
    "20 MB page": (FAILED, FAILED, ("response larger than 10000000 bytes",)),
    "gzip bomb": (FAILED, FAILED, ("response larger than 10000000 bytes",)),
    "non-HTML body": (FAILED, FAILED, ("not an HTML page (application/pdf)",)),
    "robots.txt disallow": (FAILED, FAILED, ("disallowed by robots.txt",)),
    "200 maintenance page (once)": (
        FAILED,
        INGESTED,
        ("soft error: an error page (title 'Service Unavailable')",),
    ),
    "200 login wall (once)": (
        FAILED,
        INGESTED,
        ("soft error: a login wall (a password field and little text)",),
    ),
    "cut, no Content-Length (once)": (INGESTED, INGESTED, ()),
    "cut chunked stream (once)": (INGESTED, INGESTED, ()),
    "10 invalid UTF-8 bytes": (INGESTED, INGESTED, ()),
    "redirect to another port": (
        FAILED,
        FAILED,
        (
            "origin http://127.0.0.1:PORT is not one of the source's allowed origins "
            "for 127.0.0.1 (http://127.0.0.1:PORT)",
        ),
    ),
    "20,000 nested divs": (INGESTED, INGESTED, ()),
    # A listing refused leaves its pages unseen on days left failed: counted as failed.
    "robots.txt 503 (once)": (FAILED, INGESTED, ()),
    "robots.txt trickle (once)": (FAILED, INGESTED, ()),
    "robots.txt off-site redirect": (FAILED, FAILED, ()),
    "robots.txt 20 MB": (INGESTED, INGESTED, ()),
    "robots.txt gzip bomb": (INGESTED, INGESTED, ()),
}
TRANSIENT = [
    "500 burst (2 then OK)",
    "429 with Retry-After 1 s",
    "503 outage (a whole run)",
    "slow body (over the total timeout)",
    "no answer (read timeout)",
    "connection reset (twice)",
    "truncated body (once)",
    "empty 200 (once)",
    "200 maintenance page (once)",
    "200 login wall (once)",
    "cut, no Content-Length (once)",
    "cut chunked stream (once)",
    "robots.txt 503 (once)",
    "robots.txt trickle (once)",
]


def test_no_fault_loses_a_page_and_transient_ones_end_ingested(
    prefect_harness: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run_matrix(tmp_path, nightly_run)
    with capsys.disabled():
        print("\n" + format_rows(rows))
    assert {
        r.name: (r.first, r.second, tuple(PORT.sub(":PORT", x) for x in r.reasons)) for r in rows
    } == EXPECTED
    assert all(isinstance(r, Row) and r.ok for r in rows)
    assert [r.name for r in rows if r.transient] == TRANSIENT
