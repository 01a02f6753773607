"""Parsing a page once: decoded text to one BeautifulSoup, with JSON-LD kept aside.

What never holds article text (scripts, styles, SVG drawings, comments, templates, frames,
form controls) is cut from the markup before BeautifulSoup builds its tree: the tree is
the costly part, and a smaller one is quicker to build and to walk. JSON-LD is read from
its script first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, PageElement, Tag

from extractors.decoding import decode

# Raw-text and furniture elements, and comments, matched the way the HTML tokenizer reads
# them: left to right, each to its first closing tag (an unclosed one to the end). Written
# "(?:.*?</x>|.*)", not ".*?(?:</x>|\Z)": a lazy repeat followed by a literal skips ahead
# to that literal, one followed by an alternation tries the alternation at every character.
_EARLY = re.compile(
    r"<!--(?:.*?-->|.*)"
    r"|<(script|style|noscript|template|svg|iframe|textarea|select|math)(?=[\s/>])([^>]*)>"
    r"(?:.*?</\1\s*>|.*)",
    re.DOTALL | re.IGNORECASE,
)
_JSON_LD_BODY = re.compile(r"<script[^>]*>(.*?)(?:</script\s*>|\Z)", re.DOTALL | re.IGNORECASE)
_LD_TYPE = re.compile(r"""type\s*=\s*["']?\s*application/ld\+json""", re.IGNORECASE)


@dataclass(slots=True)
class Document:
    """One parsed page: the soup (mutated as fields are read), its URL, JSON-LD and lang."""

    soup: BeautifulSoup
    url: str
    json_ld: list[dict[str, Any]] = field(default_factory=list)
    lang: str | None = None
    meta: dict[str, str] | None = None  # meta tags by name, read on first use (fields)


def parse_document(data: bytes | str, url: str) -> Document:
    """Decode and parse the page once; scripts, styles and comments never reach the tree."""
    markup, scripts = strip_early(decode(data, url))
    # Attributes stay as written: splitting every class list costs 8% of a parse.
    soup = BeautifulSoup(markup, "lxml", multi_valued_attributes=None)
    json_ld = [obj for script in scripts for obj in _load(script)]
    html = soup.find("html")
    lang = html.get("lang") if isinstance(html, Tag) else None
    return Document(soup, url, json_ld, lang.strip() if isinstance(lang, str) and lang else None)


def strip_early(markup: str) -> tuple[str, list[str]]:
    """The markup without scripts, styles, comments and the like; the JSON-LD texts."""
    json_ld: list[str] = []

    def cut(match: re.Match[str]) -> str:
        name = match.group(1)
        if name and name.lower() == "script" and _LD_TYPE.search(match.group(2) or ""):
            body = _JSON_LD_BODY.match(match.group(0))
            if body:
                json_ld.append(body.group(1))
        return " "

    return _EARLY.sub(cut, markup), json_ld


def unwrap_all(tags: Sequence[Tag]) -> None:
    """Replace each of ``tags`` (in document order) by its children, in linear time.

    BeautifulSoup's ``unwrap`` re-links what it moves by walking down to the last
    descendant and up through the ancestors: unwrapping a chain of n nested elements one
    by one costs n² (a page of 200,000 nested divs did not finish in 600 s). Here each
    parent that keeps its place gets its new list of children once, and each unwrapped
    element is unlinked from the document-order chain (``next_element``), which
    unwrapping changes in no other way.
    """
    gone = {id(tag) for tag in tags}
    keepers: dict[int, Tag] = {}  # parents that stay, whose children change
    for tag in tags:
        parent = tag.parent
        if parent is not None and id(parent) not in gone:
            keepers.setdefault(id(parent), parent)
    for parent in keepers.values():
        contents = _without(parent.contents, gone)
        parent.contents = contents
        previous: PageElement | None = None
        for child in contents:
            child.parent = parent
            child.previous_sibling = previous
            if previous is not None:
                previous.next_sibling = child
            previous = child
        if previous is not None:
            previous.next_sibling = None
    for tag in tags:
        before, after = tag.previous_element, tag.next_element
        if before is not None:
            before.next_element = after
        if after is not None:
            after.previous_element = before
        tag.parent = tag.previous_element = tag.next_element = None
        tag.previous_sibling = tag.next_sibling = None
        tag.contents = []


def _without(contents: list[PageElement], gone: set[int]) -> list[PageElement]:
    """``contents`` with each element of ``gone`` replaced by its own children, at any
    depth (iteratively: the chain may be far deeper than Python's recursion limit)."""
    found: list[PageElement] = []
    stack = [iter(contents)]
    while stack:
        for child in stack[-1]:
            if id(child) in gone and isinstance(child, Tag):
                stack.append(iter(child.contents))
                break
            found.append(child)
        else:
            stack.pop()
    return found


def json_ld_objects(doc: Document) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, `@graph` members included."""
    for obj in doc.json_ld:
        yield obj
        graph = obj.get("@graph")
        if isinstance(graph, list):
            yield from (member for member in graph if isinstance(member, dict))


def _load(text: str) -> list[dict[str, Any]]:
    text = text.strip()
    if text.startswith("<!--"):
        text = text[4:].rsplit("-->", 1)[0]
    try:
        value = json.loads(text, strict=False)
    except ValueError:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]
