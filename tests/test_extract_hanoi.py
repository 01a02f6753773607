"""A real Liferay 6.2 article of sotttt.hanoi.gov.vn (HTTrack mirror), annotated here."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin

import pytest

from extractors import Article, Attachment, extract

URL = (
    "https://sotttt.hanoi.gov.vn/chien-luoc-quy-hoach/-/view_content/708168-huong-dan-xay-dung"
    "-ke-hoach-ung-dung-cntt-trong-hoat-dong-cua-co-quan-nha-nuoc-thanh-pho-ha-noi-nam-2012"
)
TITLE = (
    "Hướng dẫn xây dựng Kế hoạch ứng dụng CNTT trong hoạt động của cơ quan nhà nước"
    " thành phố Hà Nội năm 2012"
)


@pytest.fixture(scope="module")
def article(shared_dir: Path) -> Article:
    page = shared_dir / "corpus" / "vn" / "sotttt-hanoi_chien-luoc-quy-hoach84a0.html"
    return extract(page.read_bytes(), URL)


def test_page_fields(article: Article) -> None:
    assert article.url == URL
    assert article.title == TITLE
    assert article.published_at == datetime(2012, 12, 21, 0, 0, tzinfo=timezone(timedelta(hours=7)))
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2012-12-21T00:00:00+07:00"
    assert article.lead is None  # the sapo is an empty <strong>
    assert article.category == "Chiến lược quy hoạch"
    assert article.language == "vi"  # the page says lang="en-US"
    assert article.profile == "liferay-6.2"
    assert article.warnings == ()


def test_canonical_is_made_absolute(article: Article) -> None:
    # The mirror rewrote <link rel=canonical> to a relative file name; it is resolved as is.
    href = (
        "chien-luoc-quy-hoach84a0.html?p_p_id=59_INSTANCE_6aZaRrRqV2Cq&p_p_lifecycle=0"
        "&p_p_state=normal&p_p_mode=view&p_p_col_id=column-2&p_p_col_pos=5&p_p_col_count=6"
    )
    assert article.canonical_url == urljoin(URL, href)


def test_cms_account_is_not_an_author(article: Article) -> None:
    assert article.author is None  # "admin admin"
    assert article.source_unit is None


def test_attachments(article: Article) -> None:
    assert article.attachments == (
        Attachment(
            ordinal=1,
            url="http://ict-hanoi.gov.vn/UploadFile/Tinbai/Bieu%207-%20Danh%20gia%20hien%20trang"
            "%20(Huong%20dan%20KH%202010).doc",
            label="Phần 1",
            kind="doc",
        ),
        Attachment(
            ordinal=2,
            url="http://ict-hanoi.gov.vn/UploadFile/Tinbai/Danh%20muc%20bieu%20KH%202012.xls",
            label="Phần 2",
            kind="xls",
        ),
    )
    assert article.figures == ()


@pytest.mark.parametrize(
    "snippet",
    [
        "Download Hướng dẫn xây dựng Kế hoạch ứng dụng CNTT trong hoạt động của cơ quan nhà nước"
        " thành phố Hà Nội năm 2012 tại đây:",
        "- Phần 1",
        "- Phần 2",
        "Thông tin trao đổi đề nghị liên hệ với phòng Kế hoạch - Tài chính, Sở Thông tin và"
        " Tuyền thông: Điện thoại: 043.7366620, Fax: 043.7366617, Email: tonghop@ict-hanoi.gov.vn.",
    ],
)
def test_body_contains(article: Article, snippet: str) -> None:
    assert snippet in article.body_text


@pytest.mark.parametrize(
    "snippet",
    [
        "admin admin",
        "Other News",
        "Chiến lược phát triển lĩnh vực thông tin cơ sở giai đoạn 2022-2025",
        "THĂM DÒ Ý KIẾN",
        "Send email",
        "Print",
        "Về đầu trang",
        "Truy cập nội dung luôn",
        "Giảng Võ",  # footer address
        "Trang chủ",  # menu
        "\u00a0",
    ],
)
def test_body_excludes(article: Article, snippet: str) -> None:
    assert snippet not in article.body_text


def test_body_closes_with_the_contact_paragraph(article: Article) -> None:
    assert article.body_text.split("\n\n")[-1].startswith("Thông tin trao đổi đề nghị liên hệ")
