"""Text normalization: Unicode NFC, whitespace collapsing, Vietnamese detection."""

from __future__ import annotations

import re
import unicodedata

# Characters that only Vietnamese uses among Latin-script languages: ă đ ơ ư, ĩ ũ, and the
# "Latin Extended Additional" letters (hook above, dot below, stacked marks).
_VIETNAMESE_LETTER = re.compile(r"[ăđơưĩũĂĐƠƯĨŨ\u1ea0-\u1ef9]")
_WORD = re.compile(r"\w+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")


def _fold_space(match: re.Match[str]) -> str:
    # A lone no-break space is the author's typography ("35-NQ/TW\xa0huyện"): keep it.
    return match.group() if match.group() == "\xa0" else " "


def clean(text: str | None) -> str:
    """NFC-normalize, drop zero-width characters, collapse whitespace runs to one space.

    A single no-break space between two words is kept as written, so that text matches
    the page exactly; any longer run of white space becomes one ordinary space.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(_fold_space, text).strip()


def is_vietnamese(text: str) -> bool:
    """Whether at least 10% of the words (and 3 or more) carry a Vietnamese-only letter."""
    words = _WORD.findall(text)
    if not words:
        return False
    marked = sum(1 for w in words if _VIETNAMESE_LETTER.search(w))
    return marked >= 3 and marked >= 0.1 * len(words)


def ends_sentence(text: str) -> bool:
    """Whether the text closes with a full stop (ellipsis and '!'/'?' count too)."""
    return text.rstrip(" \"'”’)»").endswith((".", "!", "?", "…"))
