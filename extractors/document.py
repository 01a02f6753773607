"""Parsing a page once: decoded text to one BeautifulSoup, with JSON-LD kept aside."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, Comment, Tag

from extractors.decoding import decode

_DROP_EARLY = ("script", "style", "noscript", "template")


@dataclass(slots=True)
class Document:
    """One parsed page: the soup (mutated as fields are read), its URL, JSON-LD and lang."""

    soup: BeautifulSoup
    url: str
    json_ld: list[dict[str, Any]] = field(default_factory=list)
    lang: str | None = None


def parse_document(data: bytes | str, url: str) -> Document:
    """Decode and parse the page once; scripts, styles and comments are dropped at once."""
    soup = BeautifulSoup(decode(data, url), "lxml")
    json_ld = [obj for tag in soup.select('script[type*="ld+json"]') for obj in _load(tag)]
    for tag in soup.find_all(_DROP_EARLY):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    html = soup.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None
    return Document(soup, url, json_ld, lang if isinstance(lang, str) and lang else None)


def json_ld_objects(doc: Document) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, `@graph` members included."""
    for obj in doc.json_ld:
        yield obj
        graph = obj.get("@graph")
        if isinstance(graph, list):
            yield from (member for member in graph if isinstance(member, dict))


def _load(tag: Tag) -> list[dict[str, Any]]:
    try:
        value = json.loads(tag.get_text())
    except ValueError:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]
