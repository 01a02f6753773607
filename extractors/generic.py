"""The fallback body finder: the element whose paragraphs outweigh its other text.

One pass over the page's elements (in the order of the page index) measures, for every
element, its text, its paragraph text and its link text; the container is the element
with the best balance of paragraph text over everything else, and its furniture
(share boxes, related news, comment threads) is then pruned with the same figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from extractors.attrs import class_list
from extractors.select import is_decomposed, page_index

STRUCTURAL_NOISE = frozenset({"nav", "header", "footer", "aside", "form", "menu", "dialog"})
# Class or id words of page furniture, always pruned unless they hold much of the article.
_NEGATIVE = re.compile(
    r"comment|footer|masthead|menu|\bnav|sidebar|side-bar|related|share|social|"
    r"sponsor|\bads?\b|advert|breadcrumb|cookie|popup|modal|newsletter|subscribe|"
    r"\btags?\b|pagination|pager|login|\bpoll|vote|lien-?quan|tin-?khac|"
    r"other-?news|most-?read|recommend|promo|author-?bio|byline",
    re.IGNORECASE,
)
# Words that page builders also give to the blocks an article is made of ("elementor-
# widget", "widget-type-rich_text"): pruned only when the block reads like furniture.
_WEAK_NEGATIVE = re.compile(r"widget|banner|search|rating|hidden", re.IGNORECASE)
_POSITIVE = re.compile(
    r"article|\bbody|content|entry|\bmain|\bpost|story|detail|chi-?tiet|noi-?dung|fck_detail",
    re.IGNORECASE,
)
_PARAGRAPHS = frozenset({"p", "pre", "blockquote", "li", "td", "div", "section", "article"})
_INLINE = frozenset(
    {"a", "span", "strong", "b", "em", "i", "u", "font", "sup", "sub", "small", "code", "mark"}
)
MIN_PARAGRAPH = 25  # characters of own text for a node to count as a paragraph
MAX_LINK_SHARE = 0.5  # a paragraph more than half links is a menu or a teaser
OTHER_TEXT_WEIGHT = 1.25  # what a character of non-paragraph text costs a container
KEEP_SHARE = 0.5  # pruning spares furniture holding more of the container's paragraphs
# A "header" or "form" holding this many paragraph characters and this share of the
# page's paragraphs wraps the article (ASP.NET's page-wide form, a header left open).
HOLDS_ARTICLE_CHARS = 1000
HOLDS_ARTICLE = 0.6
PROSE_SHARE = 0.5  # a weakly-marked block that is this much paragraph text is article
MAX_PROSE_LINKS = 0.3  # and has at most this share of link text


@dataclass(slots=True)
class Measures:
    """Text, paragraph text and link text below every element, by index position."""

    text: list[int]
    good: list[int]
    links: list[int]
    own: list[int]  # the element's own paragraph text (when it is a paragraph)
    order: dict[int, int]

    def of(self, tag: Tag) -> tuple[int, int, int]:
        position = self.order.get(id(tag), -1)
        if position < 0:
            return 0, 0, 0
        return self.text[position], self.good[position], self.links[position]


def find_body(soup: BeautifulSoup) -> Tag | None:
    """The article's container, its furniture pruned; None when the page has no prose."""
    measures = measure(soup)
    drop_structural_noise(soup, measures)
    container = find_container(soup, measures)
    if container is not None:
        prune(container, measures)
    return container


def measure(soup: BeautifulSoup) -> Measures:
    """One pass over the page index, children before parents (positions descending)."""
    index = page_index(soup)
    tags, parent_of, direct = index.tags, index.parent, index.direct
    size = len(tags)
    text, good, links = [0] * size, [0] * size, [0] * size
    own, own_links, own_good = [0] * size, [0] * size, [0] * size
    for position in range(size - 1, -1, -1):
        tag = tags[position]
        if "_decomposed" in tag.__dict__:
            continue
        name = tag.name
        total = text[position] + direct[position]
        text[position] = total
        if name == "a":
            links[position] = total
        elif name in _PARAGRAPHS:
            mine = own[position] + direct[position]  # its text outside its block children
            if (
                mine >= MIN_PARAGRAPH
                and own_links[position] <= MAX_LINK_SHARE * mine
                and not _is_furniture(tag)
            ):
                own_good[position] = mine
                good[position] += mine
        up = parent_of[position]
        if up >= 0:
            text[up] += total
            good[up] += good[position]
            links[up] += links[position]
            if name in _INLINE:
                own[up] += total
                if name == "a":
                    own_links[up] += total
    return Measures(text, good, links, own_good, index.order)


def drop_structural_noise(soup: BeautifulSoup, measures: Measures | None = None) -> None:
    """Remove navigation, headers, footers, asides and forms from the whole page, but not
    one that wraps the article (ASP.NET's page-wide form, a header left open)."""
    measures = measures or measure(soup)
    index = page_index(soup)
    page = max(measures.good, default=0)
    for name in STRUCTURAL_NOISE:
        for position in index.by_tag.get(name, ()):
            tag = index.tags[position]
            good = measures.good[position]
            if not is_decomposed(tag) and (
                good <= HOLDS_ARTICLE_CHARS or good < HOLDS_ARTICLE * page
            ):
                tag.decompose()


def find_container(soup: BeautifulSoup, measures: Measures | None = None) -> Tag | None:
    """The element whose paragraph text most outweighs its other text (menus, link lists,
    widgets): `good - OTHER_TEXT_WEIGHT * other`, over every element at once.

    Page builders cut one article into many sibling blocks; the score climbs to the
    element holding them all, and stops below the page where furniture text would cost
    more than the paragraphs it adds.
    """
    measures = measures or measure(soup)
    tags = page_index(soup).tags
    best, best_score = -1, 0.0
    for position, good in enumerate(measures.good):
        if (
            good > measures.own[position]  # holds paragraphs: not one paragraph alone
            and tags[position].name != "html"
            and not is_decomposed(tags[position])
        ):
            score = good - OTHER_TEXT_WEIGHT * (measures.text[position] - good)
            if score > best_score:
                best, best_score = position, score
    return tags[best] if best >= 0 else None


def prune(container: Tag, measures: Measures | None = None) -> None:
    """Drop descendants whose class or id says furniture (menus, shares, related boxes),
    unless they hold much of the container's paragraphs; a block that page builders
    name "widget" goes only when it does not read like prose."""
    top = container
    while top.parent is not None:
        top = top.parent
    measures = measures or measure(top)  # type: ignore[arg-type]
    whole = measures.of(container)[1]
    for tag in container.find_all(True):
        if is_decomposed(tag):
            continue
        marker = _marker(tag)
        if not marker or _POSITIVE.search(marker):
            continue
        text, good, links = measures.of(tag)
        if good > KEEP_SHARE * whole:
            continue
        if _NEGATIVE.search(marker) or (
            _WEAK_NEGATIVE.search(marker)
            and (good < PROSE_SHARE * text or links > MAX_PROSE_LINKS * text)
        ):
            tag.decompose()


def _marker(tag: Tag) -> str:
    classes = class_list(tag)
    ident = tag.get("id")
    if not classes and not ident:
        return ""
    return " ".join([*classes, str(ident or "")]).strip()


def _is_furniture(tag: Tag) -> bool:
    """Whether class or id names page furniture (footer, menu, share box, related news)."""
    marker = _marker(tag)
    return bool(marker) and bool(_NEGATIVE.search(marker)) and not _POSITIVE.search(marker)
