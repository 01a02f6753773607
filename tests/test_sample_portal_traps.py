"""The sample portal's crawler-trap section /tong-hop, over real HTTP, read with httpx."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from urllib.parse import urljoin

import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from extractors import Listing, parse_listing
from flows.crawling.urls import trap_reason
from sample_portal import PortalConfig, SamplePortal
from sample_portal.traps import (
    SECTION,
    session_id,
    spellings,
    trap_articles,
    trap_layout,
)

END = date(2026, 11, 20)
SESSION = "AE4DF12D8F76B93F3B03C0798C9D46EC"
NOISE = "?p_p_id=101&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
REDIRECT = "?redirect=%2Ftong-hop"
PAGE_QUERY = "p_p_id=101&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&_101_delta=4"


def page_path(page: int) -> str:
    return f"/tong-hop?{PAGE_QUERY}&_101_cur={page}"


def one(html: str, selector: str) -> Tag:
    tag = BeautifulSoup(html, "lxml").select_one(selector)
    assert tag is not None, selector
    return tag


@pytest.fixture(scope="module")
def portal() -> SamplePortal:
    return SamplePortal(PortalConfig(count=40, end=END))


@pytest.fixture(scope="module")
def served(portal: SamplePortal) -> Iterator[tuple[str, httpx.Client]]:
    with portal.serve() as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        yield base_url, http


def listing(http: httpx.Client, base_url: str, target: str) -> Listing:
    response = http.get(target)
    assert response.status_code == 200
    return parse_listing(
        response.content,
        base_url + target,
        profile="liferay-6.2",
        content_type=response.headers["content-type"],
    )


# -- ground truth ---------------------------------------------------------------------------


def test_trap_articles_are_the_twelve_newest_listable_articles(portal: SamplePortal) -> None:
    articles = trap_articles(portal)
    assert [a.index for a in articles] == [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]
    assert len({a.article_id for a in articles}) == 12
    times = [a.published_at for a in articles]
    assert all(newer > older for newer, older in zip(times, times[1:], strict=False))
    assert not any(a.missing or a.malformed for a in articles)
    assert [a.index for a in trap_articles(SamplePortal(PortalConfig(count=5, end=END)))] == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert trap_articles(SamplePortal(PortalConfig(count=0, end=END))) == []
    assert SECTION.path not in portal.category_paths


def test_layout_lists_every_article_twice_under_two_spellings(portal: SamplePortal) -> None:
    a = [x.path for x in trap_articles(portal)]
    assert session_id(portal) == SESSION
    layout = trap_layout(portal)
    assert layout[0] == [
        a[0],
        f"{a[0]};jsessionid={SESSION}",
        a[1] + NOISE,
        a[1] + REDIRECT,
        "/web/guest" + a[2],
        a[2],
        f"{a[3]};jsessionid={SESSION}",
        a[3] + NOISE,
        "en/tong-hop",
    ]
    assert layout[1] == [
        a[4] + REDIRECT,
        "/web/guest" + a[4],
        a[5],
        f"{a[5]};jsessionid={SESSION}",
        a[6] + NOISE,
        a[6] + REDIRECT,
        "/web/guest" + a[7],
        a[7],
        "en/tong-hop",
    ]
    assert layout[2] == [
        f"{a[8]};jsessionid={SESSION}",
        a[8] + NOISE,
        a[9] + REDIRECT,
        "/web/guest" + a[9],
        a[10],
        f"{a[10]};jsessionid={SESSION}",
        a[11] + NOISE,
        a[11] + REDIRECT,
        "en/tong-hop",
    ]
    hrefs = [href for page in layout for href in page if href != "en/tong-hop"]
    assert len(set(hrefs)) == 24
    spelled = {
        href: article.path
        for article in trap_articles(portal)
        for href in spellings(portal, article).values()
    }
    assert Counter(spelled[href] for href in hrefs) == Counter({article: 2 for article in a})
    tiny = SamplePortal(PortalConfig(count=2, end=END))
    b = [x.path for x in trap_articles(tiny)]
    assert trap_layout(tiny) == [
        [
            b[0],
            f"{b[0]};jsessionid={session_id(tiny)}",
            b[1] + NOISE,
            b[1] + REDIRECT,
            "en/tong-hop",
        ]
    ]
    assert trap_layout(SamplePortal(PortalConfig(count=0, end=END))) == [[]]


# -- over HTTP ------------------------------------------------------------------------------


def test_first_page_parses_to_the_layout_and_links_page_two(
    portal: SamplePortal, served: tuple[str, httpx.Client]
) -> None:
    base_url, http = served
    page = listing(http, base_url, "/tong-hop")
    url = base_url + "/tong-hop"
    assert [item.url for item in page.items] == [urljoin(url, h) for h in trap_layout(portal)[0]]
    a = trap_articles(portal)
    assert [(item.title, item.published_at) for item in page.items] == [
        (a[0].title, a[0].published_at),
        (a[0].title, a[0].published_at),
        (a[1].title, a[1].published_at),
        (a[1].title, a[1].published_at),
        (a[2].title, a[2].published_at),
        (a[2].title, a[2].published_at),
        (a[3].title, a[3].published_at),
        (a[3].title, a[3].published_at),
        ("Tin tổng hợp (English)", a[3].published_at),
    ]
    assert page.items[-1].url == base_url + "/en/tong-hop"
    assert page.next_url == base_url + page_path(2)
    html = http.get("/tong-hop").text
    title = one(html, "title").get_text()
    assert title == "Tin tổng hợp - Cổng thông tin điện tử huyện Đồng Lâm"
    assert one(html, 'link[rel="canonical"]')["href"] == base_url + "/tong-hop"
    results = one(html, "small.search-results").get_text(strip=True)
    assert results == "Hiển thị 1 - 4 of 12 kết quả."
    second = listing(http, base_url, page_path(2))
    assert [i.url for i in second.items] == [urljoin(url, h) for h in trap_layout(portal)[1]]
    assert second.next_url == base_url + page_path(3)


def test_every_spelling_serves_the_plain_page_byte_for_byte(
    portal: SamplePortal, served: tuple[str, httpx.Client]
) -> None:
    base_url, http = served
    for article in trap_articles(portal):
        plain = http.get(article.path)
        assert plain.status_code == 200
        assert one(plain.text, 'link[rel="canonical"]')["href"] == base_url + article.path
        for name, href in spellings(portal, article).items():
            response = http.get(href)
            assert (response.status_code, response.content) == (200, plain.content), name
    missing, malformed = portal.article(13), portal.article(7)
    assert http.get("/web/guest" + missing.path).status_code == 404
    assert http.get(f"{missing.path};jsessionid={SESSION}").status_code == 404
    assert http.get("/web/guest" + malformed.path).content == http.get(malformed.path).content
    assert http.get("/web/guest").status_code == 404


def test_relative_link_grows_the_path_forever(
    portal: SamplePortal, served: tuple[str, httpx.Client]
) -> None:
    base_url, http = served
    first = http.get("/tong-hop").content
    assert http.get("/en/tong-hop").content == first
    assert http.get("/en/en/tong-hop").content == first
    deep = listing(http, base_url, "/en/en/tong-hop")
    expected = [urljoin(base_url + "/en/en/tong-hop", h) for h in trap_layout(portal)[0]]
    assert [item.url for item in deep.items] == expected
    loop = deep.items[-1].url
    assert loop == base_url + "/en/en/en/tong-hop"
    assert trap_reason(base_url + "/en/tong-hop") is None
    assert trap_reason(base_url + "/en/en/tong-hop") is None
    assert trap_reason(loop) == "crawler trap: path segment 'en' repeated 3 times"
    assert http.get("/en/en/en/en/en/en/tong-hop").content == first
    assert http.get("/en/kinh-te").status_code == 404
    assert http.get("/tong-hop/en").status_code == 404


def test_pages_past_the_end_repeat_the_last_page_and_still_link_next(
    portal: SamplePortal, served: tuple[str, httpx.Client]
) -> None:
    base_url, http = served
    url = base_url + "/tong-hop"
    last = [urljoin(url, h) for h in trap_layout(portal)[-1]]
    third = listing(http, base_url, page_path(3))
    assert [i.url for i in third.items] == last
    assert third.next_url == base_url + page_path(4)
    fiftieth = listing(http, base_url, page_path(50))
    assert [i.url for i in fiftieth.items] == last
    assert fiftieth.next_url == base_url + page_path(51)
    results = one(http.get(page_path(50)).text, "small.search-results").get_text(strip=True)
    assert results == "Hiển thị 197 - 200 of 201 kết quả."


def test_the_section_is_not_linked_and_categories_are_unchanged(
    portal: SamplePortal, served: tuple[str, httpx.Client]
) -> None:
    _, http = served
    assert portal.category_paths == ["/tin-tuc-su-kien", "/kinh-te", "/van-hoa-xa-hoi"]
    for target in ("/", *portal.category_paths, portal.article(0).path):
        assert "tong-hop" not in http.get(target).text, target
