"""The records extraction produces: small frozen dataclasses with ``to_dict()``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from extractors.facts import DocRef, Person, Stat


@dataclass(frozen=True, slots=True)
class Figure:
    """An image of the article body with its caption and photo credit."""

    ordinal: int
    src: str
    caption: str | None = None
    credit: str | None = None
    alt: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document linked from the body (.pdf, .doc, .xls, ...)."""

    ordinal: int
    url: str
    label: str | None
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Article:
    """One article page, normalized (NFC text, absolute URLs, aware datetimes)."""

    url: str
    canonical_url: str
    title: str
    published_at: datetime | None
    lead: str | None
    body_text: str
    author: str | None = None
    source_unit: str | None = None
    figures: tuple[Figure, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    category: str | None = None
    language: str | None = None
    profile: str = "generic"
    warnings: tuple[str, ...] = field(default=())
    encoding_suspect: bool = False  # legacy TCVN3/VNI text suspected (see `warnings`)
    stats: tuple[Stat, ...] = ()
    doc_refs: tuple[DocRef, ...] = ()
    people: tuple[Person, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: datetimes as ISO 8601 strings, nested records as dicts."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "lead": self.lead,
            "body_text": self.body_text,
            "author": self.author,
            "source_unit": self.source_unit,
            "figures": [f.to_dict() for f in self.figures],
            "attachments": [a.to_dict() for a in self.attachments],
            "category": self.category,
            "language": self.language,
            "profile": self.profile,
            "warnings": list(self.warnings),
            "encoding_suspect": self.encoding_suspect,
            "stats": [s.to_dict() for s in self.stats],
            "doc_refs": [d.to_dict() for d in self.doc_refs],
            "people": [p.to_dict() for p in self.people],
        }


@dataclass(frozen=True, slots=True)
class ListingItem:
    """One article link on a category listing page."""

    url: str
    title: str | None
    published_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


@dataclass(frozen=True, slots=True)
class Listing:
    """A parsed listing page: its items in page order and the next page, if any.

    `feeds` are the child sitemaps of a sitemap index (which has no items itself).
    """

    url: str
    items: tuple[ListingItem, ...]
    next_url: str | None
    feeds: tuple[str, ...] = ()
