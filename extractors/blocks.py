"""Cutting an element into paragraph blocks, with the styling that bylines and captions show."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import CData, NavigableString, Tag

from extractors.attrs import class_list
from extractors.text import clean

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
EMPHASIS_TAGS = frozenset({"strong", "b", "em", "i"})
SUBHEADINGS = ["h2", "h3", "h4", "h5", "h6"]  # the headings an article's sections carry
_ALIGN_STYLE = re.compile(r"text-align\s*:\s*(left|right|center|justify)", re.IGNORECASE)
_ALIGN_CLASS = {"text-right": "right", "text-center": "center", "pull-right": "right"}


@dataclass(slots=True)
class Block:
    """One paragraph of text: its owner element, alignment, emphasis and link share."""

    text: str
    owner: Tag
    align: str | None
    emphasized: bool  # every character is inside strong/b/em/i
    link_chars: int
    links: tuple[tuple[str, int], ...] = ()  # (href, characters of link text), in order

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


def alignment(tag: Tag) -> str | None:
    """The alignment a tag declares (style, align attribute or a well-known class)."""
    if not tag.attrs:
        return None  # the usual block: no attribute to read
    style = tag.get("style")
    if isinstance(style, str):
        match = _ALIGN_STYLE.search(style)
        if match:
            return match.group(1).lower()
    align = tag.get("align")
    if isinstance(align, str) and align.strip():
        return align.strip().lower()
    for cls in class_list(tag):
        if cls in _ALIGN_CLASS:
            return _ALIGN_CLASS[cls]
    return None


class _Enough(Exception):
    """`blocks` has found as many blocks as it was asked for."""


def blocks(root: Tag, limit: int | None = None) -> list[Block]:
    """The paragraphs of `root` in document order; <br> and block elements separate them.
    With `limit`, only the first `limit` of them (the walk stops there)."""
    out: list[Block] = []
    pieces: list[tuple[str, bool, str | None]] = []  # (text, emphasized, link href)

    def flush(owner: Tag, align: str | None) -> None:
        if not pieces:
            return
        joined = "".join([p[0] for p in pieces])
        text = clean(joined) if not joined.isspace() else ""
        if text:
            emphasized = all(emph for chunk, emph, _ in pieces if chunk.strip())
            linked = tuple(
                (href, len(clean(chunk))) for chunk, _, href in pieces if href is not None
            )
            links = sum(chars for _, chars in linked)
            out.append(Block(text, owner, align, emphasized, links, linked))
            if len(out) == limit:
                raise _Enough
        pieces.clear()

    def walk(tag: Tag, owner: Tag, align: str | None, emph: bool, link: str | None) -> None:
        for child in tag.contents:
            kind = type(child)
            if kind is NavigableString or kind is CData:
                pieces.append((str(child), emph, link))
            elif isinstance(child, Tag):
                name = child.name
                if name == "br":
                    flush(owner, align)
                elif name in BLOCK_TAGS:
                    flush(owner, align)
                    child_align = alignment(child) or align
                    walk(child, child, child_align, emph, link)
                    flush(child, child_align)
                else:
                    href = _href(child) if name == "a" and link is None else link
                    walk(child, owner, align, emph or name in EMPHASIS_TAGS, href)

    root_align = alignment(root)
    try:
        walk(
            root,
            root,
            root_align,
            root.name in EMPHASIS_TAGS,
            _href(root) if root.name == "a" else None,
        )
        flush(root, root_align)
    except _Enough:
        pass
    return out


def _href(link: Tag) -> str:
    """A link's target as written ("" when it has none)."""
    href = link.get("href")
    return href.strip() if isinstance(href, str) else ""


def text_of(tag: Tag) -> str:
    """The text of an element, with a space wherever a block or <br> separates words."""
    return " ".join(block.text for block in blocks(tag))
