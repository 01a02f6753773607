"""Pruning inside the chosen container: furniture by class, runs of teaser cards, hidden
copies and data, an FAQ block after the article."""

from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from extractors.attrs import class_list
from extractors.blocks import SUBHEADINGS
from extractors.css import is_decomposed, page_index, positions_between
from extractors.furniture import (
    FAQ_WORD,
    HIDING_CLASSES,
    STRONG,
    attr_text,
    furniture_words,
    hides,
    marker,
)
from extractors.measures import MIN_PARAGRAPH, Measures
from extractors.sites import same_site

KEEP_SHARE = 0.5  # pruning spares furniture holding more of the container's paragraphs
PROSE_SHARE = 0.5  # a weakly-marked block that is this much paragraph text is article
MAX_PROSE_LINKS = 0.3  # and has at most this share of link text
CARD_RUN = 3  # sibling elements of one tag and class that make a run of cards
CARD_LINKS = 0.15  # and the share of their text that is links
CARD_HEAD = 2  # a card has a link among its first this many texts
CARD_SAME_SITE = 0.5  # and this share of the cards link within the page's site
CARD_TEXT = 300  # a card under a linked headline with an excerpt is this short at most
HEADING_SHARE = 0.9  # a block this much one heading's text is that heading
_CARD_TAGS = ["div", "article", "section", "li"]  # lists, figures and tables are no cards
_DIGIT = re.compile(r"\d")  # classes naming one item ("post-4185") do not sign a run
_URL_WORD = re.compile(r"(?:https?:)?//|www\.|\S+\.(?:js|css|json)\b")
URL_SHARE = 0.5  # hidden text more than half URLs is a list of resources, not prose


def prune(container: Tag, measures: Measures) -> None:
    """Drop descendants whose class or id says furniture (menus, shares, related boxes),
    unless they hold much of the container's paragraphs; a block that page builders
    name "widget" goes only when it does not read like prose."""
    whole = measures.of(container)[1]
    for tag in container.find_all(True):
        if is_decomposed(tag):
            continue
        says = furniture_words(marker(tag))
        if not says:
            continue
        text, good, links = measures.of(tag)
        if good > KEEP_SHARE * whole:
            continue
        if says == STRONG or (
            (good < PROSE_SHARE * text or links > MAX_PROSE_LINKS * text)
            and not _is_heading_block(tag, text, links)
        ):
            tag.decompose()


def _is_heading_block(tag: Tag, text: int, links: int) -> bool:
    """Whether a block is a subheading of the article (a page builder's heading widget):
    its text is one unlinked h2-h6."""
    if not text or links:
        return False
    heading = tag.find(SUBHEADINGS)
    return heading is not None and len(heading.get_text(strip=True)) >= HEADING_SHARE * text


def drop_card_runs(container: Tag, measures: Measures, url: str | None = None) -> None:
    """Drop runs of sibling cards: at least CARD_RUN elements of one tag and one class,
    each opening with a link off the page (half of them to the site of `url`, when
    given), whose text is links for a good share, or which are each a linked headline
    over a short excerpt (then they need not share a class): teasers of the site's other
    pages, unless they hold much of the article. A round-up of other sites' pages is the
    article."""
    index = page_index(container)
    whole = measures.of(container)[1]
    top = index.order.get(id(container), -1)
    if top < 0:
        return
    groups: dict[tuple[int, str, tuple[str, ...]], list[int]] = {}
    for name in _CARD_TAGS:
        for position in positions_between(index.by_tag.get(name, []), top, index.last[top]):
            tag = index.tags[position]
            if is_decomposed(tag):
                continue
            classes = tuple(c for c in class_list(tag) if not _DIGIT.search(c))
            groups.setdefault((index.parent[position], name, classes), []).append(position)
    for (_, _, classes), positions in groups.items():
        if len(positions) < CARD_RUN:
            continue
        text = sum(measures.text[p] for p in positions)
        if not text or sum(measures.good[p] for p in positions) > KEEP_SHARE * whole:
            continue
        run = [index.tags[p] for p in positions]
        if any(is_decomposed(card) for card in run):
            continue  # inside a run already dropped
        opening = [_opening_link(card) for card in run]
        headlines = all(
            link is not None
            and link.find_parent(SUBHEADINGS) is not None
            and measures.text[p] <= CARD_TEXT
            for link, p in zip(opening, positions, strict=True)
        )
        if not headlines and (
            not classes or sum(measures.links[p] for p in positions) < CARD_LINKS * text
        ):
            continue  # no run of headlines over short excerpts, nor of classed link cards
        if not all(link is not None and _leaves_page(link) for link in opening) or (
            url is not None
            and sum(same_site(link.get("href"), url) for link in opening if link)
            < CARD_SAME_SITE * len(run)
        ):
            continue
        for card in run:
            card.decompose()


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


def _leaves_page(link: Tag) -> bool:
    """Whether a link leads off the page: not an anchor within it (a table of contents,
    an FAQ's questions) nor a script."""
    href = link.get("href")
    target = href.strip().lower() if isinstance(href, str) else ""
    return bool(target) and not target.startswith(("#", "javascript:"))


def drop_hidden_copies(container: Tag) -> None:
    """Remove the hidden blocks of `container` (`hidden`, `aria-hidden`, an inline style,
    a hiding class) whose text the container also holds elsewhere (the hidden microdata
    copy of the article, the small-screen duplicate), or that is no prose (JSON
    configuration, a list of URLs). Other hidden text stays (pages that stream their
    article into hidden blocks, collapsed answers)."""
    index = page_index(container)
    top = index.order.get(id(container), -1)
    if top < 0:
        return
    end = index.last[top]
    tags = index.tags
    concealed = {
        p
        for name in ("hidden", "aria-hidden", "style")
        for p in positions_between(index.by_attr.get(name, []), top, end)
        if hides(tags[p])
    }
    for name in HIDING_CLASSES:
        concealed.update(positions_between(index.by_class.get(name, []), top, end))
    if not concealed:
        return
    whole: str | None = None
    done = -1
    for position in sorted(concealed):
        tag = tags[position]
        if position <= done or is_decomposed(tag):
            continue
        done = index.last[position]
        text = " ".join(tag.get_text(" ").split())
        if len(text) < MIN_PARAGRAPH:
            continue
        if _is_code(text):
            tag.decompose()
            continue
        if whole is None:
            whole = " ".join(container.get_text(" ").split())
        if whole.count(text) >= 2:
            tag.decompose()


def _is_code(text: str) -> bool:
    """Whether text is data rather than prose: a JSON object or array, or URLs."""
    if text[0] in "{[" and text[-1] in "}]":
        return True
    words = text.split()
    return sum(_URL_WORD.match(w) is not None for w in words) > URL_SHARE * len(words)


def drop_trailing_faq(container: Tag) -> None:
    """Remove an FAQ block (class or id word "faq") that follows the article's own
    element in the container (its <article> or articleBody, which does not hold it): the
    site's questions appended after the story. An FAQ inside the article stays."""
    index = page_index(container)
    top = index.order.get(id(container), -1)
    if top < 0:
        return
    end = index.last[top]
    faqs = sorted(
        p
        for name, positions in index.by_class.items()
        if FAQ_WORD.search(name)
        for p in positions_between(positions, top, end)
    )
    if not faqs:
        return
    bodies = positions_between(
        sorted({*index.by_tag.get("article", ()), *index.by_attr.get("itemprop", ())}), top, end
    )
    bodies = [
        b
        for b in bodies
        if index.tags[b].name == "article" or attr_text(index.tags[b], "itemprop") == "articlebody"
    ]
    done = -1
    for position in faqs:
        tag = index.tags[position]
        if position <= done or is_decomposed(tag):
            continue
        done = index.last[position]
        if any(index.last[b] < position and not is_decomposed(index.tags[b]) for b in bodies):
            tag.decompose()
