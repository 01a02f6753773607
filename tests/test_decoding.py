"""Page bytes to text: the charset order (header, BOM, meta, detection) and legacy fonts."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from legacy_bytes import to_cp1258

from extractors import ExtractionError, extract, parse_listing
from extractors.decoding import charset_of, decode_page, legacy_encoding

URL = "https://dinhhoa.thainguyen.gov.vn/tin-tuc/-/asset_publisher/abc/content/hoi-nghi"
TITLE = "Hội nghị tổng kết năm 2023"
BODY = "Sáng nay, huyện Định Hóa tổ chức hội nghị tổng kết công tác năm 2023 tại hội trường."


def page(head: str = "", title: str = TITLE, body: str = BODY) -> str:
    return (
        f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
        f"<article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("text/html; charset=UTF-8", "utf-8"),
        ('text/html; charset="windows-1258"', "cp1258"),
        ("text/html;charset=iso-8859-1", "cp1252"),  # HTML reads latin-1 as windows-1252
        ("text/html", None),
        ("text/html; charset=klingon", None),
        (None, None),
    ],
)
def test_charset_of_header(header: str | None, expected: str | None) -> None:
    assert charset_of(header) == expected


def test_utf8_page_with_a_wrong_header() -> None:
    data = page().encode("utf-8")
    decoded = decode_page(data, URL, "text/html; charset=windows-1258")
    assert (decoded.encoding, decoded.source) == ("utf-8", "utf-8")
    article = extract(data, URL, content_type="text/html; charset=windows-1258")
    assert (article.title, article.body_text) == (TITLE, BODY)


def test_latin1_declared_but_utf8_actual() -> None:
    data = page('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
    raw = data.encode("utf-8")
    for content_type in (None, "text/html; charset=ISO-8859-1"):
        article = extract(raw, URL, content_type=content_type)
        assert article.title == TITLE
        assert article.body_text == BODY
        assert not article.encoding_suspect


def test_the_header_wins_over_meta() -> None:
    # The page says UTF-8 but the server (rightly) says windows-1258.
    raw = to_cp1258(page('<meta charset="utf-8">'))
    decoded = decode_page(raw, URL, "text/html; charset=windows-1258")
    assert (decoded.encoding, decoded.source) == ("cp1258", "http")
    assert BODY in decoded.text


def test_cp1258_meta_is_composed_to_nfc() -> None:
    data = to_cp1258(
        page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')
    )
    assert b"ng\xf4\xecy" not in data and b"\xec" in data  # tone marks as separate bytes
    decoded = decode_page(data, URL)
    assert (decoded.encoding, decoded.source) == ("cp1258", "meta")
    assert unicodedata.is_normalized("NFC", decoded.text)
    assert "\u0301" not in decoded.text  # no combining acute left: "ế" is one letter
    article = extract(data, URL)
    assert (article.title, article.body_text) == (TITLE, BODY)


def test_undeclared_cp1258_is_detected() -> None:
    data = to_cp1258(page())
    decoded = decode_page(data, URL)
    assert decoded.encoding == "cp1258"
    assert decoded.source in ("detected", "fallback")
    assert BODY in decoded.text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_mark(bom: bytes, codec: str) -> None:
    data = bom + page('<meta charset="windows-1252">').encode(codec)
    decoded = decode_page(data, URL)
    assert decoded.source == "bom"
    assert not decoded.text.startswith("\ufeff")
    article = extract(data, URL)
    assert (article.title, article.body_text) == (TITLE, BODY)


def test_a_declared_charset_that_fails_falls_through() -> None:
    # Declared as UTF-8 (header and meta), written in windows-1258: detection takes over.
    data = to_cp1258(page('<meta charset="utf-8">'))
    decoded = decode_page(data, URL, "text/html; charset=utf-8")
    assert decoded.encoding == "cp1258"
    assert BODY in decoded.text


def test_utf16_meta_on_ascii_bytes_means_utf8() -> None:
    data = page('<meta charset="utf-16">').encode("utf-8")
    assert decode_page(data, URL).text.count(BODY) == 1


def test_entities_and_cdata_are_unwrapped() -> None:
    body = "Hội nghị&nbsp;thống nhất chỉ tiêu &amp; nhiệm vụ năm 2024 &#8211; huyện Định Hóa."
    cdata = "<p><![CDATA[Đoạn văn trong CDATA, viết bởi một trình soạn thảo cũ.]]></p>"
    html = page(body=body).replace("</article>", cdata + "</article>")
    assert "<p>Đoạn văn trong CDATA, viết" in decode_page(html, URL).text
    article = extract(html.encode("utf-8"), URL)
    assert article.body_text.split("\n\n") == [
        "Hội nghị\xa0thống nhất chỉ tiêu & nhiệm vụ năm 2024 – huyện Định Hóa.",
        "Đoạn văn trong CDATA, viết bởi một trình soạn thảo cũ.",
    ]


def test_listing_takes_content_type() -> None:
    html = (
        "<html><body><div class='asset-abstract'><h3 class='asset-title'>"
        "<a href='/tin/-/asset_publisher/a/content/b'>{t}</a></h3></div></body></html>"
    )
    data = to_cp1258(html.replace("{t}", TITLE))
    listing = parse_listing(data, URL, content_type="text/html; charset=windows-1258")
    assert [item.title for item in listing.items] == [TITLE]


# ---- legacy TCVN3 / VNI ------------------------------------------------------------------

# "Ngày 6 tháng 5 năm 2022, Ủy ban nhân dân huyện Võ Nhai tổ chức hội nghị triển khai
# Nghị quyết" as TCVN3 bytes read as windows-1252 (".VnTime" font), and the same in VNI.
TCVN3 = (
    "Ngµy 6 th¸ng 5 n¨m 2022, ñy ban nh©n d©n huyÖn Vâ Nhai tæ chøc héi nghÞ triÓn khai "
    "NghÞ quyÕt vÒ ph¸t triÓn kinh tÕ - x· héi cña ®Þa ph­¬ng."
)
VNI = (
    "Ngaøy 6 thaùng 5 naêm 2022, UÛy ban nhaân daân huyeän Voõ Nhai toå chöùc hoäi nghò "
    "trieån khai Nghò quyeát veà phaùt trieån kinh teá - xaõ hoäi cuûa ñòa phöông."
)


def legacy_page(text: str, font: str | None, meta: str = '<meta charset="windows-1252">') -> bytes:
    style = f' style="font-family: {font}"' if font else ""
    html = (
        f"<html><head>{meta}<title>Héi nghÞ</title></head><body><h1>Héi nghÞ</h1>"
        f"<div class='content'><p{style}>{text}</p></div></body></html>"
    )
    return html.encode("cp1252")


@pytest.mark.parametrize(
    ("text", "font", "name"),
    [
        (TCVN3, ".VnTime", "TCVN3"),
        (TCVN3, None, "TCVN3"),
        (VNI, "VNI-Times", "VNI"),
        (VNI, None, "VNI"),
    ],
)
def test_legacy_text_is_flagged_not_fixed(text: str, font: str | None, name: str) -> None:
    article = extract(legacy_page(text, font), URL)
    assert article.encoding_suspect
    assert article.to_dict()["encoding_suspect"] is True
    assert any(w.startswith(f"encoding: legacy {name} text suspected") for w in article.warnings)
    # Left as it is, for a person to convert; `clean` drops soft hyphens (TCVN3's ư) though.
    assert article.body_text == text.replace("\xad", "")
    if font:
        assert font in " ".join(article.warnings)


@pytest.mark.parametrize(("text", "name"), [(TCVN3, "TCVN3"), (VNI, "VNI")])
def test_undeclared_legacy_text_is_flagged(text: str, name: str) -> None:
    # Whatever single-byte charset detection picks, the text stays garbled: flag it.
    article = extract(legacy_page(text, None, meta=""), URL)
    assert article.encoding_suspect
    assert f"legacy {name} text" in " ".join(article.warnings)


def test_short_legacy_greeting_with_font() -> None:
    found = legacy_encoding('<font face="VNI-Times">', "Xin chaøo caùc baïn")
    assert found is not None and found.name == "VNI"


@pytest.mark.parametrize(
    "text",
    [
        BODY,
        "Nhiệt độ 30°C, diện tích 25 m², giá 10.000 đồng; thương hiệu Windows® và «trích dẫn».",
        "La señora Núñez visitó España y Peñíscola en el año 2023 con sus niños pequeños.",
        "Le naïf coût du maïs à Noël: où est le goût? Très cher, déjà vu, être ou ne pas être.",
        "Die Übergröße der Bäume in München hat Österreich überrascht; schön und köstlich.",
        "Hòa bình, thủy lợi, Huyện ủy và hoà giải, thuỷ sản, Huyện uỷ: tiếng Việt đầy đủ dấu.",
    ],
)
def test_ordinary_text_is_not_flagged(text: str) -> None:
    assert legacy_encoding("<p>" + text + "</p>", text) is None


def test_a_legacy_font_around_unicode_text_is_not_flagged() -> None:
    html = page(body=f'<span style="font-family:.VnTime">{BODY}</span>')
    article = extract(html.encode("utf-8"), URL)
    assert not article.encoding_suspect
    assert article.warnings == ("published_at: no date found",)


def test_empty_after_declared_decoding_raises() -> None:
    with pytest.raises(ExtractionError, match="empty document"):
        extract(codecs.BOM_UTF8 + b"   ", URL)


# ---- invalid UTF-8 degrades locally ------------------------------------------------------

PARAGRAPHS = [
    BODY,
    "Đồng chí Bí thư Huyện ủy phát biểu chỉ đạo, đề nghị các xã, thị trấn tập trung hoàn"
    " thành chỉ tiêu phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh.",
    "Năm 2023, tổng giá trị sản xuất trên địa bàn huyện ước đạt 6.500 tỷ đồng, thu nhập"
    " bình quân đầu người đạt 52 triệu đồng, tỷ lệ hộ nghèo giảm còn 4,8%.",
    "Hội nghị đã biểu dương 25 tập thể và 40 cá nhân có thành tích xuất sắc trong phong"
    " trào thi đua yêu nước, góp phần hoàn thành thắng lợi nhiệm vụ năm.",
]
STRAY = "¤"  # where the pages below put an invalid byte instead of this letter's UTF-8


def stray_page(title: str, paragraphs: list[str], head: str = "") -> tuple[bytes, str, str]:
    """A UTF-8 page with an invalid byte (0xFF or a lone continuation byte, in turn) at
    each ``STRAY``; and its title and body text as they read, U+FFFD at those places."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = page(head, title=title).replace(f"<p>{BODY}</p>", body)
    data = html.encode("utf-8")
    for n in range(html.count(STRAY)):
        data = data.replace(STRAY.encode("utf-8"), b"\xff" if n % 2 else b"\x80", 1)
    return data, title.replace(STRAY, "\ufffd"), "\n\n".join(paragraphs).replace(STRAY, "\ufffd")


TEN_STRAY = (
    f"Hội nghị tổng kết {STRAY}năm 2023",
    [
        f"Sáng nay, huyện Định Hóa{STRAY} tổ chức hội nghị tổng kết công tác năm 2023 tại hội"
        f" trường{STRAY}.",
        f"Đồng chí Bí thư Huyện ủy phát biểu chỉ đạo, đề nghị các xã{STRAY}, thị trấn tập"
        f" trung hoàn thành chỉ tiêu phát triển kinh tế - xã hội, bảo đảm quốc phòng, an"
        f" ninh{STRAY}.",
        f"Năm 2023, tổng giá trị sản xuất trên địa bàn huyện ước đạt 6.500 tỷ đồng{STRAY},"
        " thu nhập bình quân đầu người đạt 52 triệu đồng, tỷ lệ hộ nghèo giảm còn 4,8%.",
        f"Hội nghị đã biểu dương 25 tập thể và 40 cá nhân{STRAY}{STRAY} có thành tích xuất"
        f" sắc trong phong trào thi đua yêu nước, góp phần hoàn thành thắng lợi {STRAY}nhiệm"
        " vụ năm.",
    ],
)


@pytest.mark.parametrize(
    ("content_type", "head", "source"),
    [
        ("text/html; charset=utf-8", "", "http"),
        (None, '<meta charset="utf-8">', "meta"),
        (None, "", "utf-8"),  # undeclared, mostly valid UTF-8
        ("text/html; charset=windows-1258", "", "utf-8"),  # a wrong header too
        ("text/html; charset=iso-8859-1", '<meta charset="utf-8">', "utf-8"),
    ],
)
def test_a_few_invalid_bytes_in_utf8_cost_those_characters_only(
    content_type: str | None, head: str, source: str
) -> None:
    data, title, body = stray_page(*TEN_STRAY, head=head)
    decoded = decode_page(data, URL, content_type)
    assert (decoded.encoding, decoded.source, decoded.replaced) == ("utf-8", source, 10)
    assert decoded.warning == "encoding: invalid UTF-8 bytes replaced (10)"
    assert decoded.text.count("\ufffd") == 10
    article = extract(data, URL, content_type=content_type)
    assert (article.title, article.body_text) == (title, body)
    assert article.warnings == (
        "encoding: invalid UTF-8 bytes replaced (10)",
        "published_at: no date found",
    )
    assert not article.encoding_suspect


def test_a_body_cut_inside_a_character_loses_that_character() -> None:
    html = page('<meta charset="utf-8">', body=BODY[:-1]).split("</p>")[0]
    assert html.endswith("hội trường")
    data = html.removesuffix("ng").encode("utf-8")[:-1]  # "ờ" (3 bytes) loses its last
    decoded = decode_page(data, URL)
    assert (decoded.encoding, decoded.source, decoded.replaced) == ("utf-8", "meta", 1)
    assert decoded.text.endswith("hội trư\ufffd")
    article = extract(data, URL)
    assert (article.title, article.body_text) == (TITLE, BODY[: -len("ờng.")] + "\ufffd")
    assert article.warnings[0] == "encoding: invalid UTF-8 bytes replaced (1)"


def test_a_short_page_with_replacements_is_not_binary() -> None:
    data, title, body = stray_page(
        f"Tin vắn {STRAY}", [f"Hội nghị ở xã Phú Đình{STRAY}, Định Hóa{STRAY} đạt kết quả tốt."]
    )
    decoded = decode_page(data, URL, "text/html; charset=utf-8")
    assert decoded.replaced == 4  # the title is the <title> and the <h1>
    assert decoded.text.count("\ufffd") > 0.02 * len(decoded.text)  # was "binary content"
    article = extract(data, URL, content_type="text/html; charset=utf-8")
    assert (article.title, article.body_text) == (title, body)


def test_a_whole_cp1258_page_declared_utf8_is_still_read_as_cp1258() -> None:
    html = page('<meta charset="utf-8">').replace(
        f"<p>{BODY}</p>", "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    )
    data = to_cp1258(html)
    for content_type in ("text/html; charset=utf-8", None):
        decoded = decode_page(data, URL, content_type)
        assert (decoded.encoding, decoded.replaced, decoded.warning) == ("cp1258", 0, None)
        article = extract(data, URL, content_type=content_type)
        assert (article.title, article.body_text) == (TITLE, "\n\n".join(PARAGRAPHS))
        assert article.warnings == ("published_at: no date found",)


def test_legacy_tcvn3_text_declared_utf8_is_still_flagged() -> None:
    data = legacy_page(TCVN3, ".VnTime", meta='<meta charset="utf-8">')
    decoded = decode_page(data, URL)
    assert (decoded.source, decoded.replaced) == ("detected", 0)
    assert decoded.encoding != "utf-8"
    article = extract(data, URL)
    assert article.encoding_suspect
    assert [w.split(" (")[0] for w in article.warnings] == [
        "published_at: no date found",
        "encoding: legacy TCVN3 text suspected",
    ]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/html; charset=windows-1258",
        "text/html; charset=iso-8859-1",
        "text/html; charset=windows-1252",
        "text/html; charset=latin-1",
        "text/html; charset=iso-8859-15",
    ],
)
def test_utf8_bytes_under_a_single_byte_header_read_as_utf8(content_type: str) -> None:
    data = page().replace(f"<p>{BODY}</p>", "".join(f"<p>{p}</p>" for p in PARAGRAPHS))
    raw = data.encode("utf-8")
    decoded = decode_page(raw, URL, content_type)
    assert (decoded.encoding, decoded.source, decoded.replaced) == ("utf-8", "utf-8", 0)
    article = extract(raw, URL, content_type=content_type)
    assert (article.title, article.body_text) == (TITLE, "\n\n".join(PARAGRAPHS))


@pytest.mark.parametrize(("invalid", "utf8"), [(1, True), (2, True), (3, False), (6, False)])
def test_mostly_utf8_means_four_valid_multibyte_sequences_per_invalid_one(
    invalid: int, utf8: bool
) -> None:
    # 8 multi-byte letters ("ệ" is 3 bytes, one sequence), in ASCII markup.
    data = b"<html><body><p>Vi" + "ệ".encode() * 8 + b"\xff" * invalid + b"</p></body></html>"
    decoded = decode_page(data, URL, "text/html; charset=utf-8")
    if utf8:
        assert (decoded.encoding, decoded.replaced) == ("utf-8", invalid)
        assert "<p>Vi" + "ệ" * 8 + "\ufffd" * invalid + "</p>" in decoded.text
    else:
        assert decoded.encoding != "utf-8"
        assert decoded.replaced == 0
