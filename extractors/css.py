"""CSS selection, results ordered by selector priority, through an index of the page.

Simple selectors (tag names, classes, ids, attribute tests, descendant and child
combinators: the whole of the profiles' vocabulary) are answered from an index built in
one walk of the tree and kept on the page's `BeautifulSoup`: candidates come from the
index by class, id, attribute or tag name and are checked in Python, instead of a
soupsieve match of every element per selector. Anything else falls back to soupsieve.
Elements removed later (decomposed or extracted) are recognised and skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import soupsieve
from bs4 import BeautifulSoup, NavigableString, Tag

from extractors.blocks import text_of

_INDEX_KEY = "_bulletin_select_index"

_IDENT = r"-?[A-Za-z_][\w-]*"
_COMPOUND = re.compile(
    rf"""(?P<tag>{_IDENT}|\*)?(?P<rest>(?:\.{_IDENT}|\#{_IDENT}|
    \[\s*{_IDENT}\s*(?:[~*^$|]?=\s*(?:"[^"]*"|'[^']*'|[^\]\s"']+)\s*)?\])*)""",
    re.VERBOSE,
)
_PART = re.compile(
    rf"""\.(?P<cls>{_IDENT})|\#(?P<id>{_IDENT})|
    \[\s*(?P<attr>{_IDENT})\s*(?:(?P<op>[~*^$|]?=)\s*
    (?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\]\s"']+))\s*)?\]""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Compound:
    """One compound selector: `tag.class#id[attr op value]` (all parts optional)."""

    tag: str | None
    classes: tuple[str, ...]
    ident: str | None
    attrs: tuple[tuple[str, str | None, str], ...]  # (name, operator or None, value)

    def matches(self, tag: Tag) -> bool:
        if self.tag is not None and tag.name != self.tag:
            return False
        attrs = tag.attrs
        if self.classes:
            raw_classes = attrs.get("class")
            if not raw_classes:
                return False
            have = raw_classes.split() if isinstance(raw_classes, str) else raw_classes
            if any(c not in have for c in self.classes):
                return False
        if self.ident is not None and attrs.get("id") != self.ident:
            return False
        for name, op, value in self.attrs:
            raw = attrs.get(name)
            if raw is None:
                return False
            if op is None:
                continue
            have_value = raw if isinstance(raw, str) else " ".join(raw)
            if not _compare(have_value, op, value):
                return False
        return True


def _compare(have: str, op: str, value: str) -> bool:
    if op == "=":
        return have == value
    if op == "~=":
        return bool(value) and value in have.split()
    if op == "*=":
        return bool(value) and value in have
    if op == "^=":
        return bool(value) and have.startswith(value)
    if op == "$=":
        return bool(value) and have.endswith(value)
    return have == value or have.startswith(value + "-")  # |=


@dataclass(frozen=True, slots=True)
class _Simple:
    """A selector of compounds joined by descendant (" ") or child (">") combinators."""

    compounds: tuple[_Compound, ...]  # left to right
    combinators: tuple[str, ...]  # between compounds, left to right

    def matches(self, tag: Tag) -> bool:
        if not self.compounds[-1].matches(tag):
            return False
        return _match_left(self.compounds, self.combinators, len(self.compounds) - 2, tag)


def _match_left(
    compounds: tuple[_Compound, ...], combinators: tuple[str, ...], at: int, tag: Tag
) -> bool:
    """Whether the compounds up to `at` match the ancestors of `tag`, as CSS reads them."""
    if at < 0:
        return True
    compound, combinator = compounds[at], combinators[at]
    parent = tag.parent
    while parent is not None and not isinstance(parent, BeautifulSoup):
        if compound.matches(parent) and _match_left(compounds, combinators, at - 1, parent):
            return True
        if combinator == ">":
            return False
        parent = parent.parent
    return False


def _parse_simple(selector: str) -> _Simple | None:
    """The selector in the supported subset, or None (soupsieve handles it)."""
    text = selector.strip()
    compounds: list[_Compound] = []
    combinators: list[str] = []
    pos = 0
    while True:
        match = _COMPOUND.match(text, pos)
        if match is None or match.end() == pos:
            return None
        compound = _parse_compound(match.group("tag"), match.group("rest"))
        if compound is None:
            return None
        compounds.append(compound)
        pos = match.end()
        if pos == len(text):
            break
        gap = re.match(r"\s*(>)?\s*", text[pos:])
        if gap is None or not gap.group(0):
            return None
        combinators.append(">" if gap.group(1) else " ")
        pos += gap.end()
        if pos == len(text):
            return None
    return _Simple(tuple(compounds), tuple(combinators))


def _parse_compound(tag: str | None, rest: str) -> _Compound | None:
    classes: list[str] = []
    ident: str | None = None
    attrs: list[tuple[str, str | None, str]] = []
    for part in _PART.finditer(rest):
        if part.group("cls"):
            classes.append(part.group("cls"))
        elif part.group("id"):
            ident = part.group("id")
        else:
            value = next((v for v in part.group("dq", "sq", "bare") if v is not None), "")
            attrs.append((part.group("attr").lower(), part.group("op"), value))
    if not (tag or classes or ident or attrs):
        return None
    name = tag.lower() if tag and tag != "*" else None
    return _Compound(name, tuple(classes), ident, tuple(attrs))


@dataclass(slots=True)
class PageIndex:
    """Every element of a page in document order, with the positions of each tag name,
    class, id and attribute name (ascending), and where each element's subtree ends."""

    tags: list[Tag] = field(default_factory=list)
    order: dict[int, int] = field(default_factory=dict)  # id(tag) -> position
    last: list[int] = field(default_factory=list)  # position -> its last descendant's
    parent: list[int] = field(default_factory=list)  # position -> its parent's (-1: none)
    direct: list[int] = field(default_factory=list)  # position -> length of its own strings
    by_tag: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_class: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_id: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_attr: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _build_index(soup: BeautifulSoup) -> PageIndex:
    index = PageIndex()
    tags, order, last = index.tags, index.order, index.last
    parents, direct = index.parent, index.direct
    by_tag, by_class, by_id, by_attr = index.by_tag, index.by_class, index.by_id, index.by_attr
    stack: list[Tag] = []
    for node in soup.descendants:
        if type(node) is NavigableString:
            up = order.get(id(node.parent), -1)
            if up >= 0:
                direct[up] += len(node.strip())
            continue
        if not isinstance(node, Tag):
            continue
        position = len(tags)
        parent = node.parent
        while stack and parent is not stack[-1]:
            last[order[id(stack.pop())]] = position - 1
        parents.append(order[id(stack[-1])] if stack else -1)
        direct.append(0)
        stack.append(node)
        tags.append(node)
        last.append(position)
        order[id(node)] = position
        by_tag[node.name].append(position)
        attrs = node.attrs
        if attrs:
            for name in attrs:
                by_attr[name].append(position)
            classes = attrs.get("class")
            if classes:
                for cls in classes if not isinstance(classes, str) else classes.split():
                    by_class[cls].append(position)
            ident = attrs.get("id")
            if isinstance(ident, str):
                by_id[ident].append(position)
    while stack:
        last[order[id(stack.pop())]] = len(tags) - 1
    return index


def _top(root: BeautifulSoup | Tag) -> BeautifulSoup | None:
    node: Tag | None = root
    while node is not None and not isinstance(node, BeautifulSoup):
        node = node.parent
    return node


def _index_of(root: BeautifulSoup | Tag) -> PageIndex | None:
    """The index of the page `root` belongs to (built on first use); None if detached."""
    soup = _top(root)
    if soup is None:
        return None
    index = soup.__dict__.get(_INDEX_KEY)
    if index is None:
        index = _build_index(soup)
        soup.__dict__[_INDEX_KEY] = index
    return index


def page_index(root: BeautifulSoup | Tag) -> PageIndex:
    """The index of the page `root` belongs to (of `root` alone if it is detached)."""
    index = _index_of(root)
    if index is None:
        return _build_index(root)  # type: ignore[arg-type]
    return index


def _candidates(index: PageIndex, compound: _Compound) -> list[int]:
    """Positions of the elements that may match `compound` (ascending)."""
    if compound.ident is not None:
        return index.by_id.get(compound.ident, [])
    if compound.classes:
        return min((index.by_class.get(c, []) for c in compound.classes), key=len)
    if compound.tag is not None:
        return index.by_tag.get(compound.tag, [])
    return index.by_attr.get(compound.attrs[0][0], [])


def positions_between(positions: list[int], start: int, end: int) -> list[int]:
    """Of ascending page-index positions, those in (start, end]: the ones inside the
    element at `start` when `end` is its last descendant's."""
    return positions[bisect_right(positions, start) : bisect_right(positions, end)]


def is_decomposed(tag: Tag) -> bool:
    """`tag.decomposed` without its cost (a missing attribute makes bs4 search the tree)."""
    return "_decomposed" in tag.__dict__


def _alive(tag: Tag, root: BeautifulSoup | Tag) -> bool:
    """Whether `tag` is still in the tree under `root` (not decomposed nor extracted)."""
    if "_decomposed" in tag.__dict__:
        return False
    node = tag.parent
    while node is not None:
        if node is root:
            return True
        node = node.parent
    return False


@lru_cache(maxsize=1024)
def _plan(selector: str) -> _Simple | soupsieve.SoupSieve:
    return _parse_simple(selector) or soupsieve.compile(selector)


def _select_one_selector(
    root: BeautifulSoup | Tag, selector: str, index: PageIndex | None
) -> list[Tag]:
    plan = _plan(selector)
    if isinstance(plan, soupsieve.SoupSieve) or index is None:
        sieve = plan if isinstance(plan, soupsieve.SoupSieve) else soupsieve.compile(selector)
        return sieve.select(root)
    start = index.order.get(id(root), -1)
    end = index.last[start] if start >= 0 else len(index.tags) - 1
    positions = positions_between(_candidates(index, plan.compounds[-1]), start, end)
    if len(plan.compounds) > 1 and positions:
        # Few anchors (`.breadcrumb` in `.breadcrumb li`): look only inside them.
        anchors = _candidates(index, plan.compounds[0])
        if len(anchors) < len(positions):
            inside: set[int] = set()
            for anchor in anchors:
                inside.update(positions_between(positions, anchor, index.last[anchor]))
            positions = sorted(inside)
    found = []
    for position in positions:
        tag = index.tags[position]
        if _alive(tag, root) and plan.matches(tag):
            found.append(tag)
    return found


def select_all(root: BeautifulSoup | Tag, selector: str) -> list[Tag]:
    """`root.select(selector)`, answered from the page index where it can be."""
    return _select_one_selector(root, selector, _index_of(root))


def select_ordered(root: BeautifulSoup | Tag, selectors: Iterable[str]) -> list[Tag]:
    """Matches of every selector: those of the first selector first, each in page order."""
    key = tuple(selectors)
    if not key:
        return []
    index = _index_of(root)
    ordered: dict[int, Tag] = {}
    for selector in key:
        for tag in _select_one_selector(root, selector, index):
            ordered.setdefault(id(tag), tag)
    return list(ordered.values())


def select_any(root: BeautifulSoup | Tag, selectors: Iterable[str]) -> Tag | None:
    """The first element in page order that any of the selectors matches."""
    key = tuple(selectors)
    index = _index_of(root)
    if not key:
        return None
    if index is None:
        return soupsieve.select_one(", ".join(key), root)
    found = [tag for s in key for tag in _select_one_selector(root, s, index)[:1]]
    return min(found, key=lambda tag: index.order[id(tag)]) if found else None


def select_first(root: BeautifulSoup | Tag, selectors: Iterable[str]) -> Tag | None:
    """The first element with text, trying the selectors in order."""
    return next((tag for tag in select_ordered(root, selectors) if text_of(tag)), None)


def any_matches(tags: Iterable[Tag], selectors: Iterable[str]) -> bool:
    """Whether any of `tags` matches any of the selectors (no tree walk)."""
    plans = [_plan(s) for s in selectors]
    for tag in tags:
        for plan in plans:
            if isinstance(plan, soupsieve.SoupSieve):
                if plan.match(tag):
                    return True
            elif plan.matches(tag):
                return True
    return False
