"""A nightly crawl of the sample portal's crawler-trap section (``/tong-hop``): duplicate
spellings of each article, a path loop and endless pagination."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import duckdb
import pytest

from flows.crawling.urls import canonical_url
from flows.nightly import nightly
from sample_portal.traps import trap_articles, trap_layout

pytestmark = pytest.mark.slow

MAX_PAGES = 20


def test_the_trap_section_stores_each_article_once_within_bounded_requests(
    prefect_harness: None, portal, tmp_path: Path
) -> None:
    sample, base_url = portal
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: traps\n"
        f"    base_url: {base_url}\n    profile: liferay-6.2\n    listings: [/tong-hop]\n"
        f"    start_date: 2026-01-01\n    max_pages: {MAX_PAGES}\n"
        "    allow_private: true\n    rate: 0\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    mark = len(sample.requests)

    result = nightly(sources=["traps"], db=str(db), sources_file=str(sources))

    asked = [path for _, _, path, _ in sample.requests[mark:]]
    layout = trap_layout(sample)
    page_url = base_url + "/tong-hop"
    links = {canonical_url(urljoin(page_url, href)) for page in layout for href in page}
    listing_pages = len(layout) + 1  # the page past the end repeats the last one: stop
    assert len(asked) == 1 + listing_pages + len(links)  # robots.txt, listings, each link once
    assert len(asked) < MAX_PAGES + len(links)
    assert sum(p.startswith("/tong-hop") for p in asked) == listing_pages

    articles = trap_articles(sample)
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT canonical_url, title FROM articles ORDER BY 1").fetchall()
    assert stored == sorted((base_url + a.path, a.title) for a in articles)
    failures = con.execute("SELECT url, stage, reason FROM failures").fetchall()
    assert failures == [
        (
            base_url + "/en/tong-hop",
            "extract",
            "a listing page (9 liferay-6.2 items), not an article",
        )
    ]
    # Every other link is one of the stored articles, by URL or as an alias.
    reached = {
        r[0]
        for r in con.execute(
            "SELECT url FROM articles UNION SELECT canonical_url FROM articles "
            "UNION SELECT url FROM aliases"
        ).fetchall()
    }
    con.close()
    assert links - reached == {base_url + "/en/tong-hop"}
    assert (result["new"], result["failed"]) == (len(articles), 1)
