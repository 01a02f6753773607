"""Bad input never crashes or hangs: `extract` returns an Article or raises ExtractionError.

Mangled versions of real pages (truncated, bytes flipped, tags deleted, nested deeply,
re-encoded) come from ../shared/corpus when it is present, and from the synthetic pages
below always.
"""

from __future__ import annotations

import gzip
import json
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors import Article, ExtractionError, extract, parse_listing
from extractors.decoding import MAX_PAGE_BYTES

URL = "https://vonhai.thainguyen.gov.vn/tin-tuc/-/asset_publisher/x/content/y"

SYNTHETIC = [
    """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Hội nghị - Tin tức - Cổng TTĐT
</title></head><body><div class="portlet-boundary_101_"><div class="asset-full-content-title">
Hội nghị triển khai Nghị quyết</div><div class="assetPublishDate">06/05/2022 | 02:56 PM</div>
<div class="asset-full-content"><div class="journal-content-article"><p>Sáng 6/5, huyện Võ Nhai
tổ chức hội nghị triển khai Nghị quyết số 35-NQ/TW của Bộ Chính trị.</p><p style="text-align:
center"><img src="/documents/1/a.jpg"></p><p style="text-align:center"><em>Đại biểu dự hội nghị
(Ảnh: Thu Viền)</em></p><p>Hội nghị đã quán triệt các nội dung cơ bản của Nghị quyết.</p>
<p style="text-align:right"><strong>Thu Viền (Trung tâm VHTT-TT)</strong></p></div></div></div>
</body></html>""",
    """<html lang="vi"><head><title>Nông dân thu hoạch chè</title></head><body>
<h1 class="title-detail">Nông dân thu hoạch chè</h1><p class="description">Hàng nghìn hộ nông
dân bước vào vụ thu hoạch chè xuân.</p><article class="fck_detail"><p class="Normal">Năm nay
diện tích chè toàn tỉnh đạt hơn 22.000 ha, sản lượng dự kiến đạt 270.000 tấn.</p><figure>
<img data-src="https://cdn.example.vn/che.jpg"><figcaption><p class="Image">Hái chè. Ảnh:
<em>Hoàng Hà</em></p></figcaption></figure><p class="Normal" style="text-align:right;">
<strong>Hoàng Hà</strong></p></article></body></html>""",
    """<html><head><title>Danh sách tin</title></head><body><div class="asset-abstract">
<h3 class="asset-title"><a href="/tin/-/view_content/1-a">Tin thứ nhất về hội nghị</a></h3>
<div class="assetPublishDate">01/02/2023 08:00</div></div><div class="taglib-page-iterator">
<ul class="pager lfr-pagination-buttons"><li><a href="?_101_cur=2">Tiếp</a></li></ul></div>
<p>Đoạn văn bản đủ dài để được coi là nội dung của trang danh sách tin tức này.</p>
</body></html>""",
]


def corpus_pages(corpus: Path) -> list[bytes]:
    """The Vietnamese pages and a few wcxb pages of the shared corpus."""
    pages = [
        (corpus / "seed" / "vo-nhai-nghi-quyet-35.html").read_bytes(),
        *(path.read_bytes() for path in sorted((corpus / "vn").glob("*.html"))),
        gzip.decompress((corpus / "vn/vnexpress-fundus/VnExpress_2025_10_22.html.gz").read_bytes()),
    ]
    pages += [
        gzip.decompress(p.read_bytes()) for p in sorted((corpus / "wcxb-dev/html").glob("*.gz"))[:6]
    ]
    return pages


# ---- mutations ----------------------------------------------------------------------------


def truncate(page: bytes, at: float) -> bytes:
    return page[: int(len(page) * at)]


def flip_bytes(page: bytes, positions: list[float], value: int) -> bytes:
    data = bytearray(page)
    for at in positions:
        if data:
            data[int(at * (len(data) - 1))] ^= value
    return bytes(data)


def delete_tags(page: bytes, positions: list[float]) -> bytes:
    for at in positions:
        start = page.find(b"<", int(at * len(page)))
        end = page.find(b">", start)
        if start >= 0 and end > start:
            page = page[:start] + page[end + 1 :]
    return page


def nest(page: bytes, at: float, depth: int, tag: bytes) -> bytes:
    index = page.find(b"<p", int(at * len(page)))
    index = index if index >= 0 else len(page) // 2
    return page[:index] + (b"<" + tag + b">") * depth + page[index:]


def reencode(page: bytes, codec: str) -> bytes:
    text = page.decode("utf-8", errors="replace")
    return text.encode(codec, errors="replace")


MUTATIONS = st.one_of(
    st.builds(lambda at: ("truncate", (at,)), st.floats(0, 1)),
    st.builds(
        lambda ps, v: ("flip", (ps, v)), st.lists(st.floats(0, 1), max_size=20), st.integers(1, 255)
    ),
    st.builds(lambda ps: ("delete_tags", (ps,)), st.lists(st.floats(0, 1), max_size=30)),
    st.builds(
        lambda at, d, t: ("nest", (at, d, t)),
        st.floats(0, 1),
        st.integers(1, 3000),
        st.sampled_from([b"div", b"span", b"b", b"table", b"p", b"li", b"font"]),
    ),
    st.builds(
        lambda c: ("reencode", (c,)),
        st.sampled_from(["cp1258", "cp1252", "utf-16", "utf-16-le", "latin-1", "ascii"]),
    ),
    st.builds(
        lambda b: ("prefix", (b,)), st.sampled_from([b"\xef\xbb\xbf", b"\x00", b"%PDF-1.4\n"])
    ),
)


def mangle(page: bytes, mutations: list[tuple[str, tuple[object, ...]]]) -> bytes:
    for name, args in mutations:
        if name == "truncate":
            page = truncate(page, *args)  # type: ignore[arg-type]
        elif name == "flip":
            page = flip_bytes(page, *args)  # type: ignore[arg-type]
        elif name == "delete_tags":
            page = delete_tags(page, *args)  # type: ignore[arg-type]
        elif name == "nest":
            page = nest(page, *args)  # type: ignore[arg-type]
        elif name == "reencode":
            page = reencode(page, *args)  # type: ignore[arg-type]
        elif name == "prefix":
            page = args[0] + page  # type: ignore[operator]
    return page


def check(page: bytes) -> None:
    """An Article whose text fields are NFC, or an ExtractionError: nothing else."""
    try:
        article = extract(page, URL)
    except ExtractionError as error:
        assert error.url == URL and error.reason
        return
    assert isinstance(article, Article)
    texts = [article.title, article.lead or "", article.body_text, article.author or ""]
    texts += [article.source_unit or "", article.category or ""]
    texts += [f.caption or "" for f in article.figures] + [f.credit or "" for f in article.figures]
    for text in texts:
        assert unicodedata.is_normalized("NFC", text), text[:80]
    assert article.title and article.body_text
    json.dumps(article.to_dict(), ensure_ascii=False)


FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(
    index=st.integers(0, len(SYNTHETIC) - 1), mutations=st.lists(MUTATIONS, min_size=1, max_size=4)
)
def test_mangled_synthetic_pages(
    index: int, mutations: list[tuple[str, tuple[object, ...]]]
) -> None:
    check(mangle(SYNTHETIC[index].encode("utf-8"), mutations))


@pytest.fixture(scope="module")
def real_pages(shared_dir: Path) -> list[bytes]:
    return corpus_pages(shared_dir / "corpus")


@FUZZ
@given(data=st.data(), mutations=st.lists(MUTATIONS, min_size=1, max_size=3))
def test_mangled_corpus_pages(
    real_pages: list[bytes], data: st.DataObject, mutations: list[tuple[str, tuple[object, ...]]]
) -> None:
    page = data.draw(st.sampled_from(real_pages))
    check(mangle(page, mutations))


# ---- the named bad inputs -------------------------------------------------------------------


def deep(tag: str, depth: int) -> str:
    text = "Đây là một đoạn văn bản đủ dài để làm nội dung của bài viết thử nghiệm này."
    return (
        "<html><head><title>Trang lồng sâu</title></head><body>"
        f"{f'<{tag}>' * depth}<p>{text}</p>{f'</{tag}>' * depth}</body></html>"
    )


@pytest.mark.parametrize("tag", ["div", "span", "b", "table", "font", "li"])
def test_five_thousand_deep_nesting(tag: str) -> None:
    started = time.perf_counter()
    article = extract(deep(tag, 5000), URL)  # read, its nesting flattened
    assert article.title == "Trang lồng sâu"
    assert "đoạn văn bản đủ dài" in article.body_text
    assert time.perf_counter() - started < 10


def test_deep_nesting_in_a_listing() -> None:
    listing = parse_listing(deep("div", 5000).replace("<p>", "<p><a href='/tin/1'>"), URL)
    assert listing.url == URL


def test_too_large_page_is_refused_at_once() -> None:
    page = b"<html><title>x</title><body>" + b"<p>" + b"a" * MAX_PAGE_BYTES + b"</p></body></html>"
    started = time.perf_counter()
    with pytest.raises(ExtractionError, match="page too large"):
        extract(page, URL)
    with pytest.raises(ExtractionError, match="page too large"):
        parse_listing(page.decode("ascii"), URL)
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (b"", "empty document"),
        (b"\xff\xfe", "empty document"),  # a BOM alone
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "not HTML: binary content",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "not HTML: no HTML tags found",
        ),
        (b'{"title": "Tin t\xe1\xbb\xa9c", "items": [1, 2, 3]}', "not HTML: no HTML tags found"),
        ("Chỉ là một dòng chữ, không phải HTML.".encode(), "not HTML: no HTML tags found"),
        (b"<html><head><title>Cut", "no body text found"),  # truncated
        (b"<html><head><title>T\xc3", "no body text found"),  # truncated inside a letter
    ],
)
def test_named_bad_inputs(page: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as raised:
        extract(page, URL)
    assert raised.value.reason == reason


def test_json_holding_html_is_an_extraction_error() -> None:
    page = json.dumps({"html": "<div><p>Không phải một trang</p></div>"}).encode()
    with pytest.raises(ExtractionError):
        extract(page, URL)


def test_plain_text_looking_like_html_is_read() -> None:
    text = "Đây là một bài viết ngắn nhưng vẫn đủ dài để có nội dung đọc được."
    article = extract(f"<title>Bài viết</title><p>{text}</p>".encode(), URL)
    assert (article.title, article.body_text) == ("Bài viết", text)
