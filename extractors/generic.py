"""The generic extractor's choice of the article's container (README: "How the generic
extractor decides").

Every element is measured (`extractors.measures`); page-wide furniture elements go; the
elements holding paragraphs are ranked by their paragraph text against their other text,
overlays, comment threads and menus never and hidden blocks last; the candidates are then
tried in that order, each pruned (`extractors.pruning`) when its turn comes, until one
holds a paragraph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from extractors.attrs import class_list
from extractors.css import PageIndex, is_decomposed, page_index, positions_between
from extractors.furniture import AWAY_ROLES, AWAY_WORDS, attr_text, hides
from extractors.measures import Measures, measure, paragraphs_left
from extractors.pruning import drop_card_runs, drop_hidden_copies, drop_trailing_faq, prune

STRUCTURAL_NOISE = frozenset({"nav", "header", "footer", "aside", "form", "menu", "dialog"})
OTHER_TEXT_WEIGHT = 1.25  # what a character of non-paragraph text costs a container
# A "header" or "form" holding this many paragraph characters and this share of the
# page's paragraphs wraps the article (ASP.NET's page-wide form, a header left open).
HOLDS_ARTICLE_CHARS = 1000
HOLDS_ARTICLE = 0.6
# A best candidate holding less than FRAGMENT of the page's visible paragraph text is a
# fragment; the smallest element holding MAJORITY of it is tried first.
FRAGMENT = 0.25
MAJORITY = 0.6
MAX_TRIES = 8  # candidates tried, best first, before the page has no article body


def candidates(soup: BeautifulSoup, url: str | None = None) -> Iterator[Tag]:
    """The containers the article may be in, best first, each pruned of its furniture
    as it is reached; one that prunes to no paragraph is passed over. Overlays, comment
    threads and menus are never candidates, hidden blocks the last (`placement`)."""
    measures = measure(soup)
    drop_structural_noise(soup, measures)
    index = page_index(soup)
    for position in ranked(soup, measures)[:MAX_TRIES]:
        container = index.tags[position]
        if is_decomposed(container):
            continue
        prune(container, measures)
        drop_card_runs(container, measures, url)
        drop_hidden_copies(container)
        drop_trailing_faq(container)
        if paragraphs_left(position, measures, index.tags, index.last[position]):
            yield container


def drop_structural_noise(soup: BeautifulSoup, measures: Measures | None = None) -> None:
    """Remove navigation, headers, footers, asides and forms from the whole page, but not
    one that wraps the article (ASP.NET's page-wide form, a header left open, a page
    builder's "header" section inside <main>): one that holds most of the page's
    paragraphs, and holds or sits in a landmark of the article (`_landmarks`). A page's
    footer with a long disclaimer does neither."""
    measures = measures or measure(soup)
    index = page_index(soup)
    page = max(measures.good, default=0)
    landmarks: list[int] | None = None
    for name in STRUCTURAL_NOISE:
        for position in index.by_tag.get(name, ()):
            tag = index.tags[position]
            if is_decomposed(tag):
                continue
            if holds_article(measures.good[position], page):
                landmarks = _landmarks(index) if landmarks is None else landmarks
                if positions_between(landmarks, position, index.last[position]) or any(
                    index.last[mark] >= position for mark in landmarks if mark < position
                ):
                    continue
            tag.decompose()


def holds_article(good: int, page: int) -> bool:
    """Whether an element with `good` paragraph characters, of the page's `page`, wraps
    the article: page furniture by its markup, but left open around the page."""
    return good > HOLDS_ARTICLE_CHARS and good >= HOLDS_ARTICLE * page


def ranked(soup: BeautifulSoup, measures: Measures) -> list[int]:
    """Positions of the elements that hold paragraphs, by how much their paragraph text
    outweighs their other text (menus, link lists, widgets), best first:
    `_score`, over every element at once. Hidden blocks come
    after every visible one; overlays, comment threads and menus never (`placement`), and
    the paragraphs inside them count for no visible element that holds them.

    Page builders cut one article into many sibling blocks; the score climbs to the
    element holding them all, and stops below the page where furniture text would cost
    more than the paragraphs it adds.
    """
    tags = page_index(soup).tags
    where = placement(soup)
    aside = _set_aside(soup, measures, where)
    scored = []
    for position, good in enumerate(measures.good):
        if (
            good > measures.own[position]  # holds paragraphs: not one paragraph alone
            and where[position] != AWAY
            and tags[position].name != "html"
            and not is_decomposed(tags[position])
        ):
            score = _score(measures, aside, position)
            if score > 0:
                scored.append((where[position], -score, position))
    scored.sort()
    order = [position for *_, position in scored]
    visible = [
        (good - aside[p] if where[p] == VISIBLE and not is_decomposed(tags[p]) else 0)
        for p, good in enumerate(measures.good)
    ]
    page = max(visible, default=0)
    if page and (not order or visible[order[0]] < FRAGMENT * page):
        # The best is a fragment (every real candidate scored below zero: an article of
        # short list items and linked names): the element holding most of the page's
        # paragraphs comes first.
        most = max(p for p, good in enumerate(visible) if good >= MAJORITY * page)
        if tags[most].name not in ("html", "body") or not order:
            order.insert(0, most)
    return order


def _landmarks(index: PageIndex, away: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Positions (ascending) of what marks the article: <main> or role=main, the <h1>,
    an <article> (not one that is `away`, as a comment is)."""
    tags = index.tags
    return sorted(
        {
            *index.by_tag.get("main", ()),
            *index.by_tag.get("h1", ()),
            *(p for p in index.by_tag.get("article", ()) if p not in away),
            *(p for p in index.by_attr.get("role", ()) if attr_text(tags[p], "role") == "main"),
        }
    )


def _score(measures: Measures, aside: list[int], position: int) -> float:
    """A candidate's score: its paragraph text, less the paragraphs it holds in hidden or
    away blocks, less OTHER_TEXT_WEIGHT for each character of its other text."""
    good = measures.good[position]
    return good - aside[position] - OTHER_TEXT_WEIGHT * (measures.text[position] - good)


def _set_aside(soup: BeautifulSoup, measures: Measures, where: list[int]) -> list[int]:
    """By position: the paragraph text in hidden or away blocks below a visible element."""
    parent = page_index(soup).parent
    aside = [0] * len(where)
    for position, level in enumerate(where):
        if level != VISIBLE and where[parent[position]] == VISIBLE:
            up = parent[position]
            while up >= 0:
                aside[up] += measures.good[position]
                up = parent[up]
    return aside


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate container as `ranked` orders it, for a reader of a bad extraction."""

    rank: int
    path: str  # tag.class#id from <body> down
    score: float  # paragraphs - aside - OTHER_TEXT_WEIGHT * other
    paragraphs: int  # characters of paragraph text below it
    other: int  # characters of other text (links, menus, short lines)
    aside: int  # paragraph characters in hidden or away blocks below it
    placement: str  # visible or hidden
    preview: str  # its first words


def explain(soup: BeautifulSoup, limit: int = 10) -> list[Candidate]:
    """The first `limit` candidates, in the order `candidates` tries them (before any is
    pruned); the page is modified as `candidates` would (structural noise dropped)."""
    measures = measure(soup)
    drop_structural_noise(soup, measures)
    tags = page_index(soup).tags
    where = placement(soup)
    aside = _set_aside(soup, measures, where)
    found = []
    for rank, position in enumerate(ranked(soup, measures)[:limit], 1):
        good, text = measures.good[position], measures.text[position]
        tag = tags[position]
        found.append(
            Candidate(
                rank,
                _path(tag),
                _score(measures, aside, position),
                good,
                text - good,
                aside[position],
                "hidden" if where[position] == HIDDEN else "visible",
                " ".join(tag.get_text(" ").split()[:12]),
            )
        )
    return found


def _path(tag: Tag) -> str:
    steps = []
    for node in [tag, *tag.parents]:
        if node.name in ("body", "html", "[document]") or node.name is None:
            break
        classes = class_list(node)
        ident = node.get("id")
        steps.append(
            node.name + (f".{classes[0]}" if classes else "") + (f"#{ident}" if ident else "")
        )
    return " > ".join(["body", *reversed(steps)])


VISIBLE, HIDDEN, AWAY = 0, 1, 2


def placement(soup: BeautifulSoup) -> list[int]:
    """By position: AWAY for an element that is, or is inside, an overlay, a comment
    thread or a menu (class or id words, role, `aria-modal`); HIDDEN inside a hidden block
    (`aria-hidden`, an inline style; not the `hidden` attribute); else VISIBLE. Never
    the page's <body> and <html> (their classes describe the page), nor an element that
    holds the page's <main>, <h1> or an <article> of its own (a menu left open around
    the page).
    """
    index = page_index(soup)
    tags = index.tags
    away: set[int] = set()
    for names in (index.by_class, index.by_id):
        for name, positions in names.items():
            if AWAY_WORDS.search(name):
                away.update(positions)
    away.update(
        p for p in index.by_attr.get("role", ()) if attr_text(tags[p], "role") in AWAY_ROLES
    )
    away.update(index.by_attr.get("aria-modal", ()))
    hidden = {  # not the `hidden` attribute: streaming pages hold their article in one
        p
        for name in ("aria-hidden", "style")
        for p in index.by_attr.get(name, ())
        if hides(tags[p], counting_hidden=False)
    }
    landmarks = _landmarks(index, away)
    where = [VISIBLE] * len(tags)
    for level, marked in ((HIDDEN, hidden), (AWAY, away)):
        end = -1
        for position in sorted(marked):
            if (
                position <= end
                or tags[position].name in ("body", "html")
                or positions_between(landmarks, position, index.last[position])
            ):
                continue
            end = index.last[position]
            where[position : end + 1] = [level] * (end + 1 - position)
    return where
