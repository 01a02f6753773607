"""The fallback body finder: the element whose paragraphs outweigh its other text.

One pass over the page's elements (in the order of the page index) measures, for every
element, its text, its paragraph text and its link text; the container is the element
with the best balance of paragraph text over everything else, and its furniture
(share boxes, related news, comment threads) is then pruned with the same figures.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from extractors.attrs import class_list
from extractors.css import is_decomposed, page_index

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
_PARAGRAPHS = frozenset(
    {"p", "pre", "blockquote", "li", "td", "th", "dd", "div", "section", "article"}
)
_CELLS = frozenset({"td", "th"})  # table cells: data, short or not, is article text
_INLINE = frozenset(
    {"a", "span", "strong", "b", "em", "i", "u", "font", "sup", "sub", "small", "code", "mark"}
)
_DIGIT = re.compile(r"\d")  # classes naming one item ("post-4185") do not sign a run
MIN_PARAGRAPH = 25  # characters of own text for a node to count as a paragraph
MAX_LINK_SHARE = 0.5  # a paragraph more than half links is a menu or a teaser
OTHER_TEXT_WEIGHT = 1.25  # what a character of non-paragraph text costs a container
KEEP_SHARE = 0.5  # pruning spares furniture holding more of the container's paragraphs
# A "header" or "form" holding this many paragraph characters and this share of the
# page's paragraphs wraps the article (ASP.NET's page-wide form, a header left open).
HOLDS_ARTICLE_CHARS = 1000
HOLDS_ARTICLE = 0.6
CARD_RUN = 3  # sibling elements of one tag and class that make a run of cards
CARD_LINKS = 0.15  # and the share of their text that is links
CARD_HEAD = 2  # a card has a link among its first this many texts
CARD_SAME_SITE = 0.5  # and this share of the cards link within the page's site
_CARD_TAGS = ["div", "article", "section", "li"]  # lists, figures and tables are no cards
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


def find_body(soup: BeautifulSoup, url: str | None = None) -> Tag | None:
    """The article's container, its furniture pruned; None when the page has no prose.
    With the page's `url`, only cards that link within its site count as teasers."""
    measures = measure(soup)
    drop_structural_noise(soup, measures)
    container = find_container(soup, measures)
    if container is not None:
        prune(container, measures)
        drop_card_runs(container, measures, url)
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
                (mine >= MIN_PARAGRAPH or (mine and name in _CELLS))
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


def drop_card_runs(container: Tag, measures: Measures, url: str | None = None) -> None:
    """Drop runs of sibling cards: at least CARD_RUN elements of one tag and one class,
    each opening with a link (half of them to the site of `url`, when given), whose text
    is links for a good share (teasers of the site's other pages: a linked headline, a
    line of summary), unless they hold much of the article. A round-up of other sites'
    pages is the article."""
    index = page_index(container)
    whole = measures.of(container)[1]
    top = index.order.get(id(container), -1)
    if top < 0:
        return
    groups: dict[tuple[int, str, tuple[str, ...]], list[int]] = {}
    for name in _CARD_TAGS:
        for position in _between(index.by_tag.get(name, []), top, index.last[top]):
            tag = index.tags[position]
            if is_decomposed(tag):
                continue
            classes = tuple(c for c in class_list(tag) if not _DIGIT.search(c))
            if classes:
                groups.setdefault((index.parent[position], name, classes), []).append(position)
    for positions in groups.values():
        if len(positions) < CARD_RUN:
            continue
        text = sum(measures.text[p] for p in positions)
        if (
            not text
            or sum(measures.links[p] for p in positions) < CARD_LINKS * text
            or sum(measures.good[p] for p in positions) > KEEP_SHARE * whole
        ):
            continue
        run = [index.tags[p] for p in positions]
        if any(is_decomposed(card) for card in run):
            continue  # inside a run already dropped
        opening = [_opening_link(card) for card in run]
        if not all(link is not None for link in opening) or (
            url is not None
            and sum(_same_site(link.get("href"), url) for link in opening if link)
            < CARD_SAME_SITE * len(run)
        ):
            continue
        for card in run:
            card.decompose()


def _between(positions: list[int], start: int, end: int) -> list[int]:
    """The positions in (start, end]."""
    return positions[bisect_right(positions, start) : bisect_right(positions, end)]


def _opening_link(card: Tag) -> Tag | None:
    """The link among the first CARD_HEAD texts of a card (its headline, or a category
    label then the headline), as in a teaser; None when the card opens with its own
    text, as an article's section does."""
    seen = 0
    for string in card.descendants:
        if type(string) is not NavigableString or not string.strip():
            continue
        parent = string.parent
        while parent is not None and parent is not card:
            if parent.name == "a":
                return parent
            parent = parent.parent
        seen += 1
        if seen >= CARD_HEAD:
            return None
    return None


def _same_site(href: object, url: str) -> bool:
    """Whether a link's target is on the site of `url` (its domain, subdomains aside)."""
    if not isinstance(href, str):
        return False
    try:
        target = urlsplit(urljoin(url, href.strip())).hostname
    except ValueError:  # an unclosed IPv6 bracket: no host of ours
        return False
    return _site(target) == _site(urlsplit(url).hostname)


def _site(host: str | None) -> str:
    """The registered domain of a host, roughly: its last two labels, or three under a
    country's second level ("example.co.uk", "example.com.vn")."""
    labels = (host or "").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


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
