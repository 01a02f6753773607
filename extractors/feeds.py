"""`parse_feed()`: sitemaps, sitemap indexes, RSS 2.0 and Atom read as a `Listing`.

Elements are matched by local name, so a sitemap with or without the sitemaps.org
namespace, and an RSS feed carrying extra namespaces, read the same.

Safety: lxml parses with entity resolution, DTD loading and network access off, no huge
trees and no recovery. Any document declaring an entity (``<!ENTITY``, general or
parameter) is refused with an `ExtractionError`, never expanded: this rules out billion
laughs and external entities (``file:///etc/passwd``) alike. The declaration is looked
for in the raw bytes before libxml2 sees the document (UTF-8 and other ASCII-based
encodings, UTF-16): a document with a DOCTYPE and the text ``<!ENTITY`` anywhere is
refused, even in a CDATA section. It is looked for again in the parsed DTD, which
libxml2 read without expanding or loading anything (other encodings, UTF-32).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from email.utils import parsedate_to_datetime

from lxml import etree

from extractors.dates import DEFAULT_TIMEZONE, parse_vn_datetime, to_tz
from extractors.errors import ExtractionError
from extractors.records import Listing, ListingItem
from extractors.text import clean
from extractors.urls import absolute

FEED_ROOTS = frozenset({"urlset", "sitemapindex", "rss", "feed"})
FEED_CONTENT_TYPES = frozenset(
    {"application/xml", "text/xml", "application/rss+xml", "application/atom+xml"}
)
SNIFF_BYTES = 2048
ENTITIES_REFUSED = "feed declares XML entities (not expanded)"

_ENCODINGS = ("ascii", "utf-16-le", "utf-16-be")
_ENTITY_MARKS = tuple("<!ENTITY".encode(e) for e in _ENCODINGS)
_DOCTYPE_MARKS = tuple("<!DOCTYPE".encode(e) for e in _ENCODINGS)
# Before the root element: blanks, the XML declaration and other processing instructions,
# comments, and a DOCTYPE (with its internal subset, if any). Then the root's name.
_ROOT = re.compile(
    r"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*"
    r"<(?:[\w.-]+:)?([\w.-]+)[\s/>]",
    re.DOTALL,
)
_TAGS = re.compile(r"<[^>]*>")
_ISO_START = re.compile(r"\d{4}-")


def looks_like_feed(data: bytes, content_type: str | None) -> bool:
    """Whether `data` is a sitemap, sitemap index, RSS or Atom document, not a web page.

    The root element is sniffed from the first `SNIFF_BYTES` (after a BOM, the XML
    declaration, comments and a DOCTYPE): <rss>, <feed>, <urlset> or <sitemapindex> is
    a feed and <html> (XHTML included) is not, whatever the Content-Type says. When the
    root cannot be seen there, an XML or feed Content-Type decides.
    """
    root = _sniff_root(data[:SNIFF_BYTES])
    if root in FEED_ROOTS:
        return True
    if root is not None and root.lower() == "html":
        return False
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type in FEED_CONTENT_TYPES


def parse_feed(data: bytes, url: str, *, timezone: str = DEFAULT_TIMEZONE) -> Listing:
    """The items of a sitemap, RSS or Atom feed, or the child sitemaps of a sitemap index.

    Items keep document order (a repeated URL keeps its first place) with absolute URLs,
    titles (None when the format has none) and aware dates: an offset in the feed is
    kept, a date without one is read in `timezone`. A sitemap index has no items: its
    sitemaps are `Listing.feeds`, newest <lastmod> first. `next_url` is always None.
    Raises `ExtractionError` for entity declarations, malformed XML and other roots.
    """
    root = _parse(data, url)
    tz = to_tz(timezone)
    kind = _local(root)
    if kind == "sitemapindex":
        return Listing(url=url, items=(), next_url=None, feeds=_sitemaps(root, url, tz))
    if kind == "urlset":
        items = _sitemap_items(root, url, tz)
    elif kind == "rss":
        items = _rss_items(root, url, tz)
    elif kind == "feed":
        items = _atom_items(root, url, tz)
    else:
        raise ExtractionError(url, f"not a sitemap, RSS or Atom feed: root element <{kind}>")
    return Listing(url=url, items=_dedupe(items), next_url=None)


def _parse(data: bytes, url: str) -> etree._Element:
    if any(mark in data for mark in _DOCTYPE_MARKS) and any(mark in data for mark in _ENTITY_MARKS):
        raise ExtractionError(url, ENTITIES_REFUSED)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(data, parser, base_url=url)
    except etree.XMLSyntaxError as exc:
        raise ExtractionError(url, f"not a well-formed feed: {exc}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ExtractionError(url, ENTITIES_REFUSED)
    return root


def _sniff_root(head: bytes) -> str | None:
    """The name (prefix dropped) of the first element of `head`, None if none shows."""
    if head.startswith(b"\xef\xbb\xbf"):
        text = head[3:].decode("latin-1")
    elif head.startswith((b"\xff\xfe", b"<\x00")):
        text = head.decode("utf-16-le", errors="ignore").lstrip("\ufeff")
    elif head.startswith((b"\xfe\xff", b"\x00<")):
        text = head.decode("utf-16-be", errors="ignore").lstrip("\ufeff")
    else:
        text = head.decode("latin-1")  # only the ASCII markup matters
    match = _ROOT.match(text)
    return match.group(1) if match else None


# -- the four formats -----------------------------------------------------------------


def _sitemaps(root: etree._Element, base: str, tz: tzinfo) -> tuple[str, ...]:
    found: list[tuple[str, datetime | None]] = []
    for sitemap in _children(root, "sitemap"):
        url = _url(_child(sitemap, "loc"), base)
        if url is not None:
            found.append((url, _date(_text(_child(sitemap, "lastmod")), tz)))
    dated = sorted(((u, d) for u, d in found if d is not None), key=lambda f: f[1], reverse=True)
    undated = [u for u, d in found if d is None]
    return tuple(dict.fromkeys([u for u, _ in dated] + undated))


def _sitemap_items(root: etree._Element, base: str, tz: tzinfo) -> Iterator[ListingItem]:
    for entry in _children(root, "url"):
        url = _url(_child(entry, "loc"), base)
        if url is None:
            continue
        news = _child(entry, "news")
        published = _date(_text(_child(news, "publication_date")), tz)
        title = _text(_child(news, "title")) or None
        if published is None:
            published = _date(_text(_child(entry, "lastmod")), tz)
        yield ListingItem(url=url, title=title, published_at=published)


def _rss_items(root: etree._Element, base: str, tz: tzinfo) -> Iterator[ListingItem]:
    channels = list(_children(root, "channel"))
    for item in (i for parent in (*channels, root) for i in _children(parent, "item")):
        link = next((c for c in _children(item, "link") if _text(c)), None)
        url = _url(link, base) if link is not None else _guid_url(item, base)
        if url is None:
            continue
        title = _text(_child(item, "title")) or None
        yield ListingItem(
            url=url, title=title, published_at=_date(_text(_child(item, "pubDate")), tz)
        )


def _guid_url(item: etree._Element, base: str) -> str | None:
    """A <guid> that is a permalink: isPermaLink="true", or unset with an http(s) URL."""
    guid = _child(item, "guid")
    if guid is None:
        return None
    flag = guid.get("isPermaLink")
    if flag == "true" or (flag is None and _text(guid).startswith(("http://", "https://"))):
        return _url(guid, base)
    return None


def _atom_items(root: etree._Element, base: str, tz: tzinfo) -> Iterator[ListingItem]:
    for entry in _children(root, "entry"):
        links = [link for link in _children(entry, "link") if link.get("href")]
        link = next((k for k in links if k.get("rel", "alternate") == "alternate"), None)
        link = link if link is not None else next(iter(links), None)
        if link is None:
            continue
        url = absolute(link.get("href"), link.base or base)
        if url is None:
            continue
        date = _text(_child(entry, "published")) or _text(_child(entry, "updated"))
        title = _atom_text(_child(entry, "title")) or None
        yield ListingItem(url=url, title=title, published_at=_date(date, tz))


# -- helpers ----------------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    """The element's name without namespace ('' for comments and processing instructions)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(parent: etree._Element | None, name: str) -> Iterator[etree._Element]:
    if parent is not None:
        yield from (child for child in parent if _local(child) == name)


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    return next(_children(parent, name), None)


def _text(element: etree._Element | None) -> str:
    return clean("".join(element.itertext())) if element is not None else ""


def _atom_text(element: etree._Element | None) -> str:
    """An Atom text construct: type="html" is escaped markup, read as its text."""
    if element is not None and element.get("type") == "html":
        return clean(html.unescape(_TAGS.sub(" ", "".join(element.itertext()))))
    return _text(element)


def _url(element: etree._Element | None, base: str) -> str | None:
    if element is None:
        return None
    return absolute(_text(element), element.base or base)


def _date(text: str, tz: tzinfo) -> datetime | None:
    """W3C/ISO 8601 (sitemaps, Atom) or RFC 822 (RSS); a day-first date as a last resort."""
    if not text:
        return None
    if not _ISO_START.match(text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, OverflowError):
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)
    return parse_vn_datetime(text, tz, keep_offset=True)


def _dedupe(items: Iterable[ListingItem]) -> tuple[ListingItem, ...]:
    seen: dict[str, ListingItem] = {}
    for item in items:
        seen.setdefault(item.url, item)
    return tuple(seen.values())
