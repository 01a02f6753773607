"""The plain ingest step: every URL of a batch ends as an article or a failure."""

from __future__ import annotations

import httpx

from flows.http import make_client
from flows.ingest import fetch_articles
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
    batch = fetch_articles(make_client(transport=httpx.MockTransport(handler)), SOURCE, urls)
    assert batch.rows.column("url") == ["http://portal.test/a"]
    assert batch.failures == [
        Failure("http://portal.test/b.pdf", "s", "skip", "not an HTML page (application/pdf)", 200),
        Failure("http://portal.test/d", "s", "fetch", "HTTP 404 Not Found", 404),
        Failure("http://portal.test/c", "s", "extract", "no title found", 200),
    ]
    assert [(p.url, p.status) for p in batch.pages] == [
        (u, s) for u, s in zip(urls, (200, 200, 200, 404), strict=True)
    ]
