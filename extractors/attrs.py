"""Reading tag attributes the tree keeps as written (``class`` is one string)."""

from __future__ import annotations

from bs4 import Tag


def class_list(tag: Tag) -> list[str]:
    """A tag's classes."""
    raw = tag.attrs.get("class")
    if not raw:
        return []
    return raw.split() if isinstance(raw, str) else list(raw)
