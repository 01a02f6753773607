"""Discovery: walk a source's listing pages, newest first, and collect article links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

import httpx

from extractors import ExtractionError, ListingItem, parse_listing
from flows.http import FetchError, fetch
from flows.politeness import Politeness
from flows.safety import HostGuard
from flows.sources import Source
from flows.urls import canonical_url, trap_reason
from storage.records import Failure, Page


@dataclass(frozen=True, slots=True)
class Archived:
    """A listing page as the last run fetched it: its body and HTTP validators."""

    body: bytes
    content_type: str | None
    validators: tuple[str | None, str | None]


@dataclass(slots=True)
class Discovery:
    """What walking the listings found: article links in order, the pages and failures."""

    items: list[ListingItem] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    bodies: dict[str, bytes] = field(default_factory=dict)  # by content hash


def discover(
    client: httpx.Client,
    source: Source,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    known: set[str] | frozenset[str] = frozenset(),
    stop_at_known: bool = True,
    politeness: Politeness | None = None,
    guard: HostGuard | None = None,
    archived: Mapping[str, Archived] | None = None,
) -> Discovery:
    """Walk every listing of ``source`` and return the links to fetch.

    Article links are canonicalized (``flows.urls``), so two spellings of one page are
    one link. A listing is walked page by page, newest first, and stops at the first item older
    than ``since``, at a page whose links are all ``known`` (when ``stop_at_known``), at
    the last page, or after ``source.max_pages``. Items newer than ``until`` and known
    items are not returned. A listing page that fails is recorded, and the next listing
    goes on. With ``archived`` (each listing URL's last body and validators), a
    listing's first page is asked for conditionally, and a 304 is read from the archive.
    """
    found = Discovery()
    seen: set[str] = set()
    for listing_url in source.listing_urls:
        url: str | None = listing_url
        visited: set[str] = set()
        for _ in range(source.max_pages):
            if url is None or url in visited:
                break
            visited.add(url)
            before = (archived or {}).get(url) if url == listing_url else None
            try:
                fetched = fetch(
                    client,
                    url,
                    politeness=politeness,
                    guard=guard,
                    validators=before.validators if before else None,
                )
            except FetchError as exc:
                found.failures.append(Failure(url, source.name, "discover", exc.reason, exc.status))
                break
            found.pages.append(fetched.page(source.name, "listing"))
            if fetched.not_modified and before is not None:
                content, content_type = before.body, before.content_type
            else:
                content, content_type = fetched.content, fetched.content_type
                found.bodies[fetched.content_hash] = content
            try:
                listing = parse_listing(
                    content,
                    fetched.final_url,
                    profile=source.extractor_profile,
                    timezone=source.timezone,
                    content_type=content_type,
                )
            except ExtractionError as exc:
                found.failures.append(
                    Failure(url, source.name, "discover", exc.reason, fetched.status)
                )
                break
            reached_since = False
            for listed in listing.items:
                item = replace(listed, url=canonical_url(listed.url))
                trap = trap_reason(item.url)
                if trap is not None:
                    if item.url not in seen:
                        seen.add(item.url)
                        found.failures.append(Failure(item.url, source.name, "discover", trap))
                    continue
                if (
                    since is not None
                    and item.published_at is not None
                    and (item.published_at < since)
                ):
                    reached_since = True
                    break
                if (
                    until is not None
                    and item.published_at is not None
                    and (item.published_at > until)
                ):
                    continue
                if item.url in known or item.url in seen:
                    continue
                seen.add(item.url)
                found.items.append(item)
            all_known = bool(listing.items) and all(
                canonical_url(i.url) in known for i in listing.items
            )
            if reached_since or not listing.items or (stop_at_known and all_known):
                break
            url = listing.next_url
            trap = trap_reason(url) if url else None
            if trap is not None and url is not None:
                found.failures.append(Failure(url, source.name, "discover", trap))
                break
    return found
