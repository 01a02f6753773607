"""`extract()`: one article page (bytes or text) and its URL in, one `Article` out."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, tzinfo

from bs4 import BeautifulSoup, Tag

from extractors.blocks import text_of
from extractors.body import read_body
from extractors.css import select_ordered
from extractors.dates import DEFAULT_TIMEZONE, parse_vn_datetime, to_tz
from extractors.decoding import decode_page, legacy_encoding
from extractors.document import Document, parse_document, unwrap_all
from extractors.errors import ExtractionError
from extractors.facts import Facts, extract_facts
from extractors.fields import (
    detect_language,
    extract_canonical,
    extract_category,
    extract_lead,
    extract_published_at,
    extract_title,
)
from extractors.profiles import Profile, detect_article_profile, get_profile
from extractors.records import Article
from extractors.soft_errors import soft_error
from extractors.text import clean

MAX_DEPTH = 200  # elements nested deeper are unwrapped: the tree walks recurse per level


def extract(
    html: bytes | str,
    url: str,
    *,
    profile: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    content_type: str | None = None,
    facts: bool = True,
) -> Article:
    """Read an article page; `profile` forces a CMS family by name (else detected).

    With `facts` (the default), the quantities, cited documents and officials of the lead,
    body and captions of a Vietnamese page are extracted too (`stats`, `doc_refs`,
    `people`).

    `content_type` is the HTTP Content-Type header: its charset is tried first. Raises
    ExtractionError (naming the URL) for empty, huge, non-HTML, title-less or body-less
    pages; a missing optional field is None, and a date that cannot be read adds a warning.
    Legacy TCVN3/VNI text is flagged (`encoding_suspect`, a warning), never converted.
    """
    chosen_profile = get_profile(profile) if profile else None  # a bad name is a caller error
    decoded = decode_page(html, url, content_type)
    try:
        doc = open_document(decoded.text, url)
        article = _read(doc, decoded.text, chosen_profile, to_tz(timezone), facts)
    except RecursionError:
        raise ExtractionError(url, "page too deeply nested") from None
    if decoded.warning is not None:  # invalid UTF-8 bytes read as U+FFFD
        article = replace(article, warnings=(decoded.warning, *article.warnings))
    return article


def open_document(text: str, url: str) -> Document:
    """Parse the decoded page, its nesting capped at MAX_DEPTH."""
    doc = parse_document(text, url)
    flatten_deep(doc.soup)
    return doc


def flatten_deep(soup: BeautifulSoup, max_depth: int = MAX_DEPTH) -> int:
    """Cap nesting at `max_depth`; how many elements were unwrapped (their text stays).

    A page within the cap is left as parsed. Deep nesting is almost always a chain of bare
    wrappers: below half the cap, first the plain ones (a div or span without attributes
    holding one element: nothing a selector reads), then any bare wrapper, so that the
    page's own structure at the bottom of the chain keeps its tags and classes. What is
    still too deep after that is unwrapped whatever it is. Linear in the page's size.
    """
    removed = 0
    passes = ((_is_plain_wrapper, max_depth // 2), (_is_bare_wrapper, max_depth // 2))
    for wanted, limit in (*passes, (None, max_depth)):
        found = _deeper_than(soup, limit)
        if not found or max(level for _, level in found) <= max_depth:
            break  # the usual page: nothing past the cap
        deep = [tag for tag, _ in found if wanted is None or wanted(tag)]
        unwrap_all(deep)  # linear: BeautifulSoup's unwrap one by one is quadratic here
        removed += len(deep)
    return removed


def _deeper_than(soup: BeautifulSoup, max_depth: int) -> list[tuple[Tag, int]]:
    """The elements nested deeper than `max_depth`, in page order, with their depth."""
    depth: dict[int, int] = {id(soup): 0}
    deep: list[tuple[Tag, int]] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            level = depth.get(id(node.parent), 0) + 1
            depth[id(node)] = level
            if level > max_depth:
                deep.append((node, level))
    return deep


def _is_bare_wrapper(tag: Tag) -> bool:
    """An element holding one element and no text of its own."""
    children = [c for c in tag.contents if isinstance(c, Tag) or str(c).strip()]
    return len(children) == 1 and isinstance(children[0], Tag)


def _is_plain_wrapper(tag: Tag) -> bool:
    """A bare wrapper that is a div or span without attributes."""
    return tag.name in ("div", "span") and not tag.attrs and _is_bare_wrapper(tag)


def _read(
    doc: Document, markup: str, forced: Profile | None, tz: tzinfo, with_facts: bool
) -> Article:
    url = doc.url
    error_page = soft_error(doc.soup)
    if error_page is not None:
        raise ExtractionError(url, error_page)
    chosen = forced or detect_article_profile(doc.soup)
    warnings: list[str] = []
    title = extract_title(doc, chosen)
    if not title:
        raise ExtractionError(url, "no title found")
    published_at = _attr_date(doc, chosen, tz) or extract_published_at(doc, chosen, tz, warnings)
    lead_tag = extract_lead(doc, chosen)
    lead = text_of(lead_tag) or None if lead_tag is not None else None
    canonical_url = extract_canonical(doc)
    category = extract_category(doc, chosen, title)
    body = read_body(doc, chosen, title=title, lead=lead, warnings=warnings)
    if not body.paragraphs:
        raise ExtractionError(url, "no body text found")
    body_text = "\n\n".join(body.paragraphs)
    legacy = legacy_encoding(markup, "\n".join((title, lead or "", body_text)))
    if legacy is not None:
        warnings.append(legacy.warning)
    language = detect_language(doc, " ".join((title, lead or "", body_text)))
    # The number, document and title conventions the facts read are Vietnamese ones.
    found = (
        extract_facts(lead, body_text, [f.caption for f in body.figures])
        if with_facts and language == "vi"
        else Facts()
    )
    return Article(
        url=url,
        canonical_url=canonical_url,
        title=title,
        published_at=published_at,
        lead=lead,
        body_text=body_text,
        author=body.byline.author,
        source_unit=body.byline.source_unit,
        figures=body.figures,
        attachments=body.attachments,
        category=category,
        language=language,
        profile=chosen.name,
        warnings=tuple(warnings),
        encoding_suspect=legacy is not None,
        stats=found.stats,
        doc_refs=found.doc_refs,
        people=found.people,
    )


def _attr_date(doc: Document, profile: Profile, tz: tzinfo) -> datetime | None:
    """The profile's precise date attribute (`content` or `datetime`), if one reads."""
    for tag in select_ordered(doc.soup, profile.date_attr):
        value = clean(str(tag.get("content") or tag.get("datetime") or ""))
        parsed = parse_vn_datetime(value, tz) if value else None
        if parsed is not None:
            return parsed
    return None
