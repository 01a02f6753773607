"""Soft errors: a 200 that is not the page asked for is a failure, never an article or a
listing with no more links; a real page about an error or a maintenance stays one."""

from __future__ import annotations

import pytest

from extractors import ExtractionError, extract, parse_listing
from extractors.document import parse_document
from extractors.soft_errors import (
    ERROR_TEXT_MAX_TEXT,
    ERROR_TITLE_MAX_TEXT,
    LOGIN_MAX_TEXT,
    soft_error,
    visible_text,
)

URL = "https://vonhai.thainguyen.gov.vn/tin-tuc/-/asset_publisher/x/content/bai-viet"


def page(title: str, body: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}<script>var menu = 'Service Unavailable';</script></head><body>{body}"
        "</body></html>"
    )


def judged(html: str) -> str | None:
    return soft_error(parse_document(html, URL).soup)


# A sentence of ordinary portal text.
FILLER = (
    "Ủy ban nhân dân huyện Võ Nhai tổ chức hội nghị tổng kết công tác năm "
    "và triển khai nhiệm vụ mới. "
)


def filler(chars: int) -> str:
    """Ordinary paragraphs of about ``chars`` characters of text."""
    return "".join(f"<p>{FILLER}</p>" for _ in range(chars // len(FILLER) + 1))


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (
            page("Service Unavailable", "<h1>Service Unavailable</h1><p>Try again later.</p>"),
            "soft error: an error page (title 'Service Unavailable')",
        ),
        (
            page("503 Service Temporarily Unavailable", "<p>nginx</p>"),
            "soft error: an error page (title '503 Service Temporarily Unavailable')",
        ),
        (
            page("Cổng thông tin điện tử huyện Võ Nhai", "<h1>Hệ thống đang bảo trì</h1>"),
            "soft error: an error page (title 'Hệ thống đang bảo trì')",
        ),
        (
            page("Lỗi - Cổng thông tin điện tử", "<p>Đã có lỗi xảy ra.</p>"),
            "soft error: an error page (title 'Lỗi - Cổng thông tin điện tử')",
        ),
        (
            page("404 Not Found", "<h1>Not Found</h1>"),
            "soft error: an error page (title '404 Not Found')",
        ),
        (
            page(
                "Cổng thông tin điện tử",
                "<p>Xin lỗi, trang bạn yêu cầu không tồn tại hoặc đã bị xóa.</p>",
            ),
            "soft error: an error page ('trang bạn yêu cầu không tồn tại')",
        ),
        (
            page("Trang chủ", "<p>The requested URL was not found on this server.</p>"),
            "soft error: an error page ('The requested URL was not found')",
        ),
        (
            page(
                "Cổng thông tin",
                "<form><input name='u'><input type='password' name='p'><button>Vào</button></form>",
            ),
            "soft error: a login wall (a password field and little text)",
        ),
    ],
)
def test_error_pages_are_soft_errors(html: str, reason: str) -> None:
    assert judged(html) == reason


def test_a_real_article_about_errors_and_maintenance_is_not_one() -> None:
    html = page(
        "Thông báo bảo trì hệ thống dịch vụ công trực tuyến",
        "<h1>Thông báo bảo trì hệ thống dịch vụ công trực tuyến</h1>"
        "<p>Hệ thống đang bảo trì từ 22h ngày 15/11 đến 6h ngày 16/11.</p>" + filler(3000),
    )
    assert judged(html) is None


def test_scripts_and_the_head_are_not_text() -> None:
    html = page("Tin tức", "<p>Một đoạn văn.</p>")
    assert visible_text(parse_document(html, URL).soup) == "Một đoạn văn."


def test_an_error_title_counts_up_to_its_bound_on_text() -> None:
    title = "Service Unavailable"
    short = page(title, filler(ERROR_TITLE_MAX_TEXT - 200))
    long = page(title, filler(ERROR_TITLE_MAX_TEXT + 100))
    assert len(visible_text(parse_document(short, URL).soup)) <= ERROR_TITLE_MAX_TEXT
    assert len(visible_text(parse_document(long, URL).soup)) > ERROR_TITLE_MAX_TEXT
    assert judged(short) == "soft error: an error page (title 'Service Unavailable')"
    assert judged(long) is None


def test_error_text_counts_up_to_its_bound_on_text() -> None:
    said = "<p>Hệ thống đang bảo trì, vui lòng quay lại sau.</p>"
    short = page("Cổng thông tin", said + filler(ERROR_TEXT_MAX_TEXT - 200))
    long = page("Cổng thông tin", said + filler(ERROR_TEXT_MAX_TEXT + 100))
    assert judged(short) == "soft error: an error page ('đang bảo trì')"
    assert judged(long) is None


def test_a_password_field_counts_up_to_its_bound_on_text() -> None:
    form = "<form><input type='password' name='p'></form>"
    short = page("Cổng thông tin", form + filler(LOGIN_MAX_TEXT - 200))
    # A portal's sign-in box beside a real page's text is not a login wall.
    long = page("Cổng thông tin", form + filler(LOGIN_MAX_TEXT + 100))
    assert judged(short) == "soft error: a login wall (a password field and little text)"
    assert judged(long) is None


def test_extract_refuses_an_error_page_with_its_reason() -> None:
    html = page("Service Unavailable", "<h1>Service Unavailable</h1><p>Please try later.</p>")
    with pytest.raises(ExtractionError) as raised:
        extract(html.encode(), URL)
    assert raised.value.reason == "soft error: an error page (title 'Service Unavailable')"


def test_a_listing_that_is_an_error_page_is_refused() -> None:
    html = page("Bảo trì", "<h1>Bảo trì</h1><p><a href='/'>Trang chủ</a></p>")
    with pytest.raises(ExtractionError) as raised:
        parse_listing(html.encode(), URL)
    assert raised.value.reason == "soft error: an error page (title 'Bảo trì')"


@pytest.mark.slow
def test_the_real_pages_are_not_soft_errors(shared_dir) -> None:
    import gzip

    pages = sorted((shared_dir / "corpus" / "wcxb-dev" / "html").glob("*.html.gz"))
    pages += sorted((shared_dir / "corpus" / "vn").glob("*.html"))
    pages += sorted((shared_dir / "corpus" / "seed").glob("*.html"))
    flagged = []
    for path in pages:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        reason = soft_error(parse_document(raw.decode("utf-8", "replace"), URL).soup)
        if reason is not None:
            flagged.append((path.name, reason))
    assert len(pages) == 715
    assert flagged == []
