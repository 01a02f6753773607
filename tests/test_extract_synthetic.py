"""Hand-written pages for the rules the corpus does not show: bylines, credits, decoding."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from legacy_bytes import to_cp1258

from extractors import Attachment, Figure, extract
from extractors.bylines import Byline, parse_byline
from extractors.figures import split_credit

ICT = timezone(timedelta(hours=7))
URL = "https://dinhhoa.thainguyen.gov.vn/tin-tuc/-/asset_publisher/abc/content/hoi-nghi"

LIFERAY_PAGE = """<!DOCTYPE html><html lang="en-US"><head>
<meta charset="utf-8"><title>Hội nghị tổng kết năm 2023 - Tin tức - Cổng TTĐT huyện Định Hóa
</title></head><body><a href="#main-content" id="skip-to-content">Truy cập nội dung luôn</a>
<div id="main-content"><div class="portlet-boundary portlet-boundary_101_">
<div class="asset-full-content-title">Hội nghị tổng kết năm 2023</div>
<div class="assetPublishDate">Thứ Sáu, 06/05/2022 - 14:56</div>
<div class="asset-full-content"><div class="asset-content">
<div class="sapo-wrapper"><p class="sapo"><strong> </strong></p></div>
<div class="journal-content-article">
<p>Sáng nay, huyện Định Hóa tổ chức hội nghị tổng kết công tác năm 2023.</p>
<p style="text-align:center"><img src="/documents/1/2/hn.jpg" width="600" height="400"></p>
<p style="text-align:center"><em>Các đại biểu dự hội nghị (Ảnh: Minh Anh)</em></p>
<table><tr><td><img data-src="/documents/1/2/hn2.jpg" src="data:image/gif;base64,R0lGOD"></td>
</tr><tr><td>Đồng chí Bí thư phát biểu. Ảnh: TL</td></tr></table>
<p><img src="/images/spacer.gif" width="1" height="1">Hội nghị&nbsp;thống nhất chỉ tiêu
 năm 2024.</p>
<p><a href="/documents/1/2/Bao cao tong ket.PDF">Báo cáo tổng kết</a></p>
<figure><img srcset="/anh/le-hoi-480.jpg 480w, /anh/le-hoi-960.jpg 960w">
<figcaption>Lễ hội Lồng Tồng (Ảnh minh họa)</figcaption></figure>
<p style="text-align:right"><strong>Tin, ảnh: Minh Anh</strong></p>
<p style="text-align:right"><em>Theo Báo Thái Nguyên</em></p>
</div></div></div>
<div class="related_asset"><div class="related_asset_title">Tin liên quan</div>
<ul class="related_asset_list"><li><a href="/a">Bài khác</a></li></ul></div>
</div></div></body></html>"""


def test_liferay_synthetic_page() -> None:
    article = extract(LIFERAY_PAGE.encode("utf-8"), URL)
    assert article.profile == "liferay-6.2"
    assert article.title == "Hội nghị tổng kết năm 2023"
    assert article.category == "Tin tức"
    assert article.published_at == datetime(2022, 5, 6, 14, 56, tzinfo=ICT)
    assert article.lead is None
    assert article.author == "Minh Anh"
    assert article.source_unit == "Báo Thái Nguyên"
    assert article.language == "vi"
    assert article.body_text.split("\n\n") == [
        "Sáng nay, huyện Định Hóa tổ chức hội nghị tổng kết công tác năm 2023.",
        "Hội nghị\xa0thống nhất chỉ tiêu năm 2024.",
        "Báo cáo tổng kết",
    ]
    site = "https://dinhhoa.thainguyen.gov.vn"
    assert article.figures == (
        Figure(1, f"{site}/documents/1/2/hn.jpg", "Các đại biểu dự hội nghị", "Minh Anh"),
        Figure(2, f"{site}/documents/1/2/hn2.jpg", "Đồng chí Bí thư phát biểu.", "TL"),
        Figure(3, f"{site}/anh/le-hoi-480.jpg", "Lễ hội Lồng Tồng", "Ảnh minh họa"),
    )
    assert article.attachments == (
        Attachment(
            1, f"{site}/documents/1/2/Bao%20cao%20tong%20ket.PDF", "Báo cáo tổng kết", "pdf"
        ),
    )


GENERIC_PAGE = """<html lang="vi"><head><title>Ra quân làm đường giao thông nông thôn | Xã Phú
 Lương</title><meta property="og:title" content="Ra quân làm đường giao thông nông thôn">
</head><body><header><nav><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></nav></header>
<div class="main"><article class="post">
<span class="date">Ngày 16/72/2020</span>
<p>{p1}</p>
<p>Sau một ngày, người dân đã hoàn thành 500 mét đường bê tông, đạt kế hoạch đề ra.</p>
<p><b>Nguồn: Đài Truyền thanh huyện</b></p>
</article><aside><p>Tin mới nhất: Hội nghị tổng kết công tác năm 2023 của huyện.</p></aside>
</div><footer><p>Bản quyền thuộc về Ủy ban nhân dân xã Phú Lương, tỉnh Thái Nguyên.</p></footer>
</body></html>"""
P1 = "Sáng 6/5, hơn 200 người dân xã đã tham gia ra quân làm đường giao thông nông thôn."


def test_generic_page_with_unreadable_date_and_decomposed_text() -> None:
    decomposed = unicodedata.normalize("NFD", P1).replace(" hơn ", "\u00a0hơn\u00a0 ")
    article = extract(GENERIC_PAGE.format(p1=decomposed), "https://phuluong.gov.vn/tin/ra-quan")
    assert article.profile == "generic"
    assert article.title == "Ra quân làm đường giao thông nông thôn"
    assert article.published_at is None
    assert article.warnings == ("published_at: unreadable date 'Ngày 16/72/2020'",)
    assert article.body_text.split("\n\n") == [
        P1,
        "Sau một ngày, người dân đã hoàn thành 500 mét đường bê tông, đạt kế hoạch đề ra.",
    ]
    assert article.author is None
    assert article.source_unit == "Đài Truyền thanh huyện"
    assert article.language == "vi"


def test_missing_date_warns() -> None:
    page = "<html><title>Tiêu đề bài viết</title><body><p>" + P1 + "</p></body></html>"
    article = extract(page, "https://phuluong.gov.vn/tin/1")
    assert article.published_at is None
    assert article.warnings == ("published_at: no date found",)


def test_windows_1258_bytes_are_decoded_and_composed() -> None:
    text = "Hôm nay Việt Nam chào đón khách quý đến thăm dự hội nghị."
    page = b"<html><head><title>" + to_cp1258("Việt Nam") + b"</title></head><body><p>"
    page += to_cp1258(text) + b"</p></body></html>"
    assert b"Vi\xea\xf2t" in page  # not UTF-8: decoded by the Windows-1258 fallback
    article = extract(page, "https://example.gov.vn/a")
    assert article.title == "Việt Nam"
    assert article.body_text == text
    assert unicodedata.is_normalized("NFC", article.body_text)


@pytest.mark.parametrize(
    ("text", "styled", "expected"),
    [
        (
            "Thu Viền (Trung tâm Văn hóa, Thể thao - Truyền thông Võ Nhai)",
            True,
            Byline("Thu Viền", "Trung tâm Văn hóa, Thể thao - Truyền thông Võ Nhai"),
        ),
        ("Thu Viền (Trung tâm Văn hóa)", False, None),  # a plain paragraph: not a byline
        ("Tin, ảnh: Minh Anh", False, Byline("Minh Anh")),
        ("Bài, ảnh: Hoàng Long (TTVH)", True, Byline("Hoàng Long", "TTVH")),
        ("Bài và ảnh: Lê Phương - Thu Hà", True, Byline("Lê Phương - Thu Hà")),
        ("Theo baothainguyen.vn", False, Byline(source_unit="baothainguyen.vn")),
        ("Nguồn: Báo Thái Nguyên", False, Byline(source_unit="Báo Thái Nguyên")),
        ("PV", True, Byline("PV")),
        ("Nhóm PV", False, Byline("Nhóm PV")),
        ("CTV", True, Byline("CTV")),
        ("Mai An 14:43, 07/03/2024", True, Byline("Mai An")),
        ("admin admin", True, None),
        ("Administrator", True, None),
        ("Theo kế hoạch, năm 2024 huyện sẽ hoàn thành 20 km đường.", False, None),
        ("Kết luận hội nghị", True, None),
    ],
)
def test_parse_byline(text: str, styled: bool, expected: Byline | None) -> None:
    assert parse_byline(text, styled=styled) == expected


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Các đại biểu dự hội nghị (Ảnh: Minh Anh)", ("Các đại biểu dự hội nghị", "Minh Anh")),
        (
            "Y bác sĩ nội soi cho bệnh nhân. Ảnh: Bệnh viện cung cấp",
            ("Y bác sĩ nội soi cho bệnh nhân.", "Bệnh viện cung cấp"),
        ),
        ("Lễ hội Lồng Tồng - Ảnh: TL", ("Lễ hội Lồng Tồng", "TL")),
        ("Ảnh minh họa", (None, "Ảnh minh họa")),
        ("Nông dân thu hoạch chè. (Ảnh minh hoạ)", ("Nông dân thu hoạch chè.", "Ảnh minh hoạ")),
        ("Ảnh: Thu Viền", (None, "Thu Viền")),
        (
            "Đánh giá thực hiện Nghị quyết số 35-NQ/TW",
            ("Đánh giá thực hiện Nghị quyết số 35-NQ/TW", None),
        ),
    ],
)
def test_split_credit(caption: str, expected: tuple[str | None, str | None]) -> None:
    assert split_credit(caption) == expected


LIFERAY_61_PAGE = """<html><head><title>Giao ban công tác quý I - Tin hoạt động - UBND huyện
</title></head><body><div id="main-content"><div class="portlet-boundary_101_">
<div class="asset-full-content"><div class="asset_title"><span>Giao ban công tác quý I</span>
</div><div class="asset-publish-date"><span>Thứ Hai, ngày 09/05/2022 10:15</span></div>
<div class="asset-content"><div class="assetdesc-text">Sáng 9/5, Ban Chỉ đạo huyện tổ chức
 giao ban công tác quý I năm 2022.</div>
<p>Tại hội nghị, các đại biểu đã thảo luận, đánh giá kết quả thực hiện nhiệm vụ quý I.</p>
<p style="text-align: right;"><strong>PV</strong></p>
</div></div></div></div></body></html>"""


def test_liferay_61_variant() -> None:
    article = extract(LIFERAY_61_PAGE, "https://vonhai.thainguyen.gov.vn/tin-hoat-dong/-/a/b")
    assert article.profile == "liferay-6.1"
    assert article.title == "Giao ban công tác quý I"
    assert article.published_at == datetime(2022, 5, 9, 10, 15, tzinfo=ICT)
    assert article.lead == "Sáng 9/5, Ban Chỉ đạo huyện tổ chức giao ban công tác quý I năm 2022."
    assert article.body_text == (
        "Tại hội nghị, các đại biểu đã thảo luận, đánh giá kết quả thực hiện nhiệm vụ quý I."
    )
    assert (article.author, article.source_unit) == ("PV", None)
    assert article.category == "Tin hoạt động"
