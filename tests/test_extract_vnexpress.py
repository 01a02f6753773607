"""VnExpress and sites built like it: the real page of the fundus test data, and a synthetic one."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bench.scoring import score_corpus, score_page
from extractors import Article, Figure, extract

ICT = timezone(timedelta(hours=7))
URL = "https://vnexpress.net/dau-bung-keo-dai-phat-hien-ung-thu-lymphoma-ruot-non-4954454.html"
CAPTION = "Y bác sĩ nội soi cho bệnh nhân."


@pytest.fixture(scope="module")
def folder(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "vn" / "vnexpress-fundus"


@pytest.fixture(scope="module")
def truth(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "VnExpress.json").read_text(encoding="utf-8"))
    return data["V1"]


@pytest.fixture(scope="module")
def article(folder: Path) -> Article:
    meta = json.loads((folder / "meta.info").read_text(encoding="utf-8"))
    url = meta["VnExpress_2025_10_22.html.gz"]["url"]
    assert url == URL
    return extract(gzip.decompress((folder / "VnExpress_2025_10_22.html.gz").read_bytes()), url)


def test_fields(article: Article, truth: dict[str, Any]) -> None:
    assert article.profile == "vnexpress"  # detected by its markup
    assert article.title == truth["title"]
    assert article.author == truth["authors"][0] == "Lê Phương"
    assert article.source_unit is None
    # The page shows "22/10/2025, 19:25 (GMT+7)"; its datePublished meta has the seconds.
    assert article.published_at == datetime(2025, 10, 22, 19, 25, 52, tzinfo=ICT)
    assert article.published_at is not None
    assert article.published_at.isoformat(sep=" ") == truth["publishing_date"]
    assert article.category == "Tin tức"  # breadcrumb: Sức khỏe › Tin tức
    assert article.language == "vi"
    assert article.warnings == ()
    assert not article.encoding_suspect


def test_lead_is_the_summary_and_not_body(article: Article, truth: dict[str, Any]) -> None:
    assert article.lead == truth["body"]["summary"][0]
    assert article.lead not in article.body_text


def test_body_matches_the_non_caption_paragraphs(article: Article, truth: dict[str, Any]) -> None:
    paragraphs = [p for s in truth["body"]["sections"] for p in s["paragraphs"]]
    expected = [p for p in paragraphs if not p.startswith(CAPTION)]
    assert len(expected) == len(paragraphs) - 1
    score = score_corpus([score_page("\n\n".join(expected), article.body_text)])
    assert score.f1 >= 0.98
    assert article.body_text.split("\n\n") == expected  # in fact exactly
    assert CAPTION not in article.body_text
    assert "Lê Phương" not in article.body_text


def test_photo_with_caption_and_credit(article: Article, truth: dict[str, Any]) -> None:
    (figure,) = article.figures
    (image,) = truth["images"]
    assert (figure.ordinal, figure.caption, figure.credit) == (
        1,
        image["caption"],
        "Bệnh viện cung cấp",
    )
    assert [figure.credit] == image["authors"]
    assert figure.src.startswith("https://vcdn1-suckhoe.vnecdn.net/2025/10/22/")
    assert figure.src in {version["url"] for version in image["versions"]}
    assert figure.alt == image["description"]


# A page of the same family as older VnExpress-style sites wrote it: the photo in a
# `table.tplCaption`, the byline in `p.author_mail` with an e-mail link, no date meta.
SYNTHETIC = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Nông dân Thái Nguyên thu hoạch chè vụ xuân - Báo Mẫu</title></head><body>
<header><nav><a href="/">Trang chủ</a></nav></header>
<section class="section page-detail"><div class="container"><div class="sidebar-1">
<ul class="breadcrumb"><li><a href="/kinh-te">Kinh tế</a></li><li><a href="/nong-nghiep">Nông
 nghiệp</a></li></ul><span class="date">Thứ hai, 15/4/2024, 08:05 (GMT+7)</span>
<h1 class="title-detail">Nông dân Thái Nguyên thu hoạch chè vụ xuân</h1>
<p class="description"><span class="location-stamp">Thái Nguyên</span> - Hàng nghìn hộ
 nông dân bước vào vụ thu hoạch chè xuân với năng suất cao hơn năm trước.</p>
<article class="fck_detail">
<p class="Normal">Theo Sở Nông nghiệp, năm nay diện tích chè toàn tỉnh đạt hơn 22.000 ha, sản
 lượng chè búp tươi dự kiến đạt 270.000 tấn.</p>
<table class="tplCaption" align="center"><tbody><tr><td><img alt="che" src="/2024/04/15/che.jpg"
 data-src="https://i1.example-cdn.vn/2024/04/15/che.jpg"></td></tr>
<tr><td><p class="Image">Nông dân xã Tân Cương hái chè. Ảnh: <em>Hoàng Hà</em></p></td></tr>
</tbody></table>
<p class="Normal">Giá chè búp khô loại ngon dao động từ 200.000 đến 300.000 đồng mỗi kg, cao
 hơn cùng kỳ năm ngoái khoảng 10%.</p>
<div class="box-tinlienquanv2"><article class="item-news"><h4 class="title-news"><a href="/a">
Giá chè tăng cao</a></h4></article></div>
<p class="author_mail"><strong>Hoàng Hà</strong> <a href="mailto:ha@example.vn">ha@example.vn
</a></p>
<span id="article-end"></span><div data-component-type="tin_xemthem"><p>Xem thêm các bài viết
 khác về nông nghiệp và chè Thái Nguyên ở chuyên mục này.</p></div>
</article></div></div></section></body></html>"""


def test_synthetic_vnexpress_like_page() -> None:
    url = "https://baomau.vn/nong-dan-thai-nguyen-thu-hoach-che-vu-xuan-1234.html"
    article = extract(SYNTHETIC.encode("utf-8"), url)
    assert article.profile == "vnexpress"
    assert article.title == "Nông dân Thái Nguyên thu hoạch chè vụ xuân"
    assert article.published_at == datetime(2024, 4, 15, 8, 5, tzinfo=ICT)
    assert article.lead == (
        "Thái Nguyên - Hàng nghìn hộ nông dân bước vào vụ thu hoạch chè xuân với năng suất cao"
        " hơn năm trước."
    )
    assert article.author == "Hoàng Hà"
    assert article.category == "Nông nghiệp"
    assert article.figures == (
        Figure(
            1,
            "https://i1.example-cdn.vn/2024/04/15/che.jpg",
            "Nông dân xã Tân Cương hái chè.",
            "Hoàng Hà",
            "che",
        ),
    )
    assert article.body_text.split("\n\n") == [
        "Theo Sở Nông nghiệp, năm nay diện tích chè toàn tỉnh đạt hơn 22.000 ha, sản lượng chè"
        " búp tươi dự kiến đạt 270.000 tấn.",
        "Giá chè búp khô loại ngon dao động từ 200.000 đến 300.000 đồng mỗi kg, cao hơn cùng kỳ"
        " năm ngoái khoảng 10%.",
    ]
