"""Pages that cannot be read as articles raise ExtractionError with the URL and a reason."""

from __future__ import annotations

import random

import pytest

from extractors import ExtractionError, extract, parse_listing

URL = "https://vonhai.thainguyen.gov.vn/tin-tuc/-/asset_publisher/x/content/y"


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (b"", "empty document"),
        (b"   \n\t  ", "empty document"),
        ("", "empty document"),
        (b"\x00\x01\x02PK\x03\x04" + bytes(range(256)) * 8, "not HTML: binary content"),
        (random.Random(7).randbytes(4096).replace(b"\x00", b"\x01"), "not HTML: binary content"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj", "not HTML: no HTML tags found"),
        ("Chỉ là một dòng chữ, không phải HTML.", "not HTML: no HTML tags found"),
        (
            "<html><head></head><body><nav><a href='/'>Trang chủ</a></nav></body></html>",
            "no title found",
        ),
        (
            "<html><head><title>Trang chủ - Cổng thông tin</title></head>"
            "<body><nav><ul><li><a href='/'>Trang chủ</a></li></ul></nav>"
            "<footer><p>Địa chỉ: số 1, đường Hoàng Văn Thụ, thành phố Thái Nguyên</p></footer>"
            "</body></html>",
            "no body text found",
        ),
        (
            "<html><head><title>Tin tức - Cổng thông tin</title></head><body>"
            "<div class='portlet-boundary_101_'><div class='asset-full-content-title'>Tin tức"
            "</div><div class='asset-full-content'><div class='journal-content-article'>"
            "<p class='view-content-author'>admin admin</p></div></div></div></body></html>",
            "no body text found",
        ),
    ],
)
def test_unreadable_pages(page: bytes | str, reason: str) -> None:
    with pytest.raises(ExtractionError) as raised:
        extract(page, URL)
    assert raised.value.reason == reason
    assert raised.value.url == URL
    assert str(raised.value) == f"{URL}: {reason}"


def test_listing_of_binary_raises() -> None:
    with pytest.raises(ExtractionError) as raised:
        parse_listing(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", URL)
    assert raised.value.reason == "not HTML: binary content"


def test_unknown_profile_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="unknown profile 'wordpress'"):
        extract("<html><title>x</title><p>y</p></html>", URL, profile="wordpress")
