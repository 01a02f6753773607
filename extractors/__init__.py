"""Pure parsing: page bytes and a URL in, normalized records out.

Imports neither httpx, prefect nor duckdb. ``extract`` and ``parse_listing`` are loaded
on first use, so that importing the records (as ``storage`` does) does not load
BeautifulSoup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from extractors.errors import ExtractionError
from extractors.records import Article, Attachment, Figure, Listing, ListingItem
from extractors.version import EXTRACTOR_VERSION

if TYPE_CHECKING:
    from extractors.article import extract
    from extractors.listing import parse_listing

__all__ = [
    "EXTRACTOR_VERSION",
    "Article",
    "Attachment",
    "ExtractionError",
    "Figure",
    "Listing",
    "ListingItem",
    "extract",
    "parse_listing",
]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from extractors.article import extract

        return extract
    if name == "parse_listing":
        from extractors.listing import parse_listing

        return parse_listing
    raise AttributeError(f"module 'extractors' has no attribute {name!r}")
