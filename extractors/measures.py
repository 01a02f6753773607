"""One pass over a page's elements measuring, for each, its text, its paragraph text and
its link text: the figures the generic extractor ranks and prunes with."""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from extractors.css import is_decomposed, page_index
from extractors.furniture import is_furniture

_PARAGRAPHS = frozenset(
    {"p", "pre", "blockquote", "li", "td", "th", "dd", "div", "section", "article"}
)
_CELLS = frozenset({"td", "th"})  # table cells: data, short or not, is article text
_INLINE = frozenset(
    {"a", "span", "strong", "b", "em", "i", "u", "font", "sup", "sub", "small", "code", "mark"}
)
MIN_PARAGRAPH = 25  # characters of own text for a node to count as a paragraph
MAX_LINK_SHARE = 0.5  # a paragraph more than half links is a menu or a teaser
# An <a> holding blocks (a teaser card: headline and summary in one link) makes their
# text link text; a longer one is markup left open around the page, not a link.
MAX_LINKED_BLOCKS = 600


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
            if total <= MAX_LINKED_BLOCKS:  # blocks in a teaser link are its text
                good[position] = 0
        elif name in _PARAGRAPHS:
            mine = own[position] + direct[position]  # its text outside its block children
            if (
                (mine >= MIN_PARAGRAPH or (mine and name in _CELLS))
                and own_links[position] <= MAX_LINK_SHARE * mine
                and not is_furniture(tag)
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


def paragraphs_left(position: int, measures: Measures, tags: list[Tag], end: int) -> int:
    """The paragraph text still in the subtree at `position` (to `end`) after pruning."""
    own = measures.own
    return sum(own[p] for p in range(position, end + 1) if own[p] and not is_decomposed(tags[p]))
