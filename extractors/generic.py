"""The fallback body finder: the element whose paragraphs outweigh its other text.

One pass over the page's elements (in the order of the page index) measures, for every
element, its text, its paragraph text and its link text; the container is the element
with the best balance of paragraph text over everything else, and its furniture
(share boxes, related news, comment threads) is then pruned with the same figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from extractors.attrs import class_list
from extractors.css import PageIndex, is_decomposed, page_index, positions_between

STRUCTURAL_NOISE = frozenset({"nav", "header", "footer", "aside", "form", "menu", "dialog"})
# Class or id words of page furniture, always pruned unless they hold much of the article.
_NEGATIVE = re.compile(
    r"comment|footer|masthead|menu|\bnav|sidebar|side-bar|related|share|social|"
    r"sponsor|breadcrumb|cookie|popup|modal|newsletter|subscribe|"
    r"\btags?\b|pagination|pager|login|\bpoll|vote|lien-?quan|tin-?khac|"
    r"other-?news|most-?read|recommend|promo|author-?bio|byline|"
    # appeals and author boxes: paywalls, sign-ups, donations, memberships, disclosures
    r"paywall|subscription|sign-?up|donat|membership|upsell|"
    r"about-?(?:the-?)?author|author-?(?:box|info|card|details|profile|about)|disclosure|"
    # side rails and fact-check claim boxes beside the article
    r"\brail\b|\bclaim-?(?:box|review)|"
    r"consent|gdpr|\bopt-?in\b",  # a form's consent text
    re.IGNORECASE,
)
# Words that page builders also give to the blocks an article is made of ("elementor-
# widget", "widget-type-rich_text"): pruned only when the block reads like furniture.
_WEAK_NEGATIVE = re.compile(r"widget|banner|search|rating|hidden|\bads?\b|advert", re.IGNORECASE)
_POSITIVE = re.compile(
    r"article|\bbody|content|entry|\bmain|\bpost|story|detail|chi-?tiet|noi-?dung|fck_detail",
    re.IGNORECASE,
)
# Class or id words of what is never the article, nor holds it: overlays (cookie consent,
# popups), comment threads and menus. An element so marked, and all it holds, is no
# candidate, however much prose it has.
_AWAY = re.compile(
    r"(?:^|(?<!has-)(?<!no-)(?<=[-_\s])|(?<=[a-z])(?=[A-Z]))"  # a word's start
    r"(?i:cookie|consent|gdpr|pop-?up|modal|comment(?!ary|ator)|disqus|mega-?menu|menu|"
    r"promo-?bar)"
)
_AWAY_ROLES = frozenset({"dialog", "alertdialog", "navigation", "menu", "menubar", "tooltip"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_URL_WORD = re.compile(r"(?:https?:)?//|www\.|\S+\.(?:js|css|json)\b")
URL_SHARE = 0.5  # hidden text more than half URLs is a list of resources, not prose
_FAQ = re.compile(r"(?:^|[-_])faq", re.IGNORECASE)  # "faq", "schema-faq", "FAQ_container"
_HIDING_CLASSES = ("hidden", "d-none", "hide", "is-hidden", "invisible", "visually-hidden")
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
CARD_TEXT = 300  # a card under a linked headline with an excerpt is this short at most
_HEADLINES = ["h2", "h3", "h4", "h5", "h6"]
HEADING_SHARE = 0.9  # a block this much one heading's text is that heading
_CARD_TAGS = ["div", "article", "section", "li"]  # lists, figures and tables are no cards
# An <a> holding blocks (a teaser card: headline and summary in one link) makes their
# text link text; a longer one is markup left open around the page, not a link.
MAX_LINKED_BLOCKS = 600
# A best candidate holding less than FRAGMENT of the page's visible paragraph text is a
# fragment; the smallest element holding MAJORITY of it is tried first.
FRAGMENT = 0.25
MAJORITY = 0.6
MAX_TRIES = 8  # candidates tried, best first, before the page has no article body
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
    return next(candidates(soup, url), None)


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
        if _paragraphs_left(position, measures, index.tags, index.last[position]):
            yield container


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


def find_container(soup: BeautifulSoup, measures: Measures | None = None) -> Tag | None:
    """The best candidate (`ranked`), unpruned; None when no element holds paragraphs."""
    measures = measures or measure(soup)
    best = ranked(soup, measures)[:1]
    return page_index(soup).tags[best[0]] if best else None


def ranked(soup: BeautifulSoup, measures: Measures) -> list[int]:
    """Positions of the elements that hold paragraphs, by how much their paragraph text
    outweighs their other text (menus, link lists, widgets), best first:
    `good - OTHER_TEXT_WEIGHT * other`, over every element at once. Hidden blocks come
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
            other = measures.text[position] - good
            score = good - aside[position] - OTHER_TEXT_WEIGHT * other
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
            *(p for p in index.by_attr.get("role", ()) if _attr(tags[p], "role") == "main"),
        }
    )


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
                good - aside[position] - OTHER_TEXT_WEIGHT * (text - good),
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
    (`hidden`, `aria-hidden`, an inline style); else VISIBLE. Never the page's <body> and
    <html> (their classes describe the page), nor an element that holds the page's
    <main>, <h1> or an <article> of its own (a menu left open around the page).
    """
    index = page_index(soup)
    tags = index.tags
    away: set[int] = set()
    for names in (index.by_class, index.by_id):
        for name, positions in names.items():
            if _AWAY.search(name):
                away.update(positions)
    away.update(p for p in index.by_attr.get("role", ()) if _attr(tags[p], "role") in _AWAY_ROLES)
    away.update(index.by_attr.get("aria-modal", ()))
    hidden = {
        p for p in index.by_attr.get("aria-hidden", ()) if _attr(tags[p], "aria-hidden") == "true"
    }
    hidden.update(
        p for p in index.by_attr.get("style", ()) if _HIDDEN_STYLE.search(_attr(tags[p], "style"))
    )
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
        if _hides(tags[p])
    }
    for name in _HIDING_CLASSES:
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


def _hides(tag: Tag) -> bool:
    attrs = tag.__dict__.get("attrs") or {}
    if "hidden" in attrs:
        return True
    if str(attrs.get("aria-hidden", "")).strip().lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(str(attrs.get("style", ""))))


def _attr(tag: Tag, name: str) -> str:
    """An attribute's value in lower case ("" when missing, or when the tag was decomposed)."""
    attrs = tag.__dict__.get("attrs")
    return str(attrs.get(name) or "").strip().lower() if attrs else ""


def _paragraphs_left(position: int, measures: Measures, tags: list[Tag], end: int) -> int:
    """The paragraph text still in the subtree at `position` (to `end`) after pruning."""
    own = measures.own
    return sum(own[p] for p in range(position, end + 1) if own[p] and not is_decomposed(tags[p]))


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
        says = furniture_words(_marker(tag))
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
        if _FAQ.search(name)
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
        if index.tags[b].name == "article" or _attr(index.tags[b], "itemprop") == "articlebody"
    ]
    done = -1
    for position in faqs:
        tag = index.tags[position]
        if position <= done or is_decomposed(tag):
            continue
        done = index.last[position]
        if any(index.last[b] < position and not is_decomposed(index.tags[b]) for b in bodies):
            tag.decompose()


def _is_heading_block(tag: Tag, text: int, links: int) -> bool:
    """Whether a block is a subheading of the article (a page builder's heading widget):
    its text is one unlinked h2-h6."""
    if not text or links:
        return False
    heading = tag.find(_HEADLINES)
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
            and link.find_parent(_HEADLINES) is not None
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


def same_site(href: object, url: str) -> bool:
    """Whether a link's target is on the site of `url` (its domain, subdomains aside)."""
    if not isinstance(href, str):
        return False
    try:
        target = urlsplit(urljoin(url, href.strip())).hostname
    except ValueError:  # an unclosed IPv6 bracket: no host of ours
        return False
    return _site(target) == _site(urlsplit(url).hostname)


@lru_cache(maxsize=4096)
def other_site(href: str, url: str) -> bool:
    """Whether a link leads to a page on another site than `url`'s (not a relative link,
    an anchor, a mailto: or a script). Cached: a body's links are asked about twice."""
    try:
        target = urlsplit(urljoin(url, href.strip()))
    except ValueError:
        return False
    return (
        target.scheme in ("http", "https")
        and bool(target.hostname)
        and (_site(target.hostname) != _site(urlsplit(url).hostname))
    )


def _site(host: str | None) -> str:
    """The registered domain of a host, roughly: its last two labels, or three under a
    country's second level ("example.co.uk", "example.com.vn")."""
    labels = (host or "").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


def _marker(tag: Tag) -> str:
    attrs = tag.attrs
    if not attrs.get("class") and not attrs.get("id"):
        return ""  # the usual element: nothing to split nor join
    classes = class_list(tag)
    ident = tag.get("id")
    if not classes and not ident:
        return ""
    return " ".join([*classes, str(ident or "")]).strip()


def _is_furniture(tag: Tag) -> bool:
    """Whether class or id names page furniture (footer, menu, share box, related news)."""
    return furniture_words(_marker(tag)) == STRONG


STRONG, WEAK = 2, 1


@lru_cache(maxsize=4096)
def furniture_words(marker: str) -> int:
    """What a class-and-id string says of its element: STRONG furniture (`_NEGATIVE`),
    WEAK (`_WEAK_NEGATIVE`: page builders' words) or 0. A word of the article's own
    ("entry-content") clears it, unless furniture qualifies that same word
    ("related-content", "comment-body")."""
    strongest = 0
    for word in marker.split():
        if _NEGATIVE.search(word):
            strongest = STRONG
        elif _WEAK_NEGATIVE.search(word):
            strongest = max(strongest, WEAK)
        elif _POSITIVE.search(word):
            return 0
    return strongest
