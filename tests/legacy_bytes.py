"""Test helpers that build page bytes in legacy Vietnamese encodings."""

from __future__ import annotations

import unicodedata

TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letter, then the tone mark."""
    out = b""
    for char in text:
        marks = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in TONES))
        out += (base + "".join(c for c in marks if c in TONES)).encode("cp1258")
    return out
