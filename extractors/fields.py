"""Page-level fields (title, date, lead, canonical URL, category, language), by strategies."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from extractors.blocks import text_of
from extractors.css import select_all, select_first, select_ordered
from extractors.dates import parse_vn_datetime
from extractors.document import Document, json_ld_objects
from extractors.profiles import GENERIC, Profile
from extractors.text import clean, is_vietnamese
from extractors.urls import absolute

_TITLE_META = ('meta[property="og:title"]', 'meta[name="twitter:title"]')
# Meta tags (name, property or itemprop, case-folded) that give the publication date.
_DATE_META_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "published-date",
    "date-pub",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "dc.date",
    "dcterms.date",
    "date",
    "published",
)
_DATE_META_NAME = re.compile(r"publi(?:shed|cation)|pub[-_.]?date|date[-_.]?pub", re.IGNORECASE)
_NOT_PUBLISHED = re.compile(r"modif|updat|expir|edit|revis", re.IGNORECASE)
_MODIFIED_META_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)
_DATE_ELEMENTS = (
    '[itemprop="datePublished"]',
    "time[datetime]",
    "time[pubdate]",
    "abbr.published[title]",
    "time",
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/-]|\.html?|$)")
_HAS_DIGIT = re.compile(r"\d")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UPDATED = re.compile(
    r"updated|modified|revised|edited|aktualisiert|mis à jour|actualizado|cập nhật",
    re.IGNORECASE,
)
NEAR_TITLE_AFTER = 1500  # characters of text after the title heading searched for a date
NEAR_TITLE_BEFORE = 300  # and before it
MAX_DATELINE = 120  # a longer text is prose, whose dates are not the page's
_SECTION_META = ('meta[property="article:section"]',)
_ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "ReportageNewsArticle",
        "ReviewNewsArticle",
        "BackgroundNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "TechArticle",
        "ScholarlyArticle",
        "Report",
        "WebPage",
        "MedicalWebPage",
        "ItemPage",
    }
)
_TITLE_SEPARATOR = re.compile(r"\s+[-–—|]\s+")
_TITLE_ELEMENTS = ("h1", "h2", "h3", "[class*=title]")
_FURNITURE = ["header", "nav", "footer", "aside"]
_PLAIN_PUNCTUATION = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
MIN_HEADLINE = 4  # characters: a shorter h1 ("Blog") is no headline
MAX_SITE_NAME = 45  # characters: a longer `<title>` tail is part of the title
_HOME = frozenset({"trang chủ", "home", "trang chu"})


def html_title(doc: Document) -> str | None:
    tag = doc.soup.find("title")
    return clean(tag.get_text()) or None if tag else None


def extract_title(doc: Document, profile: Profile) -> str | None:
    """Profile selectors; else the headline as the page shows it (its `h1`), then og:title
    or the JSON-LD headline, then `<title>`, the last two without a site-name suffix."""
    if profile is not GENERIC:
        tag = select_first(doc.soup, profile.title)
        if tag is not None:
            return text_of(tag)
    page_title = html_title(doc)
    named = [t for t in (_meta(doc.soup, _TITLE_META), _json_ld_value(doc, "headline")) if t]
    heading = _headline(doc, [*named, *([page_title] if page_title else [])])
    if heading:
        return _without_site_name(doc, heading)
    for value in named:
        return _cut_at_heading(doc, _without_site_name(doc, value))
    return _title_from_html_title(doc, page_title, profile) if page_title else None


def _headline(doc: Document, named: list[str]) -> str | None:
    """The `h1` that the metadata titles contain; else a lone `h1` outside page furniture
    that is not the site's name."""
    keys = [_title_key(n) for n in named]
    h1s = [(tag, text) for tag in select_all(doc.soup, "h1") if (text := text_of(tag))]
    outside = [(tag, text) for tag, text in h1s if tag.find_parent(_FURNITURE) is None]
    for _, text in [*outside, *h1s]:  # a logo's h1 in the header is a last resort
        key = _title_key(text)
        if len(key) >= MIN_HEADLINE and any(key in k for k in keys):
            # The same words in the metadata: their spelling is the one typed, the
            # heading's may be the template's (capitals, typographic quotes).
            return next((n for n, k in zip(named, keys, strict=True) if k == key), text)
    alone = list(dict.fromkeys(text for _, text in outside))  # a responsive copy is one
    site = _title_key(meta_map(doc).get("og:site_name") or "")
    if len(alone) == 1 and len(alone[0].split()) >= 2 and _title_key(alone[0]) != site:
        return alone[0]
    return None


def _title_key(text: str) -> str:
    """A title for comparison: case-folded, typographic quotes and dashes made plain."""
    return " ".join(text.translate(_PLAIN_PUNCTUATION).casefold().split())


def _without_site_name(doc: Document, title: str) -> str:
    """A title without a " | Site" or "Site - " part that names the site: its og:site_name,
    or its domain ("DianaHR" on dianahr.com)."""
    cuts = list(_TITLE_SEPARATOR.finditer(title))
    if not cuts:
        return title
    if _names_site(doc, title[cuts[-1].end() :]):
        return title[: cuts[-1].start()]
    if _names_site(doc, title[: cuts[0].start()]):
        return title[cuts[0].end() :]
    return title


def _names_site(doc: Document, part: str) -> bool:
    key = _title_key(part)
    site = _title_key(meta_map(doc).get("og:site_name") or "")
    if site and key == site:
        return True
    host = (urlsplit(doc.url).hostname or "").removeprefix("www.")
    label = host.split(".")[0] if host else ""
    return len(label) >= 3 and key.replace(" ", "").replace("-", "") == label.replace("-", "")


def _cut_at_heading(doc: Document, title: str) -> str:
    """A title without its " - page - site" suffix where a heading of the page shows the
    part before it; else the title as it is."""
    cuts = [match.start() for match in _TITLE_SEPARATOR.finditer(title)]
    if not cuts:
        return title
    headings = {text_of(tag) for tag in select_ordered(doc.soup, _TITLE_ELEMENTS)}
    for cut in reversed(cuts):  # the longest part first
        if title[:cut] in headings:
            return title[:cut]
    return title


def _title_from_html_title(doc: Document, page_title: str, profile: Profile) -> str:
    """`<title>` without its "- page - site" suffix: cut where a heading says, else guess."""
    cut = _cut_at_heading(doc, page_title)
    if cut != page_title:
        return cut
    cuts = [match.start() for match in _TITLE_SEPARATOR.finditer(page_title)]
    prefixes = [page_title[:cut] for cut in reversed(cuts)]  # longest first
    if not prefixes:
        return page_title
    if profile.html_title_category and len(prefixes) >= 2:
        return prefixes[1]
    if len(page_title) - len(prefixes[0]) <= MAX_SITE_NAME:
        return prefixes[0]
    return page_title


def extract_published_at(
    doc: Document, profile: Profile, tz: tzinfo, warnings: list[str]
) -> datetime | None:
    """The profile's date element; else machine-readable metadata (ISO 8601 in meta tags,
    JSON-LD, `<time datetime>`), or the date shown by the title when the two agree to a
    day (the page's own calendar day); else the date shown by the title, other date
    texts, modification dates, and the URL's /2024/05/06/.

    An offset the page states is kept (the publisher's calendar day); a warning when no
    date reads.
    """
    if profile is not GENERIC:
        tag = select_first(doc.soup, profile.date)
        if tag is not None and (parsed := _parse(text_of(tag), tz)) is not None:
            return parsed
    values = list(_date_candidates(doc))
    machine = next(
        (d for v in values if _ISO_DATE.match(v) and (d := _parse(v, tz)) is not None), None
    )
    shown = _date_by_title(doc, tz)
    if machine is not None:
        if shown is not None and abs((shown.date() - machine.date()).days) <= 1:
            return shown
        return machine
    if shown is not None:
        return shown
    unreadable: list[str] = []
    for value in (*values, *_modified_dates(doc)):
        parsed = _parse(value, tz)
        if parsed is not None:
            return parsed
        unreadable.append(value)
    from_url = date_in_url(doc.url)
    if from_url is not None:
        return datetime(*from_url, tzinfo=tz)
    if unreadable:
        warnings.append(f"published_at: unreadable date {unreadable[0]!r}")
    else:
        warnings.append("published_at: no date found")
    return None


def _parse(value: str, tz: tzinfo) -> datetime | None:
    return parse_vn_datetime(value, tz, keep_offset=True)


def _date_by_title(doc: Document, tz: tzinfo) -> datetime | None:
    """The first date of the datelines by the title, one not labelled "updated" if any."""
    updated: datetime | None = None
    for text, is_update in _visible_dates(doc):
        parsed = _parse(text, tz)
        if parsed is None:
            continue
        if not is_update:
            return parsed
        updated = updated or parsed
    return updated


def _date_candidates(doc: Document) -> Iterable[str]:
    metas = meta_map(doc)
    for key in _DATE_META_KEYS:
        if key in metas:
            yield metas[key]
    for key, value in metas.items():
        if _DATE_META_NAME.search(key) and not _NOT_PUBLISHED.search(key):
            yield value
    yield from _json_ld_values(doc, ("datePublished", "dateCreated", "uploadDate"))
    for tag in select_ordered(doc.soup, _DATE_ELEMENTS)[:2]:
        value = next(
            (clean(str(v)) for a in ("datetime", "content", "title") if (v := tag.get(a))),
            "",
        )
        if value:
            yield value
        if text := text_of(tag):
            yield text
    for tag in select_ordered(doc.soup, GENERIC.date):
        # Portal headers show today's date: only dates outside page furniture count.
        if tag.find_parent(_FURNITURE) is None and (value := text_of(tag)):
            yield value
            break


def _visible_dates(doc: Document) -> Iterator[tuple[str, bool]]:
    """Short texts (a byline, a dateline) just after the title heading, then just before,
    each with whether it (or the label before it) says it is an update."""
    heading = _title_heading(doc)
    if heading is None:
        return
    for direction, budget in (
        ("next_elements", NEAR_TITLE_AFTER),
        ("previous_elements", NEAR_TITLE_BEFORE),
    ):
        label = ""
        for node in getattr(heading, direction):
            if type(node) is not NavigableString:
                continue
            text = node.strip()
            if not text:
                continue
            budget -= len(text)
            if budget < 0:
                break
            if len(text) <= MAX_DATELINE and _HAS_DIGIT.search(text):
                yield text, bool(_UPDATED.search(text) or _UPDATED.search(label))
                label = ""
            else:
                label = text  # "Last updated" over the date it labels


def _title_heading(doc: Document) -> Tag | None:
    """The title's element: the `h1` that the page's metadata title names, else the first
    `h1` with text, else the first (empty when the parser moved its text out)."""
    h1s = select_all(doc.soup, "h1")
    if not h1s:
        return None
    named = " ".join(filter(None, (meta_map(doc).get("og:title"), html_title(doc)))).casefold()
    texts = [(tag, clean(tag.get_text()).casefold()) for tag in h1s]
    for tag, text in texts:
        if text and text in named:
            return tag
    return next((tag for tag, text in texts if text), h1s[0])


def _modified_dates(doc: Document) -> Iterator[str]:
    metas = meta_map(doc)
    for key in _MODIFIED_META_KEYS:
        if key in metas:
            yield metas[key]
    yield from _json_ld_values(doc, ("dateModified",))


def date_in_url(url: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a /2024/05/06/ or /2024-05-06 path, if it is a real date."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        datetime(year, month, day)
    except ValueError:
        return None
    return year, month, day


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


def meta_map(doc: Document) -> dict[str, str]:
    """Every meta tag's content by its name, property or itemprop, case-folded (first wins)."""
    if doc.meta is None:
        found: dict[str, str] = {}
        for tag in select_all(_head(doc.soup), "meta"):
            content = tag.get("content")
            if not isinstance(content, str) or not (value := clean(content)):
                continue
            for attr in ("property", "name", "itemprop"):
                key = tag.get(attr)
                if isinstance(key, str) and key:
                    found.setdefault(key.strip().casefold(), value)
        doc.meta = found
    return doc.meta


def _json_ld_values(
    doc: Document, keys: tuple[str, ...], *, articles_only: bool = False
) -> Iterator[str]:
    """Values of `keys` in the article's JSON-LD objects, then (unless `articles_only`)
    in any other object."""
    objects = list(json_ld_objects(doc))
    ranked = [o for o in objects if _is_article(o)]
    if not articles_only:
        ranked += [o for o in objects if not _is_article(o)]
    for obj in ranked:
        for key in keys:
            value: Any = obj.get(key)
            if isinstance(value, list) and value:
                value = value[0]
            if isinstance(value, str) and clean(value):
                yield clean(value)


def _is_article(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k in _ARTICLE_TYPES for k in kinds)


def _json_ld_value(doc: Document, *keys: str) -> str | None:
    """The first value of `keys` in the page's article JSON-LD objects."""
    return next(_json_ld_values(doc, keys, articles_only=True), None)
