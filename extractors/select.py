"""CSS selection in one tree walk per selector list, results ordered by selector priority."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import soupsieve
from bs4 import BeautifulSoup, Tag

from extractors.blocks import text_of


@lru_cache(maxsize=512)
def _compiled(
    selectors: tuple[str, ...],
) -> tuple[soupsieve.SoupSieve, tuple[soupsieve.SoupSieve, ...]]:
    union = soupsieve.compile(", ".join(selectors))
    return union, tuple(soupsieve.compile(s) for s in selectors)


def select_ordered(root: BeautifulSoup | Tag, selectors: Iterable[str]) -> list[Tag]:
    """Matches of every selector: those of the first selector first, each in page order."""
    key = tuple(selectors)
    if not key:
        return []
    union, singles = _compiled(key)
    found = union.select(root)
    if len(singles) == 1 or not found:
        return found
    ordered: dict[int, Tag] = {}
    for single in singles:
        for tag in found:
            if id(tag) not in ordered and single.match(tag):
                ordered[id(tag)] = tag
    return list(ordered.values())


def select_any(root: BeautifulSoup | Tag, selectors: Iterable[str]) -> Tag | None:
    """The first element in page order that any of the selectors matches."""
    key = tuple(selectors)
    return _compiled(key)[0].select_one(root) if key else None


def select_first(root: BeautifulSoup | Tag, selectors: Iterable[str]) -> Tag | None:
    """The first element with text, trying the selectors in order."""
    return next((tag for tag in select_ordered(root, selectors) if text_of(tag)), None)


def any_matches(tags: Iterable[Tag], selectors: Iterable[str]) -> bool:
    """Whether any of `tags` matches any of the selectors (no tree walk)."""
    key = tuple(selectors)
    if not key:
        return False
    union = _compiled(key)[0]
    return any(union.match(tag) for tag in tags)
