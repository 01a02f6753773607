"""Text normalization: Unicode NFC, whitespace collapsing, Vietnamese detection, and the
folding that lets text be searched without its diacritics."""

from __future__ import annotations

import re
import unicodedata

# Characters that only Vietnamese uses among Latin-script languages: ă đ ơ ư, ĩ ũ, and the
# "Latin Extended Additional" letters (hook above, dot below, stacked marks).
_VIETNAMESE_LETTER = re.compile(r"[ăđơưĩũĂĐƠƯĨŨ\u1ea0-\u1ef9]")
_WORD = re.compile(r"\w+")
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# White space to fold into one space: a run of several characters, or a lone one that is
# neither a space nor a no-break space (a lone no-break space is the author's typography,
# "35-NQ/TW\xa0huyện": kept). A plain string replacement, no Python call per run.
_FOLDABLE_SPACE = re.compile(r"\s{2,}|[^\S \xa0]")


def clean(text: str | None) -> str:
    """NFC-normalize, drop zero-width characters, collapse whitespace runs to one space.

    A single no-break space between two words is kept as written, so that text matches
    the page exactly; any longer run of white space becomes one ordinary space.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    return _FOLDABLE_SPACE.sub(" ", text).strip()


def is_vietnamese(text: str) -> bool:
    """Whether at least 10% of the words (and 3 or more) carry a Vietnamese-only letter."""
    if not _VIETNAMESE_LETTER.search(text):
        return False  # no such letter at all: no need to cut the text into words
    words = _WORD.findall(text)
    if not words:
        return False
    marked = sum(1 for w in words if _VIETNAMESE_LETTER.search(w))
    return marked >= 3 and marked >= 0.1 * len(words)


def ends_sentence(text: str) -> bool:
    """Whether the text closes with a full stop (ellipsis and '!'/'?' count too)."""
    return text.rstrip(" \"'”’)»").endswith((".", "!", "?", "…"))


def fold(text: str) -> str:
    """Text as a search matches it: lower case, with every Vietnamese tone and vowel mark
    gone and đ as d ("Đại hội Đoàn" -> "dai hoi doan"). DuckDB's
    `replace(lower(strip_accents(x)), 'đ', 'd')` folds the same way (a test holds them
    equal), so SQL and Python agree on what a folded word is."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).replace("đ", "d")
