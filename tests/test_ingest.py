"""The plain ingest step: every URL of a batch ends as an article or a failure."""

from __future__ import annotations

import httpx

from flows.crawling.client import make_client
from flows.crawling.fetcher import Fetcher
from flows.ingest.steps import fetch_articles, fetch_pages, parse_pages
from flows.sources import Source
from storage.records import Failure

SOURCE = Source(name="s", base_url="http://portal.test", listings=("/",), rate=0)
PAGE = (
    "<html><head><title>Tin A</title></head><body><article><h1>Tin A</h1>"
    "<p>Ngày 06/05/2022, huyện tổ chức hội nghị tổng kết công tác năm với nhiều nội dung.</p>"
    "</article></body></html>"
)


def test_a_batch_accounts_for_every_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return {
            "/a": httpx.Response(200, text=PAGE, headers={"content-type": "text/html"}),
            "/b.pdf": httpx.Response(
                200, content=b"%PDF-1.4", headers={"content-type": "application/pdf"}
            ),
            "/c": httpx.Response(
                200,
                text="<html><body></body></html>",
                headers={"content-type": "text/html; charset=utf-8"},
            ),
        }.get(request.url.path, httpx.Response(404))

    urls = [f"http://portal.test/{p}" for p in ("a", "b.pdf", "c", "d")]
    batch = fetch_articles(
        Fetcher(make_client(transport=httpx.MockTransport(handler))), SOURCE, urls
    )
    assert batch.rows.column("url") == ["http://portal.test/a"]
    assert batch.failures == [
        Failure("http://portal.test/b.pdf", "s", "skip", "not an HTML page (application/pdf)", 200),
        Failure("http://portal.test/d", "s", "fetch", "HTTP 404 Not Found", 404),
        Failure("http://portal.test/c", "s", "extract", "no title found", 200),
    ]
    assert [(p.url, p.status) for p in batch.pages] == [
        (u, s) for u, s in zip(urls, (200, 200, 200, 404), strict=True)
    ]


def test_a_page_far_shorter_than_the_sources_pages_is_a_soft_error() -> None:
    """A page that extracts but weighs under a quarter of what the source's article
    pages usually weigh is a failure, retried (stage fetch); at a quarter or more it is
    an article. A page that does not extract keeps its extraction failure."""
    size = len(PAGE.encode())

    def handler(request: httpx.Request) -> httpx.Response:
        text = PAGE if request.url.path == "/a" else "<html><body></body></html>"
        return httpx.Response(200, text=text, headers={"content-type": "text/html"})

    client = make_client(transport=httpx.MockTransport(handler))
    urls = ["http://portal.test/a", "http://portal.test/empty"]
    short = parse_pages(fetch_pages(Fetcher(client), SOURCE, urls, usual_bytes=size * 4 + 1))
    assert short.rows.column("url") == []
    assert short.failures == [
        Failure(
            urls[0],
            "s",
            "fetch",
            "soft error: page much shorter than this source's pages "
            f"({size} bytes; they usually weigh {size * 4 + 1})",
            200,
        ),
        Failure(urls[1], "s", "extract", "no title found", 200),
    ]
    enough = parse_pages(fetch_pages(Fetcher(client), SOURCE, urls[:1], usual_bytes=size * 4))
    assert enough.failures == []
    assert enough.rows.column("url") == urls[:1]
