"""The fallback body finder: the container holding most paragraph text, furniture pruned."""

from __future__ import annotations

import re
from collections import defaultdict

from bs4 import BeautifulSoup, NavigableString, Tag

from extractors.text import clean

STRUCTURAL_NOISE = ("nav", "header", "footer", "aside", "form", "menu", "dialog")
_NEGATIVE = re.compile(
    r"comment|footer|masthead|menu|\bnav|sidebar|side-bar|widget|related|share|social|"
    r"sponsor|\bads?\b|advert|banner|breadcrumb|cookie|popup|modal|newsletter|subscribe|"
    r"\btags?\b|pagination|pager|login|search|rating|\bpoll|vote|lien-?quan|tin-?khac|"
    r"other-?news|most-?read|recommend|promo|hidden",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"article|\bbody|content|entry|\bmain|\bpost|story|detail|chi-?tiet|noi-?dung|fck_detail",
    re.IGNORECASE,
)
_PARAGRAPHS = ("p", "pre", "blockquote", "li", "td", "div", "section", "article")
MIN_PARAGRAPH = 25  # characters of own text for a node to count as a paragraph
KEEP_SHARE = 0.3  # pruning spares elements holding more of the container's paragraphs
FURNITURE_LEVELS = 1  # a paragraph this close to a footer or menu box does not count
WIDEN_LEVELS = 4  # how far up a wider container is looked for
WIDEN = 1.6  # take the parent when it holds this many times the paragraph text


def drop_structural_noise(soup: BeautifulSoup) -> None:
    """Remove navigation, headers, footers, asides and forms from the whole page."""
    for tag in soup.find_all(STRUCTURAL_NOISE):
        if not tag.decomposed and not _holds_article(tag):
            tag.decompose()


def _holds_article(tag: Tag) -> bool:
    """Whether a would-be furniture element wraps the article (ASP.NET's page-wide form)."""
    return _paragraph_text(tag) > 1000


def _paragraph_text(tag: Tag) -> int:
    """Characters in the paragraphs (`p` of 25 characters or more) below `tag`."""
    sizes = (len(clean(p.get_text())) for p in tag.find_all("p"))
    return sum(size for size in sizes if size >= MIN_PARAGRAPH)


def find_container(soup: BeautifulSoup) -> Tag | None:
    """The element holding most paragraph text, widened while its parent adds much more."""
    near: dict[int, float] = defaultdict(float)  # a paragraph's text, to parent and grandparent
    total: dict[int, float] = defaultdict(float)  # all paragraph text below an element
    tags: dict[int, Tag] = {}
    for node in soup.find_all(_PARAGRAPHS):
        own = _own_text_length(node)
        if own < MIN_PARAGRAPH:
            continue
        lineage = (node, *node.parents)
        if any(_is_furniture(ancestor) for ancestor in lineage[:FURNITURE_LEVELS]):
            continue
        weight = 1.0
        for depth, ancestor in enumerate(lineage):
            if ancestor.name in ("html", "[document]"):
                break
            tags[id(ancestor)] = ancestor
            total[id(ancestor)] += own
            if depth <= 2:
                near[id(ancestor)] += own * weight
                weight /= 2
    if not near:
        return None
    ranked = sorted(near, key=near.__getitem__, reverse=True)[:5]
    best = tags[max(ranked, key=lambda key: near[key] * (1 - _link_density(tags[key])))]
    return _widen(best, total)


def _widen(best: Tag, total: dict[int, float]) -> Tag:
    """Climb to an ancestor (a few levels up at most) that holds much more paragraph text."""
    while True:
        for ancestor in list(best.parents)[:WIDEN_LEVELS]:
            if ancestor.name in ("body", "html", "[document]"):
                return best
            if total[id(ancestor)] >= WIDEN * total[id(best)]:
                best = ancestor
                break
        else:
            return best


def _is_furniture(tag: Tag) -> bool:
    """Whether class or id names page furniture (footer, menu, share box, related news)."""
    marker = " ".join([*(tag.get("class") or ()), str(tag.get("id") or "")])
    return bool(marker.strip()) and bool(_NEGATIVE.search(marker)) and not _POSITIVE.search(marker)


def prune(container: Tag) -> None:
    """Drop descendants whose class or id says furniture (menus, shares, related boxes)."""
    whole = _paragraph_text(container)
    for tag in container.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        if not _is_furniture(tag):
            continue
        if _paragraph_text(tag) <= KEEP_SHARE * whole:  # a "widget" holding the article stays
            tag.decompose()


def _own_text_length(node: Tag) -> int:
    """Length of the text directly in `node` or in its inline children (not in blocks)."""
    total = 0
    for child in node.children:
        if isinstance(child, NavigableString):
            total += len(child.strip())
        elif isinstance(child, Tag) and child.name in (
            "a",
            "span",
            "strong",
            "b",
            "em",
            "i",
            "u",
            "font",
            "sup",
            "sub",
            "small",
        ):
            total += len(clean(child.get_text()))
    return total


def _link_density(tag: Tag) -> float:
    text = len(clean(tag.get_text()))
    if not text:
        return 1.0
    links = sum(len(clean(a.get_text())) for a in tag.find_all("a"))
    return min(links / text, 1.0)
