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
    quick = text.lower().translate(_LATIN_FOLDS)
    if quick.isascii():
        return quick
    # What the table does not know (quotes, dashes, other scripts, loose marks) goes
    # the long way, a run of such characters at a time.
    return _NOT_ASCII.sub(lambda m: _fold_slowly(m.group()), quick)


def _fold_slowly(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    # Every mark goes (Unicode category M), as DuckDB's strip_accents drops them.
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return unicodedata.normalize("NFC", bare).replace("đ", "d")


# The precomposed Latin letters (Latin-1 to Latin Extended-B, and Latin Extended
# Additional, where Vietnamese's toned vowels live) folded once, for str.translate.
_LATIN_FOLDS = {
    code: _fold_slowly(chr(code))
    for first, last in ((0xC0, 0x24F), (0x1E00, 0x1EFF))
    for code in range(first, last + 1)
}
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


# A searchable word: a run of letters and digits; DuckDB's '[\p{L}\p{N}]+' alike.
SEARCH_WORD = re.compile(r"[^\W_]+")


def search_words(text: str) -> list[str]:
    """The folded words of ``text``, in order, as the search index and queries cut it:
    "Nghị quyết số 35-NQ/TW" -> ["nghi", "quyet", "so", "35", "nq", "tw"]. The SQL macro
    ``search_words`` (migration 13) cuts alike (tests/test_search_index.py)."""
    return SEARCH_WORD.findall(fold(text))
