"""A word diff of two texts, as ``git diff --word-diff`` shows one: ``[-removed-]`` and
``{+added+}`` in the words around them, of which only CONTEXT on each side of a change
are kept; the rest is elided as "…".

Pure (difflib, no I/O): ``bulletin history`` shows what changed between two versions of
an article with it.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

CONTEXT = 6  # words kept on each side of a change
ELIDED = "…"
PARAGRAPH = "¶"  # a paragraph break (a blank line), shown as a word of its own
_BREAK = re.compile(r"\n\s*\n")


def words(text: str | None) -> list[str]:
    """The words of ``text`` (split on whitespace), a paragraph break as PARAGRAPH."""
    found: list[str] = []
    for k, paragraph in enumerate(_BREAK.split((text or "").strip())):
        if k:
            found.append(PARAGRAPH)
        found += paragraph.split()
    return found


def word_diff(old: str | None, new: str | None, context: int | None = CONTEXT) -> str | None:
    """``new`` against ``old``, word by word: removed words as ``[-…-]``, added ones as
    ``{+…+}``, and ``context`` words of what did not change on each side of a change
    (the rest elided; None: all of it); None when their words are the same (None reads
    as empty)."""
    before, after = words(old), words(new)
    if before == after:
        return None
    opcodes = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    pieces: list[str] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            last = k == len(opcodes) - 1
            pieces += _context(before[i1:i2], context, after_change=k > 0, before_change=not last)
            continue
        removed = f"[-{' '.join(before[i1:i2])}-]" if i2 > i1 else ""
        added = f"{{+{' '.join(after[j1:j2])}+}}" if j2 > j1 else ""
        pieces.append(removed + added)
    return " ".join(pieces)


def _context(
    run: list[str], context: int | None, *, after_change: bool, before_change: bool
) -> list[str]:
    """What is shown of a run of unchanged words: ``context`` words next to each change
    it touches (None: all), and ELIDED for what lies between or beyond."""
    if context is None:
        return run
    head = run[:context] if after_change else []
    tail = run[-context:] if before_change and context else []
    if len(head) + len(tail) >= len(run):
        return run
    return [*head, ELIDED, *tail]
