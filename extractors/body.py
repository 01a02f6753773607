"""The article body: container, boilerplate removal, figures, attachments, byline, text."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bs4 import BeautifulSoup, Tag

from extractors import generic
from extractors.attachments import extract_attachments
from extractors.blocks import SUBHEADINGS, Block, blocks, text_of
from extractors.bylines import Byline, is_cms_account, parse_byline, take_closing_byline
from extractors.css import is_decomposed, select_first, select_ordered
from extractors.document import Document
from extractors.errors import ExtractionError
from extractors.figures import extract_figures
from extractors.profiles import (
    BOILERPLATE_TEXTS,
    COMMON_BOILERPLATE,
    GENERIC,
    RELATED_HEADINGS,
    Profile,
    is_related_heading,
)
from extractors.records import Attachment, Figure
from extractors.sites import other_site

MAX_LINK_DENSITY = 0.5  # generic bodies: paragraphs mostly made of links are menus
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)
PROSE_AFTER_HEADING = 80  # characters of the paragraph that makes a heading a subheading
SITE_LINKS = 0.5  # and more than this share of their link text leads within the site
SPARE_SHARE = 0.5  # generic bodies: boilerplate selectors spare what holds this much text
# A heading such as "More from ..." ends the article when this share of the text in the
# blocks after it is links (teasers: a linked headline, a line of summary).
TEASER_LINKS = 0.3
TEASER_WINDOW = 8  # blocks after the heading that are measured
TEASER_TAIL = 0.25  # at most this much unlinked text after it, of the unlinked text before
LISTING_ITEMS = 3  # a page of the family's listing items and no article body is a listing
TEASER_END = 0.1  # with this little after it, the heading ends the article whatever follows


@dataclass(frozen=True, slots=True)
class Body:
    """What the body container yields."""

    paragraphs: tuple[str, ...]
    figures: tuple[Figure, ...]
    attachments: tuple[Attachment, ...]
    byline: Byline


def read_body(
    doc: Document,
    profile: Profile,
    *,
    title: str | None,
    lead: str | None,
    warnings: list[str],
) -> Body:
    """Read the body of the page; the soup is modified (read page fields before).

    Without a container of the profile, the generic extractor's candidates are read in
    turn, best first, until one yields a paragraph."""
    profile_byline = _profile_byline(doc.soup, profile)
    container = _profile_container(doc.soup, profile)
    if container is not None:
        return _read_container(doc, profile, container, profile_byline, title, lead, False)
    if profile is not GENERIC:
        items = len(select_ordered(doc.soup, profile.listing_item))
        if items >= LISTING_ITEMS:
            raise ExtractionError(
                doc.url, f"a listing page ({items} {profile.name} items), not an article"
            )
        warnings.append(f"body: no {profile.name} body container; used generic")
        _drop(doc.soup, profile.boilerplate)  # the family's page furniture
    body = Body((), (), (), profile_byline)
    captioned: dict[str, Figure] = {}  # captions a candidate passed over already took
    for candidate in generic.candidates(doc.soup, doc.url):
        body = _read_container(doc, profile, candidate, profile_byline, title, lead, True)
        if body.paragraphs:
            return replace(body, figures=tuple(_recaption(f, captioned) for f in body.figures))
        captioned.update((f.src, f) for f in body.figures if f.caption or f.credit)
    return body


def _recaption(figure: Figure, captioned: dict[str, Figure]) -> Figure:
    """A figure with the caption and credit that a candidate passed over took from the
    page (its caption element is gone from the tree by then)."""
    earlier = captioned.get(figure.src)
    if earlier is None or figure.caption or figure.credit:
        return figure
    return replace(figure, caption=earlier.caption, credit=earlier.credit)


def _read_container(
    doc: Document,
    profile: Profile,
    container: Tag,
    profile_byline: Byline,
    title: str | None,
    lead: str | None,
    used_generic: bool,
) -> Body:
    """The body in one container: boilerplate dropped, figures, attachments, paragraphs."""
    _drop(
        container,
        (
            *COMMON_BOILERPLATE,
            *profile.boilerplate,
            *profile.byline,
            *profile.lead,
            *profile.title,
            *profile.date,
        ),
        spare=used_generic,
    )
    figures = extract_figures(container, doc.url)
    attachments = extract_attachments(container, doc.url)
    paragraphs = _clean_blocks(
        blocks(container), title=title, lead=lead, links_from=doc.url if used_generic else None
    )
    closing = take_closing_byline(paragraphs) or Byline()
    return Body(
        tuple(b.text for b in paragraphs),
        tuple(figures),
        tuple(attachments),
        profile_byline.merge(closing),
    )


def _profile_container(soup: BeautifulSoup, profile: Profile) -> Tag | None:
    """Of the matches of the first body selector that finds text, the one with most text."""
    for selector in profile.body:
        matches = [(len(text_of(tag)), tag) for tag in soup.select(selector)]
        matches = [(size, tag) for size, tag in matches if size]
        if matches:
            return max(matches, key=lambda item: item[0])[1]
    return None


def _profile_byline(soup: BeautifulSoup, profile: Profile) -> Byline:
    tag = select_first(soup, profile.byline)
    if tag is None:
        return Byline()
    text = text_of(tag)
    if is_cms_account(text):
        return Byline()
    return parse_byline(text, styled=True) or Byline()


def _drop(container: Tag, selectors: tuple[str, ...], *, spare: bool = False) -> None:
    """Remove what the selectors match; with `spare`, not an element holding more than
    SPARE_SHARE of the container's text (a <header> left open around the article)."""
    whole = len(container.get_text()) if spare else 0
    for tag in select_ordered(container, dict.fromkeys(selectors)):
        if tag is container or is_decomposed(tag):
            continue
        if spare and len(tag.get_text()) > SPARE_SHARE * whole:
            continue
        tag.decompose()


def _clean_blocks(
    found: list[Block], *, title: str | None, lead: str | None, links_from: str | None
) -> list[Block]:
    """The article's blocks: up to a related-news heading, without boilerplate lines, the
    title or lead repeated, and (with the page's URL, `links_from`) the blocks that are
    mostly links within its site (`is_navigation`)."""
    kept: list[Block] = []
    in_box = False  # inside an inline related box, between its heading and the story
    for position, block in enumerate(found):
        key = block.text.casefold().strip(" |:")
        if in_box and block.link_density > MAX_LINK_DENSITY:
            continue  # a teaser of the box
        in_box = False
        reference = links_from is not None and _cites_elsewhere(block, links_from)
        if not reference and key in RELATED_HEADINGS:
            if not kept or _teasers_follow(found, position):
                break  # the rest is related news
            in_box = True  # the story goes on after the box: drop the box alone
            continue
        if not reference and kept and is_related_heading(key) and _teasers_follow(found, position):
            break
        if key in BOILERPLATE_TEXTS:
            continue
        if not kept and block.text in (title, lead):
            continue
        if (
            links_from is not None
            and is_navigation(block, links_from)
            and not _subheading(block, found[position + 1 : position + 2])
        ):
            continue
        kept.append(block)
    return kept


def _cites_elsewhere(block: Block, url: str) -> bool:
    """Whether a block links to another site ("See also: <a title elsewhere>"): a
    reference, never a heading over related news."""
    return any(other_site(href, url) for href, _ in block.links)


def is_navigation(block: Block, url: str) -> bool:
    """Whether a block is more than MAX_LINK_DENSITY links, most of them (by text) to the
    site of `url`: a menu or a teaser. Links to other sites are the article's references
    (a list of sources, book titles), and so is a bare URL written out."""
    if block.link_density <= MAX_LINK_DENSITY or _BARE_URL.match(block.text):
        return False
    local = sum(chars for href, chars in block.links if not other_site(href, url))
    return local > SITE_LINKS * block.link_chars


def _subheading(block: Block, following: list[Block]) -> bool:
    """Whether a block is a heading over a paragraph of prose (a linked subheading)."""
    return (
        block.owner.name in SUBHEADINGS
        and bool(following)
        and len(following[0].text) >= PROSE_AFTER_HEADING
        and following[0].link_density <= MAX_LINK_DENSITY
    )


def _teasers_follow(found: list[Block], position: int) -> bool:
    """Whether the blocks after `position` read like teasers that end the page: link-dense
    at first, and little unlinked text to the end compared with the text before."""
    after = sum(len(b.text) - b.link_chars for b in found[position + 1 :])
    before = sum(len(b.text) - b.link_chars for b in found[:position])
    if after <= TEASER_END * before:
        return True
    window = found[position + 1 : position + 1 + TEASER_WINDOW]
    chars = sum(len(b.text) for b in window)
    links = sum(b.link_chars for b in window)
    return links >= TEASER_LINKS * chars and after <= TEASER_TAIL * before
