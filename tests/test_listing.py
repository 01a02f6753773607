"""The two Hanoi Liferay listings: items in page order, dates, and the pager's next page."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from extractors import Listing, ListingItem, parse_listing

ICT = timezone(timedelta(hours=7))
SITE = "https://sotttt.hanoi.gov.vn"


def load(shared_dir: Path, name: str, url: str) -> Listing:
    return parse_listing((shared_dir / "corpus" / "vn" / name).read_bytes(), url)


@pytest.fixture(scope="module")
def ke_hoach(shared_dir: Path) -> Listing:
    return load(shared_dir, "sotttt-hanoi_ke-hoach.html", f"{SITE}/ke-hoach")


@pytest.fixture(scope="module")
def ngan_sach(shared_dir: Path) -> Listing:
    return load(shared_dir, "sotttt-hanoi_cong-khai-ngan-sach.html", f"{SITE}/cong-khai-ngan-sach")


def test_unpaginated_listing(ke_hoach: Listing) -> None:
    assert ke_hoach.url == f"{SITE}/ke-hoach"
    assert len(ke_hoach.items) == 11
    assert ke_hoach.items[0] == ListingItem(
        url=f"{SITE}/ke-hoach/-/view_content/4380720-ke-hoach-phat-trien-ha-tang-buu-chinh"
        "-vien-thong-phuc-vu-chuong-trinh-chuyen-doi-so-thanh-pho-ha-noi-den-nam-2025"
        "-dinh-huong-den-nam-2030.html",
        title="Kế hoạch phát triển hạ tầng Bưu chính - Viễn thông phục vụ Chương trình chuyển"
        " đổi số thành phố Hà Nội đến năm 2025, định hướng đến năm 2030",
        published_at=datetime(2021, 7, 27, 16, 30, tzinfo=ICT),
    )
    assert ke_hoach.items[-1] == ListingItem(
        url=f"{SITE}/ke-hoach/-/view_content/689439-ke-hoach-ud-cntt-trong-co-quan-nha-nuoc"
        "-thanh-pho-ha-noi-2011.html",
        title="Kế hoạch ƯD CNTT trong cơ quan nhà nước thành phố Hà Nội 2011",
        published_at=datetime(2012, 12, 21, 0, 0, tzinfo=ICT),
    )
    assert ke_hoach.next_url is None


def test_all_items_have_urls_titles_and_dates(ke_hoach: Listing, ngan_sach: Listing) -> None:
    for item in (*ke_hoach.items, *ngan_sach.items):
        assert item.url.startswith(f"{SITE}/")
        assert "/-/view_content/" in item.url
        assert item.title
        assert item.published_at is not None
        assert item.published_at.utcoffset() == timedelta(hours=7)
    assert len({item.url for item in ke_hoach.items}) == 11


def test_paginated_listing(ngan_sach: Listing) -> None:
    assert len(ngan_sach.items) == 10
    assert ngan_sach.items[0] == ListingItem(
        url=f"{SITE}/cong-khai-ngan-sach/-/view_content/3859253-cong-khai-so-lieu-du-toan-thu"
        "-chi-ngan-sach-duoc-giao-va-phan-bo-cho-cac-don-vi-truc-thuoc-nam-2020-cua-so-thong"
        "-tin-va-truyen-thong-thanh-pho-ha-no-2.6ab.dela",
        title="Công khai số liệu dự toán thu - chi ngân sách được giao và phân bổ cho các đơn vị"
        " trực thuộc năm 2020 của Sở Thông tin và Truyền thông thành phố Hà Nội (lần 6)",
        published_at=datetime(2020, 7, 28, 14, 20, tzinfo=ICT),
    )
    assert ngan_sach.items[-1] == ListingItem(
        url=f"{SITE}/cong-khai-ngan-sach/-/view_content/3206725-quyet-dinh-cong-khai-so-lieu"
        "-du-toan-thu-chi-ngan-sach-duoc-giao-va-phan-bo-cho-cac-don-vi-truc-thuoc-nam-2019"
        "-cua-so-thong-tin-va-truyen-thong-thanh-.6ba.dela",
        title="Công khai số liệu dự toán thu - chi ngân sách được giao và phân bổ cho các đơn vị"
        " trực thuộc năm 2019 của Sở Thông tin và Truyền thông thành phố Hà Nội (lần 3)",
        published_at=datetime(2019, 4, 5, 10, 10, tzinfo=ICT),
    )


def test_next_page(ngan_sach: Listing) -> None:
    # The "next" button (after the disabled "Trước") links to _101_cur=2; the HTTrack mirror
    # rewrote the page name to cong-khai-ngan-sach3046.html.
    assert ngan_sach.next_url == (
        f"{SITE}/cong-khai-ngan-sach3046.html?p_p_id=101&p_p_lifecycle=0&p_p_state=normal"
        "&p_p_mode=view&p_p_col_id=column-1&p_p_col_pos=1&p_p_col_count=2&_101_delta=10"
        "&_101_keywords=&_101_advancedSearch=false&_101_andOperator=true"
        "&p_r_p_564233524_resetCur=false&_101_cur=2"
    )


PAGER = """<html><body><div class="asset-abstract"><h3 class="asset-title">
<a href="/tin/-/asset_publisher/abc/content/bai-viet">Bài viết</a></h3>
<div class="assetPublishDate">06/05/2022</div></div>
<div class="taglib-page-iterator"><ul class="pager lfr-pagination-buttons">
<li class="first"><a href="/tin?_101_cur=1">&larr; Đầu tiên</a></li>
<li><a href="/tin?_101_cur=1">Trước</a></li>
<li class="{cls}"><a href="{href}">Tiếp</a></li>
<li class="last"><a href="/tin?_101_cur=3">Cuối &rarr;</a></li></ul></div></body></html>"""


@pytest.mark.parametrize(
    ("cls", "href", "expected"),
    [
        ("", "/tin?_101_INSTANCE_x_cur=3", "https://portal.gov.vn/tin?_101_INSTANCE_x_cur=3"),
        ("disabled", "/tin?_101_cur=3", None),
        ("", "javascript:;", None),
    ],
)
def test_next_button_states(cls: str, href: str, expected: str | None) -> None:
    listing = parse_listing(
        PAGER.format(cls=cls, href=href), "https://portal.gov.vn/tin?_101_cur=2"
    )
    assert listing.next_url == expected
    assert listing.items == (
        ListingItem(
            url="https://portal.gov.vn/tin/-/asset_publisher/abc/content/bai-viet",
            title="Bài viết",
            published_at=datetime(2022, 5, 6, tzinfo=ICT),
        ),
    )


BOX_NEWS = """<html><body>
<div class="box-news-xx"><a class="image" href="/tin/1"><img src="/a.jpg"></a>
<h2 class="h2-title-xx"><a href="/tin/1-hoi-nghi">Hội nghị tổng kết công tác năm 2023</a></h2>
<div class="hot-news-tol"><p class="date_post">06/05/2022 14:56</p></div>
<div class="hot-news-sapo-x">Tóm tắt</div></div>
<div class="box-news-xx"><h2 class="h2-title-xx"><a href="/tin/2-le-hoi">Lễ hội xuân</a></h2>
<span class="span-date">07/05/2022</span></div>
</body></html>"""


def test_box_news_template() -> None:
    listing = parse_listing(BOX_NEWS, "https://songcong.thainguyen.gov.vn/tin-tuc")
    assert listing.items == (
        ListingItem(
            url="https://songcong.thainguyen.gov.vn/tin/1-hoi-nghi",
            title="Hội nghị tổng kết công tác năm 2023",
            published_at=datetime(2022, 5, 6, 14, 56, tzinfo=ICT),
        ),
        ListingItem(
            url="https://songcong.thainguyen.gov.vn/tin/2-le-hoi",
            title="Lễ hội xuân",
            published_at=datetime(2022, 5, 7, tzinfo=ICT),
        ),
    )
    assert listing.next_url is None


def test_numbered_pager_without_labels() -> None:
    page = """<html><body><article><h2><a href="/tin/1">Hội nghị tổng kết công tác năm 2023</a>
    </h2><span class="date">06/05/2022</span></article>
    <ul class="pagination"><li><a href="/tin?page=1">1</a></li>
    <li class="active"><a href="/tin?page=2">2</a></li><li><a href="/tin?page=3">3</a></li></ul>
    </body></html>"""
    listing = parse_listing(page, "https://xa.gov.vn/tin?page=2")
    assert listing.next_url == "https://xa.gov.vn/tin?page=3"
    assert listing.items == (
        ListingItem(
            url="https://xa.gov.vn/tin/1",
            title="Hội nghị tổng kết công tác năm 2023",
            published_at=datetime(2022, 5, 6, tzinfo=ICT),
        ),
    )


def test_the_liferay_page_menu_is_cut_before_parsing_and_nothing_is_lost() -> None:
    from datetime import date

    from extractors.profiles import LIFERAY_62, cut_listing_markup
    from sample_portal import PortalConfig, SamplePortal
    from sample_portal.routes import respond

    portal = SamplePortal(PortalConfig(count=2000, days=200, end=date(2026, 11, 20)))
    target = "/kinh-te?p_p_id=101&_101_cur=7&_101_delta=10"
    page = respond(portal, target, "portal.test").body.decode()
    pages = portal.page_count("kinh-te")
    assert page.count("_101_pageMenu_") == pages  # every page is in the menu
    for profile in (LIFERAY_62, None):
        cut = cut_listing_markup(page, profile)
        assert "_101_pageMenu_" not in cut and len(cut) < len(page)
    listing = parse_listing(page.encode(), "http://portal.test" + target, profile="liferay-6.2")
    assert [i.url for i in listing.items] == [
        "http://portal.test" + a.path for a in portal.listing("kinh-te", 7)
    ]
    assert listing.next_url is not None and "_101_cur=8" in listing.next_url
