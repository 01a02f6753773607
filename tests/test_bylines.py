"""Byline forms of Vietnamese portals and newspapers (PORTALS.md, "Text conventions")."""

from __future__ import annotations

import pytest

from extractors import extract
from extractors.bylines import Byline, is_cms_account, parse_byline


@pytest.mark.parametrize(
    ("text", "styled", "expected"),
    [
        ("Minh Anh (Báo Thái Nguyên)", True, Byline("Minh Anh", "Báo Thái Nguyên")),
        ("PV (Trung tâm Truyền thông)", True, Byline("PV", "Trung tâm Truyền thông")),
        ("Lê Phương (theo VnExpress)", True, Byline("Lê Phương", "VnExpress")),
        ("Tin, ảnh: Minh Anh (TTVH Võ Nhai)", False, Byline("Minh Anh", "TTVH Võ Nhai")),
        ("Tin: Thu Hà - Ảnh: Minh Anh", False, Byline("Thu Hà")),
        ("Bài, ảnh: Thu Hà", False, Byline("Thu Hà")),
        ("Theo TTXVN", False, Byline(source_unit="TTXVN")),
        ("(Theo TTXVN)", False, Byline(source_unit="TTXVN")),
        ("Theo Báo Thái Nguyên.", False, Byline(source_unit="Báo Thái Nguyên")),
        ("Nguồn: baochinhphu.vn", False, Byline(source_unit="baochinhphu.vn")),
        (
            "Nguồn: https://baothainguyen.vn/tin-tuc/a-123.html",
            False,
            Byline(source_unit="https://baothainguyen.vn/tin-tuc/a-123.html"),
        ),
        ("Nhóm PV Đời sống", True, Byline("Nhóm PV Đời sống")),
        ("CTV Hoàng Long", True, Byline("CTV Hoàng Long")),
        ("Mai An, 14:43 07/03/2024", True, Byline("Mai An")),
        ("Mai An 07/03/2024 14:43", True, Byline("Mai An")),
        ("Hoàng Hà ha@example.vn", True, Byline("Hoàng Hà")),  # VnExpress p.author_mail
        ("Thu Hà - Minh Anh", True, Byline("Thu Hà - Minh Anh")),
        ("Lê Phương", False, None),  # a bare name needs bold or right alignment
        ("Theo kế hoạch, năm 2024 huyện sẽ hoàn thành 20 km đường.", False, None),
        ("Theo ông Hùng, dự án sẽ xong trong năm nay.", False, None),
        ("theo dõi sát sao", False, None),
        ("Quản trị viên", True, None),
        ("admin admin", True, None),
        ("Tin, ảnh: admin", False, None),
    ],
)
def test_parse_byline_forms(text: str, styled: bool, expected: Byline | None) -> None:
    assert parse_byline(text, styled=styled) == expected


@pytest.mark.parametrize("name", ["admin admin", "Administrator", "webmaster", "test test", "root"])
def test_cms_accounts(name: str) -> None:
    assert is_cms_account(name)


@pytest.mark.parametrize("name", ["Lê Phương", "Thu Viền", "Minh Anh"])
def test_people_are_not_cms_accounts(name: str) -> None:
    assert not is_cms_account(name)


BODY = (
    "<p>Sáng nay, huyện Định Hóa tổ chức hội nghị tổng kết công tác năm 2023 tại hội trường.</p>"
    "<p>Hội nghị đã thống nhất các chỉ tiêu phát triển kinh tế - xã hội của năm 2024.</p>"
)


def page(closing: str) -> str:
    return (
        "<html><head><title>Hội nghị tổng kết năm 2023</title></head><body><article>"
        f"<h1>Hội nghị tổng kết năm 2023</h1>{BODY}{closing}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("closing", "author", "source_unit"),
    [
        ('<p style="text-align:right"><strong>Lê Phương</strong></p>', "Lê Phương", None),
        ('<p align="right">Thu Viền (TTVH Võ Nhai)</p>', "Thu Viền", "TTVH Võ Nhai"),
        (
            "<p><b>Tin, ảnh: Minh Anh</b></p><p><em>Theo Báo Thái Nguyên</em></p>",
            "Minh Anh",
            "Báo Thái Nguyên",
        ),
        ("<p>Nguồn: Sở Y tế</p>", None, "Sở Y tế"),
        ("<p><strong>Mai An 14:43, 07/03/2024</strong></p>", "Mai An", None),
        ('<p style="text-align:right"><strong>admin admin</strong></p>', None, None),
        ("<p><strong>PV</strong></p>", "PV", None),
    ],
)
def test_closing_bylines_leave_the_body(
    closing: str, author: str | None, source_unit: str | None
) -> None:
    article = extract(page(closing), "https://dinhhoa.thainguyen.gov.vn/tin/1")
    assert (article.author, article.source_unit) == (author, source_unit)
    assert len(article.body_text.split("\n\n")) == 2
    assert "admin" not in article.body_text


def test_author_mail_paragraph() -> None:
    closing = (
        '<p class="author_mail"><strong>Hoàng Hà</strong> <a href="mailto:h@x.vn">h@x.vn</a></p>'
    )
    html = (
        page("")
        .replace("<article>", '<article class="fck_detail">')
        .replace("</article>", closing + "</article>")
    )
    article = extract(html, "https://baomau.vn/a-1.html")
    assert article.profile == "vnexpress"
    assert article.author == "Hoàng Hà"
    assert "h@x.vn" not in article.body_text
