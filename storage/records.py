"""Rows the flows hand to storage besides articles: fetched pages and failures."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Page:
    """One fetch of one URL: the fetch log keeps the latest per URL."""

    url: str
    source: str
    kind: str  # "listing" or "article"
    status: int | None
    fetched_at: datetime
    bytes: int | None
    content_hash: str | None
    content_type: str | None
    etag: str | None = None
    last_modified: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Failure:
    """A URL that could not be ingested, at which stage and why."""

    url: str
    source: str
    stage: str  # "discover", "fetch" or "extract"
    reason: str
    last_status: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LoadCounts:
    """What one load did to the articles table."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: LoadCounts) -> LoadCounts:
        return LoadCounts(
            self.new + other.new,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )
