"""Discovery: walk a source's listing pages, newest first, and collect article links."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime

from extractors import ExtractionError, ListingItem, parse_listing
from extractors.feeds import looks_like_feed
from extractors.records import Listing
from flows.crawling.client import FetchError
from flows.crawling.fetcher import Fetcher
from flows.crawling.origins import Origin, allowed_origins, origin_of
from flows.crawling.urls import (
    MalformedURL,
    canonical_host,
    canonical_url,
    trap_reason,
    url_host,
    url_scheme,
)
from flows.sources import Source
from storage.errors import StorageError
from storage.packs import Packed
from storage.records import Failure, Page

KEEP_EVERY = 20  # listing pages held before they are handed on to be saved
# What saves the listing pages fetched so far, with their bodies by content hash.
Keep = Callable[[list[Page], Mapping[str, bytes | Packed]], None]


@dataclass(frozen=True, slots=True)
class Archived:
    """A listing page as the last run fetched it: its HTTP validators, and its body,
    read back (``read``) only when the server answers 304."""

    read: Callable[[], bytes]
    content_type: str | None
    validators: tuple[str | None, str | None]


@dataclass(slots=True)
class Discovery:
    """What walking the listings found: article links in order (URL and date; the
    titles are not kept), the pages and failures."""

    items: list[ListingItem] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    bodies: dict[str, Packed] = field(default_factory=dict)  # by content hash, compressed
    listing_errors: list[str] = field(default_factory=list)  # listing pages that failed
    listed: list[str] = field(default_factory=list)  # listing pages read, links and all
    # Links to pages recorded as failures, with their dates: a run fetches them only
    # when they are due for a retry, but their days are known all the same.
    failed_items: list[ListingItem] = field(default_factory=list)
    listing_pages: int = 0  # listing pages fetched (``pages`` may have been handed on)

    def hand_on(self, keep: Keep) -> None:
        """Give the fetched pages and bodies to ``keep`` (which saves them) and forget
        them, so that a long walk holds a few pages at a time, not all of them."""
        if self.pages or self.bodies:
            keep(self.pages, self.bodies)
        self.pages, self.bodies = [], {}


def discover(
    fetcher: Fetcher,
    source: Source,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    known: set[str] | frozenset[str] = frozenset(),
    stop_at_known: bool = True,
    archived: Mapping[str, Archived] | None = None,
    failed: set[str] | frozenset[str] = frozenset(),
    keep: Keep | None = None,
    parse: Callable[..., Listing] = parse_listing,
) -> Discovery:
    """Walk every listing of ``source``, fetching through ``fetcher``, and return the
    links to fetch.

    A listing is an HTML category page, a sitemap (or sitemap index) or an RSS/Atom
    feed. Article links are canonicalized (``flows.crawling.urls``), so two spellings of one page
    are one link; a link that is not the source's (another origin, a scheme other than
    http(s)) is left alone, and a malformed one (a bad port, an unreadable host, an
    unclosed IPv6 bracket) is recorded as a failure, as is a malformed next page or
    sitemap. An HTML listing is walked page by page, newest first, and stops at the
    first item older than ``since``, at a page whose links are all ``known`` (when
    ``stop_at_known``), at a page that only repeats links this walk
    has seen (endless pagination), at the last page, or after ``source.max_pages``
    pages. A sitemap index's sitemaps are read up to ``source.max_depth`` levels down.
    Items newer than ``until``, older than ``since`` and known items are not returned;
    links to ``failed`` pages (recorded failures) are returned apart, in
    ``failed_items``, and count as known where the walk stops at known links.
    A listing page that fails, or shows no link at all (an error page, a page cut
    short), is recorded in ``failures`` and ``listing_errors``, and the next listing
    goes on. With
    ``archived`` (the validators of listing pages fetched before, by URL), each listing
    page is asked for conditionally, and a 304's body is read from the archive (or, if
    the archive cannot give it, the page is fetched again whole). With ``keep``,
    the fetched listing pages and their bodies are handed to it every ``KEEP_EVERY``
    pages (and at the end) instead of being returned. ``parse`` reads a listing page
    (``extractors.parse_listing`` by default; a run passes one that uses its parsing
    processes). A source with a ``front`` page (one that shows every listing's newest
    articles), asked with ``stop_at_known``, has it read first: when it shows no
    article this run does not know, the listings are not walked at all.
    """
    kept = _one_at_a_time(keep) if keep is not None else None

    def new_walk() -> _Walk:
        return _Walk(
            fetcher,
            source,
            since,
            until,
            known,
            stop_at_known,
            archived or {},
            Discovery(),
            kept,
            parse,
            failed,
        )

    front: list[Discovery] = []
    if source.front_url is not None and stop_at_known:
        # The front page shows every listing's newest articles: when it shows none this
        # run does not know, nothing was published, and the listings are left alone.
        first = new_walk()
        first.listing(source.front_url, max_pages=1)
        listings = {u for u in map(_canonical_or_none, source.listing_urls) if u}
        first.found.items = [i for i in first.found.items if i.url not in listings]
        if not first.found.items and not first.found.listing_errors:
            if kept is not None:
                first.found.hand_on(kept)
            return first.found
        front.append(first.found)  # after the listings, whose items carry their dates
    walks = [new_walk() for _ in source.listing_urls]
    # The listings are walked side by side (each one page after the next), as many at
    # a time as the source allows requests in flight; politeness still paces each host.
    side_by_side = min(len(walks), source.concurrency)
    if side_by_side <= 1:
        for walk, listing_url in zip(walks, source.listing_urls, strict=True):
            walk.listing(listing_url)
    else:
        with ThreadPoolExecutor(side_by_side, thread_name_prefix="discover") as pool:
            list(pool.map(_Walk.listing, walks, source.listing_urls))
    found = merged([w.found for w in walks] + front)
    if kept is not None:
        found.hand_on(kept)
    return found


def merged(parts: list[Discovery]) -> Discovery:
    """The discoveries of a source's listings as one, in the listings' order: a link (or
    a failed URL) met by two listings is kept once, as the first listing has it."""
    found = Discovery()
    links: set[str] = set()
    failed: set[str] = set()
    for part in parts:
        for item in part.items:
            if item.url not in links:
                links.add(item.url)
                found.items.append(item)
        for failure in part.failures:
            if failure.url not in failed:
                failed.add(failure.url)
                found.failures.append(failure)
        found.pages += part.pages
        found.bodies |= part.bodies
        found.listing_errors += part.listing_errors
        found.listed += part.listed
        for item in part.failed_items:
            if item.url not in links:
                links.add(item.url)
                found.failed_items.append(item)
        found.listing_pages += part.listing_pages
    return found


def _canonical_or_none(url: str) -> str | None:
    try:
        return canonical_url(url)
    except MalformedURL:
        return None


def _one_at_a_time(keep: Keep) -> Keep:
    """``keep``, called by one walk at a time."""
    lock = threading.Lock()

    def kept(pages: list[Page], bodies: Mapping[str, bytes | Packed]) -> None:
        with lock:
            keep(pages, bodies)

    return kept


@dataclass(slots=True)
class _Walk:
    """The state of one discovery: what it was asked, what it has seen and found."""

    fetcher: Fetcher
    source: Source
    since: datetime | None
    until: datetime | None
    known: set[str] | frozenset[str]
    stop_at_known: bool
    archived: Mapping[str, Archived]
    found: Discovery
    keep: Keep | None = None
    parse_listing: Callable[..., Listing] = parse_listing
    failed: set[str] | frozenset[str] = frozenset()
    seen: set[str] = field(default_factory=set)
    origins: frozenset[Origin] = field(init=False, default=frozenset())  # the source's
    hosts: frozenset[str] = field(init=False, default=frozenset())  # of those origins

    def __post_init__(self) -> None:
        origins = set()
        for entry in self.source.hosts:  # as the host guard reads them (``flows.crawling.origins``)
            try:
                origins |= {(s, canonical_host(h), p) for s, h, p in allowed_origins(entry)}
            except ValueError:  # names no origin: nothing of it is the source's
                continue
        self.origins = frozenset(origins)
        self.hosts = frozenset(host for _, host, _ in origins)

    def listing(self, start_url: str, max_pages: int | None = None) -> None:
        """Walk one configured listing: its pages, or its sitemaps, within the budget
        (``max_pages``, by default the source's)."""
        queue: deque[tuple[str, int]] = deque([(start_url, 0)])
        visited: set[str] = set()
        walked: set[str] = set()  # item links met on this listing's pages
        budget = self.source.max_pages if max_pages is None else max_pages
        while queue and budget > 0:
            url, depth = queue.popleft()
            if url in visited:
                continue
            visited.add(url)
            budget -= 1
            page = self._read(url)
            if self.keep is not None and len(self.found.pages) >= KEEP_EVERY:
                self.found.hand_on(self.keep)
            if page is None:
                continue
            listing, is_feed = page
            for child in listing.feeds:
                if self._malformed(child):
                    continue
                if depth + 1 > self.source.max_depth:
                    reason = f"sitemap deeper than max_depth ({self.source.max_depth})"
                    self.found.failures.append(Failure(child, self.source.name, "discover", reason))
                else:
                    queue.append((child, depth + 1))
            # A run needs a link's URL and date, never its title: a walk of 50,000 links
            # would hold some 15 MB of titles until it ends.
            items = self._links(listing.items)
            repeated = bool(items) and all(i.url in walked for i in items)
            walked.update(i.url for i in items)
            if not items and not listing.feeds:
                # A listing page with no link at all is not the end of a walk but a page
                # that was not what it should be (an error page, a page cut short): the
                # walk cannot tell what it missed, so its days are left in doubt.
                reason = "listing page shows no article links"
                self.found.failures.append(Failure(url, self.source.name, "discover", reason))
                self.found.listing_errors.append(f"listing {url}: {reason}")
                continue
            self.found.listed.append(url)
            reached_since = self._take(items, ordered=not is_feed)
            all_known = bool(items) and all(
                i.url in self.known or i.url in self.failed for i in items
            )
            if (
                reached_since
                or not items
                or repeated
                or (self.stop_at_known and all_known)
                or listing.next_url is None
                or self._malformed(listing.next_url)
            ):
                continue
            trap = trap_reason(listing.next_url)
            if trap is not None:
                self.found.failures.append(
                    Failure(listing.next_url, self.source.name, "discover", trap)
                )
                continue
            queue.append((listing.next_url, depth))

    def _read(self, url: str, conditional: bool = True) -> tuple[Listing, bool] | None:
        """Fetch and parse one listing page (a 304 read from the archive); None when it
        failed, which is recorded."""
        source = self.source
        before = self.archived.get(url) if conditional else None
        try:
            fetched = self.fetcher.get(url, validators=before.validators if before else None)
        except FetchError as exc:
            self.found.failures.append(
                Failure(url, source.name, "discover", exc.reason, exc.status)
            )
            self.found.listing_errors.append(f"listing {url}: {exc.reason}")
            return None
        self.found.pages.append(fetched.page(source.name, "listing"))
        self.found.listing_pages += 1
        if fetched.not_modified and before is not None:
            try:
                content, content_type = before.read(), before.content_type
            except StorageError:  # the archive lost the body (a pack moved or cut short)
                return self._read(url, conditional=False)
        else:
            content, content_type = fetched.content, fetched.content_type
            # Held compressed until handed on: a listing page of a big Liferay portal
            # (whose page menu names every page) can weigh 500 kB, a tenth of that packed.
            self.found.bodies[fetched.content_hash] = Packed.of(content)
        try:
            listing = self.parse_listing(
                content,
                fetched.final_url,
                profile=source.extractor_profile,
                timezone=source.timezone,
                content_type=content_type,
            )
        except ExtractionError as exc:
            self.found.failures.append(
                Failure(url, source.name, "discover", exc.reason, fetched.status)
            )
            self.found.listing_errors.append(f"listing {url}: {exc.reason}")
            return None
        return listing, looks_like_feed(content, content_type)

    def _links(self, items: tuple[ListingItem, ...]) -> list[ListingItem]:
        """A page's article links, canonical, without their titles (``_link``)."""
        found = []
        for item in items:
            link = self._link(item.url)
            if link is not None:
                found.append(replace(item, url=link, title=None))
        return found

    def _link(self, url: str) -> str | None:
        """The canonical spelling of an article link, or None: a link that is not the
        source's (a scheme other than http(s), another host, an origin the source's host
        guard would refuse) is left alone, and a malformed one
        (``flows.crawling.urls.MalformedURL``) is recorded as a failure."""
        if url_scheme(url) not in ("http", "https"):
            return None
        host = url_host(url)  # None: unreadable, so maybe the source's: it is judged
        if host is not None and host not in self.hosts:
            return None
        try:
            link = canonical_url(url)
        except MalformedURL as exc:
            self._record_malformed(url, exc)
            return None
        return link if origin_of(link) in self.origins else None  # not another port

    def _malformed(self, url: str) -> bool:
        """Whether a listing's next page or a sitemap index's sitemap is malformed (and
        then recorded); any other URL is fetched as given, through the host guard."""
        if url_scheme(url) not in ("http", "https"):
            return False  # the guard refuses it, and says so
        try:
            canonical_url(url)
        except MalformedURL as exc:
            self._record_malformed(url, exc)
            return True
        return False

    def _record_malformed(self, url: str, exc: MalformedURL) -> None:
        if url not in self.seen:
            self.seen.add(url)
            reason = f"malformed link: {exc.reason}"
            self.found.failures.append(Failure(url, self.source.name, "discover", reason))

    def _take(self, items: list[ListingItem], *, ordered: bool) -> bool:
        """Keep the new items of one page; True when an ordered (newest first) page has
        reached ``since``. Trap links are recorded as failures."""
        for item in items:
            trap = trap_reason(item.url)
            if trap is not None:
                if item.url not in self.seen:
                    self.seen.add(item.url)
                    self.found.failures.append(
                        Failure(item.url, self.source.name, "discover", trap)
                    )
                continue
            date = item.published_at
            if self.since is not None and date is not None and date < self.since:
                if ordered:
                    return True
                continue
            if self.until is not None and date is not None and date > self.until:
                continue
            if item.url in self.known or item.url in self.seen:
                continue
            self.seen.add(item.url)
            if item.url in self.failed:
                self.found.failed_items.append(item)
            else:
                self.found.items.append(item)
        return False
