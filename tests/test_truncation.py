"""A body cut short is a fetch failure, retried like a dropped connection, never an
article: over a real socket on 127.0.0.1, so that h11 reads the framing itself."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from raw_server import Answer, head, serve

from flows.crawling.client import FetchError, fetch, html_looks_whole, make_client, xml_looks_whole
from flows.crawling.fetcher import Fetcher
from flows.ingest.steps import fetch_pages
from flows.sources import Source
from storage.records import Failure

PAGE = (
    b"<!DOCTYPE html><html><head><title>Tin t\xe1\xbb\xa9c</title></head>"
    b"<body><h1>Tin t\xe1\xbb\xa9c</h1><p>N\xe1\xbb\x99i dung.</p></body></html>\n"
)
HTML = "Content-Type: text/html; charset=utf-8"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def no_sleep(seconds: float) -> None:
    pass


def always(*answer: bytes | float):
    """A handler that gives every request the same answer."""

    def handler(path: str) -> Answer:
        return answer

    return handler


def fetch_error(answer: tuple[bytes | float, ...]) -> tuple[FetchError, int]:
    with serve(always(*answer)) as served, make_client() as client:
        with pytest.raises(FetchError) as info:
            fetch(client, served.base_url + "/a", sleep=no_sleep)
    return info.value, len(served.paths)


def test_a_short_content_length_is_a_truncated_body() -> None:
    error, requests = fetch_error((head("200 OK", HTML, "Content-Length: 100"), PAGE[:40]))
    assert (error.reason, error.status, error.attempts, requests) == (
        "truncated body: peer closed connection without sending complete message body "
        "(received 40 bytes, expected 100) after 3 attempts",
        None,
        3,
        3,
    )


def test_a_chunked_stream_without_its_last_chunk_is_a_truncated_body() -> None:
    chunk = b"%x\r\n%s\r\n" % (40, PAGE[:40])  # and no "0\r\n\r\n" after it
    error, requests = fetch_error((head("200 OK", HTML, "Transfer-Encoding: chunked"), chunk))
    assert (error.reason, error.status, error.attempts, requests) == (
        "truncated body: peer closed connection without sending complete message body "
        "(incomplete chunked read) after 3 attempts",
        None,
        3,
        3,
    )


def test_a_page_cut_mid_document_without_content_length_is_a_truncated_body() -> None:
    error, requests = fetch_error((head("200 OK", HTML), PAGE[:90]))
    assert (error.reason, error.status, error.attempts, requests) == (
        "truncated body: the connection closed after 90 bytes, before the end of the HTML "
        "document (no </html> or </body>) after 3 attempts",
        None,
        3,
        3,
    )


def test_a_feed_cut_mid_document_is_a_truncated_body() -> None:
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><item><link>/a</link></item>'
    answer = (head("200 OK", "Content-Type: application/rss+xml"), feed)
    error, requests = fetch_error(answer)
    assert (error.reason, error.attempts, requests) == (
        f"truncated body: the connection closed after {len(feed)} bytes, before the end of "
        "the XML document (its root element is not closed) after 3 attempts",
        3,
        3,
    )


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (HTML, PAGE),
        ("Content-Type: application/xml", b"<urlset><url><loc>/a</loc></url></urlset>\n"),
        ("Content-Type: text/plain", b"cut anywhere"),  # only HTML and XML can be judged
    ],
)
def test_a_whole_close_delimited_body_is_fetched(content_type: str, body: bytes) -> None:
    with serve(always(head("200 OK", content_type), body)) as served, make_client() as client:
        fetched = fetch(client, served.base_url + "/a", sleep=no_sleep)
    assert (fetched.status, fetched.content, fetched.content_type, served.paths) == (
        200,
        body,
        content_type.removeprefix("Content-Type: "),
        ["/a"],
    )


def test_a_truncated_body_is_retried_and_then_fetched_whole() -> None:
    answers = [(head("200 OK", HTML), PAGE[:90]), (head("200 OK", HTML), PAGE)]

    def handler(path: str) -> Answer:
        return answers.pop(0)

    waits: list[float] = []
    with serve(handler) as served, make_client() as client:
        fetched = fetch(client, served.base_url + "/a", sleep=waits.append)
    assert (fetched.content, served.paths, len(waits)) == (PAGE, ["/a", "/a"], 1)


def test_a_truncated_article_is_a_fetch_failure_not_an_article() -> None:
    with serve(always(head("200 OK", HTML), PAGE[:90])) as served, make_client() as client:
        source = Source(name="t", base_url=served.base_url, listings=("/",), allow_private=True)
        batch = fetch_pages(Fetcher(client), source, [served.base_url + "/a"])
    assert batch.jobs == []
    assert batch.failures == [
        Failure(
            served.base_url + "/a",
            "t",
            "fetch",
            "truncated body: the connection closed after 90 bytes, before the end of the "
            "HTML document (no </html> or </body>) after 3 attempts",
            None,
        )
    ]


@pytest.mark.parametrize(
    ("page", "whole"),
    [
        (b"<html><body><p>x</p></body></html>", True),
        (b"<html><body><p>x</p></body></html>\n<!-- served in 0.1 s -->\n", True),
        (b"<html><body><p>x</p><script>go()</script>", True),  # both omitted, as allowed
        (b"<html><body><p>x</p>\n<!-- cache: hit -->\n", True),
        (b"<html><body><p>x</p><scr", False),
        (b"<html><body><p>x</p><p>half a sent", False),
        (b"", False),
    ],
)
def test_what_a_whole_html_page_looks_like(page: bytes, whole: bool) -> None:
    assert html_looks_whole(page) is whole


@pytest.mark.parametrize(
    ("document", "whole"),
    [
        (b'<?xml version="1.0"?>\n<urlset xmlns="x"><url/></urlset>', True),
        (b"<?xml version='1.0'?><!-- c --><feed><entry/></feed>\n<!-- cached -->\n", True),
        (b"<sitemapindex/>", True),
        (b"<urlset><url><loc>/a</loc></url>", False),
        (b"<urlset><url><loc>/a</loc></url></urls", False),
        (b"<?xml version='1.0'?>", False),
    ],
)
def test_what_a_whole_xml_document_looks_like(document: bytes, whole: bool) -> None:
    assert xml_looks_whole(document) is whole


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_no_real_page_of_the_corpus_looks_cut() -> None:
    pages = sorted(CORPUS.rglob("*.htm*"))
    cut = []
    for path in pages:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if not html_looks_whole(data):
            cut.append(path.name)
    assert (len(pages), cut) == (716, [])
