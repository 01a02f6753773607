"""No link can crash a run: a malformed URL, an IPv6 literal or an odd scheme in a
listing is recorded as a discover failure (the source's link) or left alone (another
host or origin, a scheme other than http(s)), and the good links of the page go on.
``fetch`` of any string raises ``FetchError`` and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import Article, parse_listing
from extractors.urls import absolute
from flows.crawling.client import Fetched, FetchError, fetch, make_client
from flows.crawling.discover import Discovery, discover
from flows.crawling.fetcher import Fetcher
from flows.crawling.guard import HostGuard
from flows.crawling.urls import MalformedURL, canonical_url, check_url
from flows.ingest.steps import fetch_articles
from flows.sources import Source
from storage.records import Failure

BASE = "http://portal.test"
LISTING = BASE + "/tin-tuc"
SOURCE = Source(
    name="s",
    base_url=BASE,
    listings=("/tin-tuc",),
    profile="liferay-6.2",
    rate=0,
    listing_urls=(LISTING,),
)
HTML = {"content-type": "text/html; charset=utf-8"}
ARTICLE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>Ngày 06/05/2022, huyện tổ chức hội nghị tổng kết công tác năm với nhiều nội dung.</p>"
    "</article></body></html>"
)


# A portal's header: 9 KB of menus before the listing, as on real pages. (Decoding judges
# "binary content" by the control characters of a page's first 8 KB: a tiny page of
# hrefs full of them would be refused as a whole, which is not what is tested here.)
HEADER = '<div id="header"><ul>' + "<li>Giới thiệu chung về huyện</li>" * 300 + "</ul></div>"


def listing_page(hrefs: list[str], next_href: str | None = None) -> str:
    """A Liferay 6.2 listing page: one asset per href, and a pager when ``next_href``."""
    items = "".join(
        f'<div class="asset-abstract"><h3 class="asset-title"><a href="{escape(href)}">'
        f"Tin số {n}</a></h3></div>"
        for n, href in enumerate(hrefs)
    )
    pager = (
        '<div class="taglib-page-iterator"><ul class="pager lfr-pagination-buttons">'
        f'<li><a href="{escape(next_href)}">Tiếp</a></li></ul></div>'
        if next_href is not None
        else ""
    )
    return f"<html><body>{HEADER}{items}{pager}</body></html>"


def serve(pages: dict[str, str | bytes]) -> Callable[[httpx.Request], httpx.Response]:
    """A handler that serves ``pages`` by URL and 404s everything else."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = pages.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        kind = "application/xml" if isinstance(body, bytes) else "text/html; charset=utf-8"
        return httpx.Response(200, content=body, headers={"content-type": kind})

    return handler


def walk(pages: dict[str, str | bytes], source: Source = SOURCE) -> Discovery:
    guard = HostGuard(source.hosts, allow_private=True)
    with make_client(transport=httpx.MockTransport(serve(pages))) as client:
        return discover(Fetcher(client, guard=guard), source)


# -- examples ---------------------------------------------------------------------------


def test_an_ipv6_literal_link_is_left_alone_and_the_good_links_are_ingested() -> None:
    page = listing_page(
        [
            "/tin-tuc/bai-1",
            "http://[::ffff:169.254.169.254]/v6",
            "/tin-tuc/bai-2",
            "http://portal.test:99999/tin-tuc/bai-3",
            "http://[::1",
            "mailto:vanphong@portal.test",
            "ftp://portal.test/tin-tuc/bai-4",
            "http://khac.test/tin-tuc/bai-5",
            "https://portal.test/tin-tuc/bai-6#binh-luan",
        ]
    )
    found = walk({LISTING: page})
    assert [(i.url, i.title, i.published_at) for i in found.items] == [
        (BASE + "/tin-tuc/bai-1", None, None),
        (BASE + "/tin-tuc/bai-2", None, None),
        ("https://portal.test/tin-tuc/bai-6", None, None),
    ]
    assert found.failures == [
        Failure(
            "http://portal.test:99999/tin-tuc/bai-3",
            "s",
            "discover",
            "malformed link: invalid port '99999'",
        )
    ]
    assert found.listing_errors == []

    # ...and the good links are fetched and extracted: the run saves them.
    articles = {
        BASE + "/tin-tuc/bai-1": ARTICLE.format(title="Bài một"),
        BASE + "/tin-tuc/bai-2": ARTICLE.format(title="Bài hai"),
        "https://portal.test/tin-tuc/bai-6": ARTICLE.format(title="Bài sáu"),
    }
    with make_client(transport=httpx.MockTransport(serve(dict(articles)))) as client:
        batch = fetch_articles(Fetcher(client), SOURCE, [i.url for i in found.items])
    assert batch.failures == []
    assert batch.rows.column("url") == list(articles)
    assert batch.rows.column("title") == ["Bài một", "Bài hai", "Bài sáu"]


def test_links_of_a_source_on_an_ipv6_address_keep_their_brackets() -> None:
    base = "http://[::1]:8765"
    source = Source(
        name="v6",
        base_url=base,
        listings=("/tin",),
        profile="liferay-6.2",
        rate=0,
        listing_urls=(base + "/tin",),
    )
    page = listing_page(
        [
            "/tin/a",
            "http://[::1]:8765/tin/b?utm_source=x",
            "http://[::1]/tin/c",  # the same host on another port: another origin
            "http://[0:0::1]:8765/tin/d",  # another spelling: the guard would refuse it
            "http://[::1]:8765x/tin/e",
        ]
    )
    found = walk({base + "/tin": page}, source)
    assert [i.url for i in found.items] == [base + "/tin/a", base + "/tin/b"]
    assert found.failures == [
        Failure(
            "http://[::1]:8765x/tin/e",
            "v6",
            "discover",
            "malformed link: invalid port '8765x'",
        )
    ]


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("http://portal.test:0/a", "invalid port '0'"),
        ("http://portal.test:abc/a", "invalid port 'abc'"),
        ("http://portal.test%5Cevil/a", "invalid host 'portal.test\\\\evil'"),
        ("http://portal.test/" + "a" * 8200, "longer than 8192 characters (8219)"),
        ("http://[v1.x]/a", "invalid IPv6 address 'v1.x'"),
        ("http://a b/c", "invalid host 'a b'"),
    ],
)
def test_a_malformed_link_of_the_source_is_a_discover_failure(href: str, reason: str) -> None:
    found = walk({LISTING: listing_page(["/tin-tuc/tot", href])})
    assert [i.url for i in found.items] == [BASE + "/tin-tuc/tot"]
    link = absolute(href, LISTING)
    assert link is not None
    assert found.failures == [Failure(link, "s", "discover", f"malformed link: {reason}")]


@pytest.mark.parametrize(
    "href",
    [
        "http://[::1",
        "//[::1]:80/x",
        "http://x:99999/",
        "http://bücher.de/tin",
        "HTTPS://Khac.Test/tin",
        "https://portal.test:8443/tin",
        "file:///etc/passwd",
        "javascript:void(0)",
        "data:text/html,<b>x</b>",
        "tel:+84280",
    ],
)
def test_a_link_that_is_not_the_sources_is_left_alone(href: str) -> None:
    found = walk({LISTING: listing_page(["/tin-tuc/tot", href])})
    assert [i.url for i in found.items] == [BASE + "/tin-tuc/tot"]
    assert found.failures == []


def test_a_malformed_next_page_or_sitemap_is_recorded_and_the_walk_goes_on() -> None:
    first = listing_page(["/tin-tuc/a"], next_href="http://portal.test:70000/tin-tuc?p=2")
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
        b'sitemap/0.9"><sitemap><loc>http://portal.test:0/s1.xml</loc></sitemap>'
        b"<sitemap><loc>http://[::1</loc></sitemap>"
        b"<sitemap><loc>http://portal.test/s2.xml</loc></sitemap></sitemapindex>"
    )
    child = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://portal.test/tin/b</loc></url>"
        b"<url><loc>http://portal.test:99999/tin/c</loc></url></urlset>"
    )
    source = Source(
        name="s",
        base_url=BASE,
        listings=("/tin-tuc", "/sitemap.xml"),
        profile="liferay-6.2",
        rate=0,
        listing_urls=(LISTING, BASE + "/sitemap.xml"),
    )
    pages: dict[str, str | bytes] = {
        LISTING: first,
        BASE + "/sitemap.xml": index,
        BASE + "/s2.xml": child,
    }
    found = walk(pages, source)
    assert [i.url for i in found.items] == [BASE + "/tin-tuc/a", BASE + "/tin/b"]
    assert found.failures == [
        Failure(
            "http://portal.test:70000/tin-tuc?p=2",
            "s",
            "discover",
            "malformed link: invalid port '70000'",
        ),
        Failure("http://portal.test:0/s1.xml", "s", "discover", "malformed link: invalid port '0'"),
        Failure(
            "http://portal.test:99999/tin/c",
            "s",
            "discover",
            "malformed link: invalid port '99999'",
        ),
    ]
    assert found.listing_errors == []


# -- any href ---------------------------------------------------------------------------

# Any character a page's bytes can carry (no lone surrogate) but NUL: a NUL byte in its
# first 4 KB makes a page "binary content" (``extractors.decoding``), a listing failure,
# not a link's.
_CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
_SCHEMES = st.sampled_from(["http", "https", "HTTP", "hTtPs", "ftp", "javascript", "file", ""])
_HOSTS = st.one_of(
    st.sampled_from(
        [
            "portal.test",
            "PORTAL.Test",
            "portal.test.",
            "khac.test",
            "[::1]",
            "[::ffff:169.254.169.254]",
            "[::1",
            "::1]",
            "[v1.x]",
            "bücher.de",
            "xn--zz.de",
            "999.1.1.1",
            "a b",
            "portal.test\\evil",
            "user:pw@portal.test",
            "@portal.test",
            "",
        ]
    ),
    st.text(_CHARS, max_size=10),
)
_PORTS = st.one_of(
    st.sampled_from(["", ":", ":80", ":443", ":0", ":8080", ":99999", ":abc", ": 80", ":+80"]),
    st.integers(-10, 70_000).map(lambda port: f":{port}"),
)
_PATHS = st.one_of(
    st.sampled_from(["/tin/a", "/tin/%zz", "/tin/%C3%A0", "/tin/ä b", "/tin?x=%", "/#frag"]),
    st.text(_CHARS, max_size=16).map(lambda text: "/" + text),
)
_STRUCTURED = st.builds(
    lambda scheme, host, port, path, sep: f"{scheme}:{sep}{host}{port}{path}",
    _SCHEMES,
    _HOSTS,
    _PORTS,
    _PATHS,
    st.sampled_from(["//", "//", "/", ""]),
)
_HREFS = st.one_of(
    _STRUCTURED,
    _PATHS,
    st.text(_CHARS, max_size=30),
    st.builds(
        lambda ws, href: ws + href + ws, st.sampled_from([" ", "\t", "\n", "\x0c"]), _STRUCTURED
    ),
    st.sampled_from(
        [
            "http://" + "x" * 9000 + ".test/",
            "http://portal.test/" + "a" * 9000,
            "http://portal.test/\x01\x7f",
            "//portal.test/tin/b",
            "mailto:a@b",
            "data:,x",
        ]
    ),
)


def _not_the_sources(link: str) -> bool:
    """Whether ``link`` has another scheme than http(s), or httpx (else urllib) reads
    another host or origin than the source's (portal.test on the default ports)."""
    if link.partition(":")[0].lower() not in ("http", "https"):
        return True
    try:
        url = httpx.URL(link)
        return url.host != "portal.test" or url.port is not None
    except (httpx.InvalidURL, ValueError):
        pass
    try:
        host = urlsplit(link).hostname
    except ValueError:
        return False  # no host can be read: it must have been recorded
    return host is not None and host != "portal.test"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hrefs=st.lists(_HREFS, min_size=1, max_size=6), next_href=st.none() | _HREFS)
def test_any_href_is_returned_recorded_or_not_the_sources(
    hrefs: list[str], next_href: str | None
) -> None:
    page = listing_page(["/tin-tuc/tot", *hrefs, "/tin-tuc/tot-2"], next_href)
    found = walk({LISTING: page})  # never raises

    returned = [i.url for i in found.items]
    assert returned[0] == BASE + "/tin-tuc/tot"
    assert BASE + "/tin-tuc/tot-2" in returned
    for url in returned:
        check_url(url)
        assert canonical_url(url) == url
        parsed = httpx.URL(url)
        assert (parsed.scheme in ("http", "https"), parsed.host, parsed.port) == (
            True,
            "portal.test",
            None,
        )
    failed = {f.url for f in found.failures}
    for failure in found.failures:
        assert failure.source == "s"
        assert failure.stage == "discover"
        assert failure.reason and "\n" not in failure.reason
    # Every link the page gives (as the listing parser reads it) is returned, recorded,
    # or not the source's.
    for item in parse_listing(page.encode(), LISTING, profile="liferay-6.2").items:
        if item.url in failed:
            continue
        try:
            canonical = canonical_url(item.url)
        except MalformedURL:
            assert _not_the_sources(item.url), item.url
            continue
        assert canonical in returned or canonical in failed or _not_the_sources(item.url), item.url


# -- fetch ------------------------------------------------------------------------------


def _answer_everything(request: httpx.Request) -> httpx.Response:
    """200 for every URL, but /go redirects to its ``to`` query parameter as given."""
    if request.url.path == "/go":
        to = request.url.params.get("to", "")
        return httpx.Response(302, headers=[(b"location", to.encode("utf-8", "replace"))])
    return httpx.Response(200, text=ARTICLE.format(title="Tin"), headers=HTML)


def _fetch(url: str) -> Fetched:
    with make_client(transport=httpx.MockTransport(_answer_everything)) as client:
        return fetch(client, url, attempts=1, sleep=lambda _: None)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "malformed URL: scheme '' is not http or https"),
        ("/tin/a", "malformed URL: scheme '' is not http or https"),
        ("javascript:alert(1)", "malformed URL: scheme 'javascript' is not http or https"),
        ("ftp://portal.test/a", "malformed URL: scheme 'ftp' is not http or https"),
        ("http://", "malformed URL: no host"),
        ("http://[::1", "malformed URL: Invalid IPv6 URL"),
        ("http://portal.test:99999/", "malformed URL: invalid port '99999'"),
        ("http://a b/", "malformed URL: invalid host 'a b'"),
        ("http://xn--zz.test/", "malformed URL: Invalid A-label"),
        (
            "http://portal.test/\x00",
            "malformed URL: Invalid non-printable ASCII character in URL, '\\x00' at position 19.",
        ),
        ("http://portal.test/" + "a" * 9000, "malformed URL: longer than 8192 characters (9019)"),
        (
            "http://portal.test/go?to=http://portal.test:0/",
            "redirect to a malformed URL: invalid port '0'",
        ),
        (  # httpx itself reads the Location of a redirect, and fails as a transport
            "http://portal.test/go?to=http://%5B::1/",
            "connection error (RemoteProtocolError: Invalid URL in location header: "
            "Invalid port: ':1'.) after 1 attempts",
        ),
        ("http://portal.test/go?to=http://xn--zz.test/", "IDNAError: Invalid A-label"),
    ],
)
def test_fetch_of_a_malformed_url_is_a_fetch_error(url: str, reason: str) -> None:
    with pytest.raises(FetchError) as caught:
        _fetch(url)
    assert (caught.value.url, caught.value.reason, caught.value.status) == (url, reason, None)


def test_fetch_of_an_ipv6_literal_keeps_its_brackets() -> None:
    fetched = _fetch("http://[::1]:8765/tin/a")
    assert (fetched.final_url, fetched.status) == ("http://[::1]:8765/tin/a", 200)


@settings(max_examples=300, deadline=None)
@given(
    url=st.one_of(
        st.text(max_size=40),
        _STRUCTURED,
        _STRUCTURED.map(lambda to: "http://portal.test/go?to=" + to),
    )
)
def test_fetch_of_any_string_returns_or_raises_a_fetch_error(url: str) -> None:
    try:
        fetched = _fetch(url)
    except FetchError as exc:
        assert exc.url == url
        assert exc.reason
    else:
        assert fetched.status == 200
        check_url(fetched.final_url)


def test_an_article_with_malformed_links_is_extracted() -> None:
    from extractors import extract

    html = (
        '<html><head><title>Tin A</title><link rel="canonical" href="http://[::1"></head>'
        "<body><article><h1>Tin A</h1><p>Ngày 06/05/2022, huyện tổ chức hội nghị tổng kết"
        ' công tác năm với nhiều nội dung.</p><p><a href="http://[::1/a.pdf">Tệp</a>'
        '<a href="/files/b.pdf">Tệp B</a><img src="http://[::1/c.jpg"></p></article>'
        "</body></html>"
    )
    article = extract(html.encode(), BASE + "/tin/a")
    assert isinstance(article, Article)
    assert article.canonical_url == BASE + "/tin/a"
    assert [(a.url, a.kind) for a in article.attachments] == [(BASE + "/files/b.pdf", "pdf")]
    assert article.figures == ()
