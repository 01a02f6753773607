"""`parse_listing()`: a category page in, its article links and the next page's URL out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from extractors import generic
from extractors.article import open_document
from extractors.attachments import ATTACHMENT_KINDS
from extractors.attrs import class_list
from extractors.blocks import text_of
from extractors.css import select_first
from extractors.dates import DEFAULT_TIMEZONE, parse_vn_datetime, to_tz
from extractors.decoding import decode
from extractors.document import Document
from extractors.errors import ExtractionError
from extractors.feeds import looks_like_feed, parse_feed
from extractors.profiles import (
    GENERIC,
    NEXT_LABELS,
    PREVIOUS_LABELS,
    Profile,
    cut_listing_markup,
    detect_listing_profile,
    get_profile,
)
from extractors.records import Listing, ListingItem
from extractors.soft_errors import soft_error
from extractors.text import clean
from extractors.urls import absolute, extension

MIN_TITLE_WORDS = 4  # generic fallback: shorter link texts are menu entries
_ARROWS = " ←→«»‹›<>|"
_CURRENT = frozenset({"active", "current", "selected"})


def parse_listing(
    html: bytes | str,
    url: str,
    *,
    profile: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    content_type: str | None = None,
) -> Listing:
    """Items in page order (absolute URL, title, date or None) and the next page's URL.

    `content_type` is the HTTP Content-Type header (its charset is tried first). A
    sitemap, RSS or Atom feed (bytes only) is read by `parse_feed` instead.
    """
    if isinstance(html, bytes) and looks_like_feed(html, content_type):
        return parse_feed(html, url, timezone=timezone)
    forced = get_profile(profile) if profile else None
    text = cut_listing_markup(decode(html, url, content_type), forced)
    try:
        return _read(open_document(text, url), forced, to_tz(timezone))
    except RecursionError:
        raise ExtractionError(url, "page too deeply nested") from None


def _read(doc: Document, forced: Profile | None, tz: tzinfo) -> Listing:
    url = doc.url
    soup = doc.soup
    error_page = soft_error(soup)
    if error_page is not None:
        raise ExtractionError(url, error_page)
    chosen = forced or detect_listing_profile(soup)
    next_url = _next_url(soup, chosen, url)
    items = _profile_items(soup, chosen, url, tz)
    if not items and chosen is not GENERIC:
        items = _profile_items(soup, GENERIC, url, tz)
    if not items:
        items = _link_items(soup, url)
    return Listing(url=url, items=tuple(items), next_url=next_url)


def _profile_items(
    soup: BeautifulSoup, profile: Profile, base: str, tz: tzinfo
) -> list[ListingItem]:
    for selector in profile.listing_item:
        nodes = soup.select(selector)
        items = _dedupe(item for node in nodes if (item := _item(node, profile, base, tz)))
        if items:
            return items
    return []


def _item(node: Tag, profile: Profile, base: str, tz: tzinfo) -> ListingItem | None:
    link = next((a for s in profile.item_link for a in node.select(s) if a.get("href")), None)
    if link is None:
        return None
    url = absolute(str(link["href"]), base)
    if url is None:
        return None
    title = text_of(link) or clean(str(link.get("title") or "")) or None
    date_tag = select_first(node, profile.item_date)
    published_at = parse_vn_datetime(text_of(date_tag), tz) if date_tag is not None else None
    return ListingItem(url=url, title=title, published_at=published_at)


def _link_items(soup: BeautifulSoup, base: str) -> list[ListingItem]:
    """Generic fallback: links whose text reads like a headline, on the listing's host."""
    generic.drop_structural_noise(soup)
    host = urlsplit(base).netloc
    found: list[ListingItem] = []
    for link in soup.find_all("a", href=True):
        url = absolute(str(link["href"]), base)
        title = text_of(link)
        if (
            url is None
            or urlsplit(url).netloc != host
            or url == base
            or extension(url) in ATTACHMENT_KINDS
            or len(title.split()) < MIN_TITLE_WORDS
        ):
            continue
        found.append(ListingItem(url=url, title=title, published_at=None))
    return _dedupe(found)


def _dedupe(items: Iterable[ListingItem]) -> list[ListingItem]:
    seen: set[str] = set()
    out: list[ListingItem] = []
    for item in items:
        if item.url not in seen:
            seen.add(item.url)
            out.append(item)
    return out


def _next_url(soup: BeautifulSoup, profile: Profile, base: str) -> str | None:
    """The pager's next button: labelled next, else the one after "previous"."""
    selectors = (
        profile.next_page if profile is GENERIC else (*profile.next_page, *GENERIC.next_page)
    )
    for selector in selectors:
        buttons = soup.select(selector)
        if not buttons:
            continue
        if all(b.name in ("a", "link") and "next" in (b.get("rel") or ()) for b in buttons):
            return absolute(str(buttons[0].get("href") or ""), base)
        button = _next_button(buttons)
        if button is not None:
            return _button_url(button, base)
    return None


def _label(tag: Tag) -> str:
    text = clean(tag.get_text()).casefold()
    return text if text in NEXT_LABELS or text in PREVIOUS_LABELS else text.strip(_ARROWS)


def _next_button(buttons: list[Tag]) -> Tag | None:
    labels = [_label(b) for b in buttons]
    for button, label in zip(buttons, labels, strict=True):
        if label in NEXT_LABELS:
            return button
    for index, label in enumerate(labels[:-1]):
        if label in PREVIOUS_LABELS:
            return buttons[index + 1]
    for index, button in enumerate(buttons[:-1]):  # numbers only: the one after the current
        if _is_current(button):
            return buttons[index + 1]
    return None


def _is_current(tag: Tag) -> bool:
    classes = set(class_list(tag))
    return bool(classes & _CURRENT) or tag.get("aria-current") is not None


def _button_url(button: Tag, base: str) -> str | None:
    """The button's URL; None when it is disabled or goes nowhere (javascript:, #)."""
    link = button if button.name == "a" else button.find("a")
    for tag in (button, link):
        if isinstance(tag, Tag) and (
            "disabled" in class_list(tag) or tag.get("aria-disabled") == "true"
        ):
            return None
    if not isinstance(link, Tag):
        return None
    return absolute(str(link.get("href") or ""), base)
