"""Page-level fields (title, date, lead, canonical URL, category, language), by strategies."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any

from bs4 import BeautifulSoup, Tag

from extractors.blocks import text_of
from extractors.dates import parse_vn_datetime
from extractors.document import Document, json_ld_objects
from extractors.profiles import GENERIC, Profile
from extractors.select import select_first, select_ordered
from extractors.text import clean, is_vietnamese
from extractors.urls import absolute

_TITLE_META = ('meta[property="og:title"]', 'meta[name="twitter:title"]')
_DATE_META = (
    'meta[property="article:published_time"]',
    'meta[property="og:published_time"]',
    'meta[itemprop="datePublished"]',
    'meta[name="pubdate"]',
    'meta[name="publishdate"]',
    'meta[name="publish-date"]',
    'meta[name="date"]',
    'meta[name="DC.date.issued"]',
    'meta[name="dc.date"]',
    'meta[name="parsely-pub-date"]',
)
_DATE_ELEMENTS = ("time[datetime]", '[itemprop="datePublished"]')
_SECTION_META = ('meta[property="article:section"]',)
_ARTICLE_TYPES = frozenset(
    {"Article", "NewsArticle", "BlogPosting", "Report", "ReportageNewsArticle", "WebPage"}
)
_TITLE_SEPARATOR = re.compile(r"\s+[-–—|]\s+")
_TITLE_ELEMENTS = ("h1", "h2", "h3", "[class*=title]")
_FURNITURE = ["header", "nav", "footer", "aside"]
MAX_SITE_NAME = 45  # characters: a longer `<title>` tail is part of the title
_HOME = frozenset({"trang chủ", "home", "trang chu"})


def html_title(doc: Document) -> str | None:
    tag = doc.soup.find("title")
    return clean(tag.get_text()) or None if tag else None


def extract_title(doc: Document, profile: Profile) -> str | None:
    """Profile selectors, og:title, JSON-LD headline, a lone h1, then `<title>`."""
    if profile is not GENERIC:
        tag = select_first(doc.soup, profile.title)
        if tag is not None:
            return text_of(tag)
    for value in (_meta(doc.soup, _TITLE_META), _json_ld_value(doc, "headline", "name")):
        if value:
            return value
    page_title = html_title(doc)
    h1s = [text for tag in select_ordered(doc.soup, GENERIC.title) if (text := text_of(tag))]
    for text in h1s:
        if page_title and text in page_title and len(text.split()) >= 2:
            return text
    if len(h1s) == 1:
        return h1s[0]
    return _title_from_html_title(doc, page_title, profile) if page_title else None


def _title_from_html_title(doc: Document, page_title: str, profile: Profile) -> str:
    """`<title>` without its "- page - site" suffix: cut where a heading says, else guess."""
    cuts = [match.start() for match in _TITLE_SEPARATOR.finditer(page_title)]
    prefixes = [page_title[:cut] for cut in reversed(cuts)]  # longest first
    if not prefixes:
        return page_title
    headings = {text_of(tag) for tag in select_ordered(doc.soup, _TITLE_ELEMENTS)}
    for prefix in prefixes:
        if prefix in headings:
            return prefix
    if profile.html_title_category and len(prefixes) >= 2:
        return prefixes[1]
    if len(page_title) - len(prefixes[0]) <= MAX_SITE_NAME:
        return prefixes[0]
    return page_title


def extract_published_at(
    doc: Document, profile: Profile, tz: tzinfo, warnings: list[str]
) -> datetime | None:
    """Profile date element, date meta tags, JSON-LD, <time>; a warning when none reads."""
    unreadable: list[str] = []
    for value in _date_candidates(doc, profile):
        parsed = parse_vn_datetime(value, tz)
        if parsed is not None:
            return parsed
        unreadable.append(value)
    if unreadable:
        warnings.append(f"published_at: unreadable date {unreadable[0]!r}")
    else:
        warnings.append("published_at: no date found")
    return None


def _date_candidates(doc: Document, profile: Profile) -> Iterable[str]:
    if profile is not GENERIC:
        tag = select_first(doc.soup, profile.date)
        if tag is not None:
            yield text_of(tag)
    for tag in select_ordered(_head(doc.soup), _DATE_META):
        value = clean(str(tag.get("content") or ""))
        if value:
            yield value
    json_ld_date = _json_ld_value(doc, "datePublished", "dateCreated")
    if json_ld_date:
        yield json_ld_date
    for tag in select_ordered(doc.soup, _DATE_ELEMENTS)[:1]:
        value = clean(str(tag.get("datetime") or tag.get("content") or "")) or text_of(tag)
        if value:
            yield value
    for tag in select_ordered(doc.soup, GENERIC.date):
        # Portal headers show today's date: only dates outside page furniture count.
        if tag.find_parent(_FURNITURE) is None and (value := text_of(tag)):
            yield value
            break


def extract_lead(doc: Document, profile: Profile) -> Tag | None:
    """The lead (sapo) element, if the profile knows where it is and it holds text."""
    return select_first(doc.soup, profile.lead or GENERIC.lead)


def extract_canonical(doc: Document) -> str:
    """`<link rel=canonical>` (else og:url) made absolute; else the URL as given."""
    for selector, attr in (
        ('link[rel~="canonical"]', "href"),
        ('meta[property="og:url"]', "content"),
    ):
        tag = doc.soup.select_one(selector)
        if tag is not None:
            url = absolute(str(tag.get(attr) or ""), doc.url)
            if url:
                return url
    return doc.url


def extract_category(doc: Document, profile: Profile, title: str | None) -> str | None:
    """Liferay: the middle of "{article} - {page} - {site}"; else section meta, breadcrumb."""
    page_title = html_title(doc)
    crumbs = _breadcrumb(doc, profile, title)
    if profile.html_title_category and page_title:
        from_title = _category_in_title(page_title, title, crumbs)
        if from_title:
            return from_title
    section = _meta(doc.soup, _SECTION_META) or _json_ld_value(doc, "articleSection")
    if section:
        return section
    return crumbs[-1] if crumbs else None


def _breadcrumb(doc: Document, profile: Profile, title: str | None) -> list[str]:
    """The breadcrumb's items, without "Home" and the article's own title."""
    selectors = (*profile.category, *GENERIC.category)
    texts = [text for tag in select_ordered(doc.soup, selectors) if (text := text_of(tag))]
    return [text for text in texts if text.casefold() not in _HOME and text != title]


def _category_in_title(page_title: str, title: str | None, crumbs: list[str]) -> str | None:
    """The page part of "{article} - {page} - {site}"; a breadcrumb item settles a page
    name holding " - " itself, else the site name is taken to be the last part."""
    if title and page_title.startswith(title + " - "):
        rest = page_title[len(title) + 3 :]
    else:
        parts = page_title.split(" - ")
        if len(parts) < 3:
            return None
        rest = " - ".join(parts[-2:])
    cuts = [match.start() for match in re.finditer(" - ", rest)]
    candidates = [rest[:cut].strip() for cut in reversed(cuts)]  # longest first
    for candidate in candidates:
        if candidate in crumbs:
            return candidate
    return candidates[0] if candidates else None


def detect_language(doc: Document, sample: str) -> str | None:
    """'vi' when the text is Vietnamese (Liferay says en-US wrongly), else the html lang."""
    if is_vietnamese(sample):
        return "vi"
    if doc.lang:
        return doc.lang.split("-")[0].split("_")[0].strip().lower() or None
    return None


def _head(soup: BeautifulSoup) -> BeautifulSoup | Tag:
    """Where meta tags are: the head when the page has one (a much shorter walk)."""
    head = soup.head
    return head if head is not None and head.find("meta") is not None else soup


def _meta(soup: BeautifulSoup, selectors: Iterable[str]) -> str | None:
    for tag in select_ordered(_head(soup), selectors):
        value = clean(str(tag.get("content") or ""))
        if value:
            return value
    return None


def _json_ld_value(doc: Document, *keys: str) -> str | None:
    for obj in json_ld_objects(doc):
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(k in _ARTICLE_TYPES for k in kinds):
            continue
        for key in keys:
            value: Any = obj.get(key)
            if isinstance(value, list) and value:
                value = value[0]
            if isinstance(value, str) and clean(value):
                return clean(value)
    return None
