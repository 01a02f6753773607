"""The seed article (Liferay 6.2 reconstruction) against its gold annotation."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from extractors import Article, extract


def nfc(text: str) -> str:
    """The gold after NFC, exactly (two captions hold a no-break space, kept as written)."""
    return unicodedata.normalize("NFC", text)


@pytest.fixture(scope="module")
def gold(shared_dir: Path) -> dict[str, Any]:
    return json.loads((shared_dir / "gold" / "seed-vo-nhai.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def article(shared_dir: Path, gold: dict[str, Any]) -> Article:
    page = (shared_dir / "corpus" / "seed" / "vo-nhai-nghi-quyet-35.html").read_bytes()
    return extract(page, gold["url"])


def test_page_fields(article: Article, gold: dict[str, Any]) -> None:
    assert article.url == gold["url"]
    assert article.canonical_url == gold["url"]
    assert article.title == nfc(gold["title"])
    assert article.published_at is not None
    assert article.published_at.isoformat() == gold["published_at"] == "2022-05-06T14:56:00+07:00"
    assert article.lead == nfc(gold["lead"])
    assert article.category == "Tin tức sự kiện"
    assert article.language == "vi"  # although the page says lang="en-US"
    assert article.profile == "liferay-6.2"
    assert article.warnings == ()


def test_byline(article: Article, gold: dict[str, Any]) -> None:
    assert article.author == nfc(gold["author"]) == "Thu Viền"
    assert article.source_unit == nfc(gold["source_unit"])


def test_body_paragraphs(article: Article, gold: dict[str, Any]) -> None:
    assert article.body_text.split("\n\n") == [nfc(p) for p in gold["body_paragraphs"]]


@pytest.mark.parametrize("index", range(8))
def test_body_excludes(article: Article, gold: dict[str, Any], index: int) -> None:
    snippet = nfc(gold["body_excludes"][index])
    assert snippet not in article.body_text
    assert snippet not in (article.lead or "")


def test_figures(article: Article, gold: dict[str, Any]) -> None:
    got = [(f.ordinal, f.caption, f.credit) for f in article.figures]
    want = [(g["ordinal"], nfc(g["caption"]), None) for g in gold["figures"]]
    assert got == want
    for figure, expected in zip(article.figures, gold["figures"], strict=True):
        assert figure.src.startswith("https://vonhai.thainguyen.gov.vn/documents/")
        assert figure.src.endswith(expected["src_endswith"])
    assert [f.alt for f in article.figures] == [None, None, nfc(gold["figures"][2]["caption"])]


def test_no_attachments(article: Article) -> None:
    assert article.attachments == ()


def test_text_input_gives_the_same_article(shared_dir: Path, gold: dict[str, Any]) -> None:
    path = shared_dir / "corpus" / "seed" / "vo-nhai-nghi-quyet-35.html"
    from_text = extract(path.read_text(encoding="utf-8"), gold["url"])
    assert from_text == extract(path.read_bytes(), gold["url"])


def test_forced_profile_matches_detection(shared_dir: Path, gold: dict[str, Any]) -> None:
    page = (shared_dir / "corpus" / "seed" / "vo-nhai-nghi-quyet-35.html").read_bytes()
    assert extract(page, gold["url"], profile="liferay-6.2").profile == "liferay-6.2"
    generic = extract(page, gold["url"], profile="generic")
    assert generic.profile == "generic"
    assert generic.title == nfc(gold["title"])
    assert generic.body_text.split("\n\n")[0] == nfc(gold["body_paragraphs"][0])
