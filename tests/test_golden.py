"""Golden records of the shared corpus pages: tests/golden/{name}.expected.json.

Each file names its page and URL and holds the exact fields, the paragraph count and
snippets the body must (not) contain, never the whole third-party text. The snippets are
annotations written by hand; `pytest --update-golden` rewrites the rest from the current
output, so that a reviewer reads the change as a diff.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from extractors import Article, Listing, extract, parse_listing

GOLDEN = Path(__file__).parent / "golden"
NAMES = sorted(path.name.removesuffix(".expected.json") for path in GOLDEN.glob("*.expected.json"))
ARTICLE_FIELDS = (
    "title",
    "published_at",
    "lead",
    "author",
    "source_unit",
    "category",
    "figures",
    "attachments",
    "profile",
    "canonical_url",
    "language",
    "warnings",
    "encoding_suspect",
)


def read_page(corpus: Path, page: str) -> bytes:
    data = (corpus / page).read_bytes()
    return gzip.decompress(data) if page.endswith(".gz") else data


def article_record(article: Article) -> dict[str, Any]:
    data = article.to_dict()
    return {name: data[name] for name in ARTICLE_FIELDS}


def listing_record(listing: Listing) -> dict[str, Any]:
    items = [item.to_dict() for item in listing.items]
    return {
        "items": len(items),
        "first": items[0] if items else None,
        "last": items[-1] if items else None,
        "next_url": listing.next_url,
    }


@pytest.mark.parametrize("name", NAMES)
def test_golden(name: str, shared_dir: Path, update_golden: bool) -> None:
    path = GOLDEN / f"{name}.expected.json"
    golden = json.loads(path.read_text(encoding="utf-8"))
    page = read_page(shared_dir / "corpus", golden["page"])
    if golden["kind"] == "listing":
        got = listing_record(parse_listing(page, golden["url"]))
        paragraphs = None
        body = ""
    else:
        article = extract(page, golden["url"])
        got = article_record(article)
        body = article.body_text
        paragraphs = len(body.split("\n\n"))
    if update_golden:
        golden["expected"] = got
        if paragraphs is not None:
            golden["paragraphs"] = paragraphs
        path.write_text(json.dumps(golden, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == golden["expected"]
    if paragraphs is not None:
        assert paragraphs == golden["paragraphs"]
    for snippet in golden.get("body_must_contain", ()):
        assert snippet in body
    for snippet in golden.get("body_must_not_contain", ()):
        assert snippet not in body


def test_every_corpus_page_has_a_golden_file(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus"
    pages = {
        str(path.relative_to(corpus))
        for folder in ("seed", "vn")
        for path in (corpus / folder).rglob("*.htm*")
    }
    covered = {
        json.loads((GOLDEN / f"{name}.expected.json").read_text(encoding="utf-8"))["page"]
        for name in NAMES
    }
    assert pages <= covered
