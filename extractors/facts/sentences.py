"""Sentences of a text with their character offsets, for the facts extractors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extractors.facts.letters import UPPER
from extractors.limits import check

# A sentence ends at . ! ? … (optionally closed by quotes or brackets) followed by space and
# an upper-case letter, digit or opening quote; or at a paragraph break. Abbreviations that
# end in a dot ("TP.", "ThS.", "PGS.TS.") do not end a sentence.
_BOUNDARY = re.compile(rf"(?:(?<=[.!?…])|(?<=[.!?…][\"”’)\]]))\s+(?=[\"“‘(]?[{UPPER}0-9])|\n\s*\n")
_ABBREVIATION = re.compile(r"(?:\b(?:TP|TS|ThS|PGS|GS|BS|CKII|CK2|CKI|BSCKII|Tp|St|Mr|Mrs|Dr)\.)$")
_LONGEST_ABBREVIATION = 8  # "BSCKII." and the character before it, for the \b


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence and where it starts in its text."""

    text: str
    start: int


def sentences(text: str) -> Iterator[Sentence]:
    """Split ``text`` into sentences, keeping offsets (no character is dropped but space)."""
    start = 0
    for match in _BOUNDARY.finditer(text):
        check()
        # Only the sentence's last characters can be an abbreviation: searching all of it
        # at each boundary is quadratic where abbreviations keep a sentence going.
        end = match.start()
        if _ABBREVIATION.search(text, max(start, end - _LONGEST_ABBREVIATION), end):
            continue
        yield from _strip(text, start, match.start())
        start = match.end()
    yield from _strip(text, start, len(text))


def _strip(text: str, start: int, end: int) -> Iterator[Sentence]:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    stripped = chunk.strip()
    if stripped:
        yield Sentence(stripped, start + lead)
