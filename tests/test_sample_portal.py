"""The sample portal, end to end: a real server on 127.0.0.1, read with httpx and bs4."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from sample_portal import PortalConfig, SampleArticle, SamplePortal, main

END = date(2024, 6, 14)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
SITE = "Cổng thông tin điện tử huyện Đồng Lâm"
PAGE_QUERY = "p_p_id=101&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&_101_delta=10"
ITEM_LINKS = (
    "div.asset-bounddary > div.asset-abstract > div.asset-content"
    " > div.asset-content-custom > h3.asset-title > a"
)


def page_url(slug: str, page: int, delta: int = 10) -> str:
    query = PAGE_QUERY.replace("_101_delta=10", f"_101_delta={delta}")
    return f"/{slug}?{query}&_101_cur={page}"


def soup_of(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "lxml")


def pager(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
    """(class, label, href) of each pager button."""
    return [
        (" ".join(li.get("class") or []), li.a.get_text(strip=True), li.a["href"])
        for li in soup.select("div.taglib-page-iterator ul.pager.lfr-pagination-buttons > li")
        if isinstance(li, Tag) and li.a is not None
    ]


@pytest.fixture(scope="module")
def portal() -> SamplePortal:
    return SamplePortal(PortalConfig(end=END))


@pytest.fixture(scope="module")
def client(portal: SamplePortal) -> Iterator[httpx.Client]:
    with portal.serve() as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        yield http


# -- ground truth ------------------------------------------------------------------------


def test_default_config_lays_out_sixty_articles_over_ninety_days(portal: SamplePortal) -> None:
    articles = portal.articles
    assert [a.index for a in articles] == list(range(60))
    assert articles[0].published_at == datetime(2024, 6, 14, 10, 52, tzinfo=VN)
    assert articles[-1].published_at == datetime(2024, 3, 17, 9, 26, tzinfo=VN)
    times = [a.published_at for a in articles]
    assert all(newer > older for newer, older in zip(times, times[1:], strict=False))
    assert all(7 <= t.hour <= 17 and t.second == 0 and t.microsecond == 0 for t in times)
    ids = [a.article_id for a in articles]
    assert ids[0] == 2_000_000
    assert all(newer > older for newer, older in zip(ids, ids[1:], strict=False))
    assert portal.category_paths == ["/tin-tuc-su-kien", "/kinh-te", "/van-hoa-xa-hoi"]
    assert [portal.category_total(s) for s in ("tin-tuc-su-kien", "kinh-te", "van-hoa-xa-hoi")] == [
        25,
        18,
        17,
    ]
    assert [a.index for a in articles if a.malformed] == [7]
    assert [a.index for a in articles if a.missing] == [13]
    assert portal.article(13) == articles[13]
    with pytest.raises(IndexError):
        portal.article(60)


def test_every_quoted_fact_is_in_the_text_in_order(portal: SamplePortal) -> None:
    for article in portal.articles:
        text = "\n".join((article.lead, *article.paragraphs))
        position = 0
        for phrase in article.numbers:
            position = text.index(phrase, position) + len(phrase)
        assert article.doc_refs and article.doc_refs[0] in article.lead
        assert all(ref in text for ref in article.doc_refs)
        ((name, title),) = article.officials
        assert f"Đồng chí {name}, {title} cho biết: “" in text
        assert 3 <= len(article.paragraphs) <= 5 and 1 <= len(article.figures) <= 3
        for piece in (
            article.title,
            article.lead,
            *article.paragraphs,
            *(f.caption for f in article.figures),
        ):
            assert unicodedata.normalize("NFC", piece) == piece
            assert piece == piece.strip() and "  " not in piece and "{" not in piece


def test_the_same_config_gives_the_same_articles_and_pages() -> None:
    first, second = SamplePortal(PortalConfig(end=END)), SamplePortal(PortalConfig(end=END))
    assert first.articles == second.articles
    targets = [
        "/",
        page_url("kinh-te", 2),
        first.article(3).path,
        first.article(7).path,
        "/robots.txt",
    ]
    pages = []
    for portal in (first, second):
        with portal.serve() as base_url, httpx.Client(base_url=base_url) as http:
            pages.append([http.get(t, headers={"Host": "donglam.test"}).content for t in targets])
    assert pages[0] == pages[1]
    other = SamplePortal(PortalConfig(end=END, seed=1))
    assert (
        other.article(3).title != first.article(3).title
        or other.article(3).paragraphs != first.article(3).paragraphs
    )


def test_ten_thousand_articles_build_and_serve() -> None:
    portal = SamplePortal(PortalConfig(count=10_000, end=END))
    assert len(portal) == 10_000
    times = [portal.published_at(i) for i in range(10_000)]
    assert all(newer > older for newer, older in zip(times, times[1:], strict=False))
    assert times[0].date() == END and times[-1].date() == date(2024, 3, 17)
    totals = [portal.category_total(p.strip("/")) for p in portal.category_paths]
    assert sum(totals) == 10_000
    last = portal.page_count("kinh-te")
    assert last == -(-totals[1] // 10)
    with portal.serve() as base_url, httpx.Client(base_url=base_url) as http:
        soup = soup_of(http.get(page_url("kinh-te", last)))
        assert [a["href"] for a in soup.select(ITEM_LINKS)] == [
            a.path for a in portal.listing("kinh-te", last)
        ]
        oldest = portal.article(9_999)
        response = http.get(oldest.path)
        assert response.status_code == 200
        assert soup_of(response).select_one(".asset-full-content-title").get_text() == oldest.title


def test_config_rejects_what_cannot_be_laid_out() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        PortalConfig(count=661, days=1)
    with pytest.raises(ValueError):
        PortalConfig(days=0)
    with pytest.raises(ValueError):
        PortalConfig(per_page=0)
    assert main(["--count", "661", "--days", "1"]) == 2


def test_end_defaults_to_today_in_vietnam() -> None:
    before = datetime.now(VN).date()
    portal = SamplePortal(PortalConfig(count=3))
    assert portal.end in {before, datetime.now(VN).date()}
    assert portal.article(0).published_at.date() == portal.end


# -- listings ------------------------------------------------------------------------------


def test_listing_first_page_is_newest_first(portal: SamplePortal, client: httpx.Client) -> None:
    response = client.get("/tin-tuc-su-kien")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html;charset=UTF-8"
    soup = soup_of(response)
    expected = portal.listing("tin-tuc-su-kien", 1)
    assert [a.index for a in expected] == portal.category_indices("tin-tuc-su-kien")[:10]
    assert [a["href"] for a in soup.select(ITEM_LINKS)] == [a.path for a in expected]
    assert [a.get_text() for a in soup.select(ITEM_LINKS)] == [a.title for a in expected]
    dates = [d.get_text(strip=True) for d in soup.select("div.assetPublishDate.block_timer")]
    assert dates[0] == "Ngày đăng 14/06/2024 | 10:52 AM"
    assert dates == [f"Ngày đăng {a.published_at:%d/%m/%Y | %I:%M %p}" for a in expected]
    summaries = [s.get_text(strip=True) for s in soup.select("div.asset-summary")]
    assert all(
        a.lead.startswith(s.removesuffix("...")) for s, a in zip(summaries, expected, strict=True)
    )
    assert (
        soup.select_one("small.search-results").get_text(strip=True)
        == "Hiển thị 1 - 10 of 25 kết quả."
    )
    assert pager(soup) == [
        ("disabled first", "← Đầu tiên", "javascript:;"),
        ("disabled", "Trước", "javascript:;"),
        ("", "Tiếp", page_url("tin-tuc-su-kien", 2)),
        ("last", "Cuối cùng →", page_url("tin-tuc-su-kien", 3)),
    ]


def test_listing_last_page(portal: SamplePortal, client: httpx.Client) -> None:
    soup = soup_of(client.get(page_url("tin-tuc-su-kien", 3)))
    assert [a["href"] for a in soup.select(ITEM_LINKS)] == [
        a.path for a in portal.listing("tin-tuc-su-kien", 3)
    ]
    assert len(soup.select(ITEM_LINKS)) == 5
    assert (
        soup.select_one("small.search-results").get_text(strip=True)
        == "Hiển thị 21 - 25 of 25 kết quả."
    )
    assert pager(soup) == [
        ("first", "← Đầu tiên", page_url("tin-tuc-su-kien", 1)),
        ("", "Trước", page_url("tin-tuc-su-kien", 2)),
        ("disabled", "Tiếp", "javascript:;"),
        ("disabled last", "Cuối cùng →", "javascript:;"),
    ]


def test_out_of_range_and_odd_pages(portal: SamplePortal, client: httpx.Client) -> None:
    response = client.get("/kinh-te?p_p_id=101&_101_cur=99&p_p_col_id=column-1&foo=bar")
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.select(ITEM_LINKS) == []
    assert soup.select_one("div.alert.alert-info").get_text(strip=True) == "Không có kết quả nào."
    assert [button[0] for button in pager(soup)][2:] == ["disabled", "disabled last"]
    first_page = [a.path for a in portal.listing("kinh-te", 1)]
    for odd in ("/kinh-te?_101_cur=abc", "/kinh-te?_101_cur=0", "/kinh-te/"):
        assert [a["href"] for a in soup_of(client.get(odd)).select(ITEM_LINKS)] == first_page
    soup = soup_of(client.get("/kinh-te?_101_cur=2&_101_delta=5"))
    assert [a["href"] for a in soup.select(ITEM_LINKS)] == [
        a.path for a in portal.listing("kinh-te", 2, 5)
    ]
    assert pager(soup)[2] == ("", "Tiếp", page_url("kinh-te", 3, delta=5))


def test_following_next_lists_every_article_once(
    portal: SamplePortal, client: httpx.Client
) -> None:
    seen: list[str] = []
    for path in portal.category_paths:
        pages, target = 0, path
        while target != "javascript:;":
            soup = soup_of(client.get(target))
            seen += [a["href"] for a in soup.select(ITEM_LINKS)]
            pages += 1
            buttons = pager(soup)
            target = buttons[2][2] if buttons else "javascript:;"
        assert pages == portal.page_count(path.strip("/"))
    assert seen == [
        portal.article(i).path
        for slug in ("tin-tuc-su-kien", "kinh-te", "van-hoa-xa-hoi")
        for i in portal.category_indices(slug)
    ]
    assert sorted(seen) == sorted(a.path for a in portal.articles)


def test_home_page_links_the_listings_and_newest_articles(
    portal: SamplePortal, client: httpx.Client
) -> None:
    soup = soup_of(client.get("/"))
    assert soup.title.get_text() == f"Trang chủ - {SITE}"
    assert [a["href"] for a in soup.select("nav#navigation ul.navi > li > a")] == [
        "/",
        *portal.category_paths,
    ]
    newest = [a["href"] for a in soup.select("#main-content ul.title-list li.title-list > a")]
    assert newest == [
        a.path
        for slug in ("tin-tuc-su-kien", "kinh-te", "van-hoa-xa-hoi")
        for a in portal.listing(slug, 1, 5)
    ]


# -- article pages -------------------------------------------------------------------------


def _figures_in(body: Tag) -> list[tuple[str, str, str]]:
    """(src, caption as printed, style) of each figure, in document order."""
    found = []
    for element in body.find_all(recursive=False):
        if element.name == "p" and element.img is not None:
            caption = element.find_next_sibling("p")
            assert caption is not None and caption.em is not None
            assert caption.get("style") == "text-align: center;"
            found.append((element.img["src"], caption.em.get_text(), "centred"))
        elif element.name == "table" and "image-table" in element["class"]:
            rows = element.find_all("tr")
            caption_cell = rows[1].td
            assert caption_cell["style"] == "text-align: center;"
            found.append((rows[0].img["src"], caption_cell.span.em.get_text(), "table"))
        elif element.name == "figure":
            found.append((element.img["src"], element.figcaption.get_text(), "figure"))
    return found


def _three_styles(portal: SamplePortal) -> SampleArticle:
    return next(
        a
        for a in portal.articles
        if {f.style for f in a.figures} == {"centred", "table", "figure"}
        and any(f.credit for f in a.figures)
        and not (a.malformed or a.missing)
    )


def test_article_page_markup_and_text(portal: SamplePortal, client: httpx.Client) -> None:
    article = _three_styles(portal)
    response = client.get(article.path, headers={"Host": "donglam.test"})
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.title.get_text() == f"{article.title} - {article.category_name} - {SITE}"
    assert soup.select_one('link[rel="canonical"]')["href"] == "http://donglam.test" + article.path
    assert article.lead.startswith(
        soup.select_one('meta[name="description"]')["content"].removesuffix("...")
    )
    skip = soup.select_one("a#skip-to-content")
    assert (skip["href"], skip.get_text()) == ("#main-content", "Truy cập nội dung luôn")

    portlet = soup.select_one("#main-content .portlet-boundary_101_")
    assert portlet.select_one("div.asset-full-content-title").get_text() == article.title
    shown_date = portlet.select_one("div.assetPublishDate").get_text(strip=True)
    assert shown_date == article.published_at.strftime("%d-%m-%Y %H:%M")
    content = portlet.select_one(
        f"div.asset-full-content > div.asset-content#_101_{article.article_id}"
    )
    assert content.select_one("div.sapo-wrapper p.sapo strong").get_text() == article.lead
    body = content.select_one("div.journal-content-article")
    justified = body.find_all("p", style="text-align: justify;", recursive=False)
    assert [p.get_text() for p in justified] == list(article.paragraphs)
    assert _figures_in(body) == [(f.path, f.caption_text, f.style) for f in article.figures]
    for figure in article.figures:
        expected = f"{figure.caption} (Ảnh: {figure.credit})" if figure.credit else figure.caption
        assert figure.caption_text == expected
    byline = body.find_all(recursive=False)[-1]
    assert (byline.name, byline["style"]) == ("p", "text-align: right;")
    assert byline.strong.get_text() == f"{article.author} ({article.unit})"

    assert [a.get_text(strip=True) for a in portlet.select("div.asset-control-detail a")] == [
        "Print",
        "Send email",
    ]
    assert portlet.select_one("div.related_asset_title").get_text() == "Tin liên quan"
    related = [a["href"] for a in portlet.select("ul.related_asset_list a")]
    assert related == [r.path for r in portal.related(article)] and len(related) == 5
    assert article.path not in related
    poll = soup.select_one(".portlet-boundary_59_")
    assert poll.select_one(".portlet-title-text").get_text() == "THĂM DÒ Ý KIẾN"
    assert len(poll.select('input[type="radio"]')) == 3
    footer = soup.select_one("#footer").get_text(" ", strip=True)
    assert "Về đầu trang" in footer and "thị trấn Đồng Lâm" in footer


def test_malformed_article_is_cut_inside_head(portal: SamplePortal, client: httpx.Client) -> None:
    article = portal.article(7)
    response = client.get(article.path)
    assert response.status_code == 200
    assert response.text.endswith("<head>\n")
    assert "<title" not in response.text and "<body" not in response.text
    assert int(response.headers["content-length"]) == len(response.content)
    page = 1 + portal.category_indices(article.category_slug).index(7) // 10
    listed = soup_of(client.get(page_url(article.category_slug, page))).select(ITEM_LINKS)
    assert article.path in [a["href"] for a in listed]


def test_missing_article_is_listed_but_answers_404(
    portal: SamplePortal, client: httpx.Client
) -> None:
    article = portal.article(13)
    response = client.get(article.path)
    assert response.status_code == 404
    assert soup_of(response).select_one("h3.alert-error").get_text(strip=True) == "Không tìm thấy"
    page = 1 + portal.category_indices(article.category_slug).index(13) // 10
    listed = soup_of(client.get(page_url(article.category_slug, page))).select(ITEM_LINKS)
    assert article.path in [a["href"] for a in listed]


def test_images_are_jpeg(portal: SamplePortal, client: httpx.Client) -> None:
    sources = [f.path for f in portal.article(0).figures]
    sources += [img["src"] for img in soup_of(client.get("/kinh-te")).select("div.asset-image img")]
    assert sources
    for src in sources:
        response = client.get(src)
        assert (response.status_code, response.headers["content-type"]) == (200, "image/jpeg")
        assert response.content[:3] == b"\xff\xd8\xff" and response.content[-2:] == b"\xff\xd9"


def test_unknown_paths_answer_404(portal: SamplePortal, client: httpx.Client) -> None:
    article = portal.article(0)
    wrong_id = article.path.rsplit("-", 1)[0] + "-123"
    wrong_page = article.path.replace("/tin-tuc-su-kien/", "/kinh-te/", 1)
    for path in (
        "/khong-co-trang-nay",
        "/favicon.ico",
        wrong_id,
        wrong_page,
        "/documents/20181/1/x.png/abc",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Không tìm thấy" in response.text
    robots = client.get("/robots.txt")
    assert (robots.status_code, robots.text) == (200, "User-agent: *\nDisallow:\n")


def test_head_answers_like_get_without_body(client: httpx.Client) -> None:
    get, head = client.get("/kinh-te"), client.head("/kinh-te")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))


def test_requests_log_records_paths_and_statuses() -> None:
    portal = SamplePortal(PortalConfig(end=END))
    missing = portal.article(13).path
    with portal.serve() as base_url, httpx.Client(base_url=base_url) as http:
        for target in ("/", "/kinh-te?_101_cur=2", missing, "/nope"):
            http.get(target)
        http.head("/")
        log = portal.requests
    assert [entry[1:] for entry in log] == [
        ("GET", "/", 200),
        ("GET", "/kinh-te?_101_cur=2", 200),
        ("GET", missing, 404),
        ("GET", "/nope", 404),
        ("HEAD", "/", 200),
    ]
    stamps = [entry[0] for entry in log]
    assert stamps == sorted(stamps)
    portal.clear_requests()
    assert portal.requests == []
