"""A listing page that answers 200 with no link at all (an error page, a page cut short)
is a failure that leaves its days in doubt, not the end of the walk; a listing page read
well since clears its failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import httpx

from extractors import parse_listing
from flows.crawling.client import make_client
from flows.crawling.discover import discover
from flows.crawling.fetcher import Fetcher
from flows.sources import load_sources
from storage.records import Failure
from storage.warehouse import clear_failures, record_failures, writing

HTML = {"content-type": "text/html; charset=utf-8"}
REASON = "listing page shows no article links"
# A page of the portal's, with no link: what a half-deployed or broken page shows.
NO_LINKS = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tin tức sự kiện'
    "</title></head><body><div class='portlet-body'><p>Nội dung đang được cập nhật.</p>"
    "</div></body></html>"
).encode()


def test_a_listing_page_with_no_link_is_a_failure_not_the_end(
    portal, tmp_path: Path, write_sources: Callable
) -> None:
    sample, base_url = portal
    source = load_sources(write_sources(tmp_path, base_url)).get("sample")
    news = base_url + "/tin-tuc-su-kien"
    source = replace(source, listings=("/tin-tuc-su-kien",), listing_urls=(news,))
    with make_client() as client:
        first = client.get(news).content
    second = parse_listing(first, news, profile="liferay-6.2", timezone=source.timezone).next_url
    assert second is not None
    served: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        served.append(url)
        if url == news:
            return httpx.Response(200, content=first, headers=HTML)
        if url == second:
            return httpx.Response(200, content=NO_LINKS, headers=HTML)
        return httpx.Response(404)

    with make_client(transport=httpx.MockTransport(handler)) as client:
        found = discover(Fetcher(client), source)

    news_articles = [a for a in sample.articles if a.category_slug == "tin-tuc-su-kien"]
    assert [item.url for item in found.items] == [base_url + a.path for a in news_articles[:10]]
    assert [(f.url, f.stage, f.reason, f.last_status) for f in found.failures] == [
        (second, "discover", REASON, None)
    ]
    assert found.listing_errors == [f"listing {second}: {REASON}"]
    assert found.listed == [news]
    assert served == [news, second]


def test_a_listing_page_read_well_since_clears_its_failure(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    url = "http://portal.test/tin-tuc?page=2"
    other = "http://portal.test/kinh-te"
    with writing(db) as con:
        record_failures(
            con,
            [
                Failure(url, "sample", "discover", REASON),
                Failure(other, "sample", "discover", "HTTP 503 Service Unavailable", 503),
            ],
        )
        clear_failures(con, [url])
        left = con.execute("SELECT url, stage, reason FROM failures").fetchall()
    assert left == [(other, "discover", "HTTP 503 Service Unavailable")]
