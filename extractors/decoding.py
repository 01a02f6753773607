"""Turning page bytes into text: declared charset, else UTF-8, else Windows-1258."""

from __future__ import annotations

import codecs
import re
import unicodedata

from extractors.errors import ExtractionError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_TAG = re.compile(
    r"<\s*(?:!doctype|html|head|body|title|meta|div|p|a|table|span|h[1-6])\b", re.IGNORECASE
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def declared_charset(data: bytes) -> str | None:
    """The encoding a BOM or the first `<meta charset>`/http-equiv names, if Python knows it."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    # HTML treats latin-1 labels as windows-1252.
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode(data: bytes | str, url: str) -> str:
    """The page as NFC text; raises ExtractionError for empty or non-HTML input."""
    if isinstance(data, bytes):
        if b"\x00" in data[:4096] and declared_charset(data) != "utf-16":
            raise ExtractionError(url, "not HTML: binary content")
        text = _decode_bytes(data)
    else:
        text = data
    if not text.strip():
        raise ExtractionError(url, "empty document")
    sample = text[:8192]
    if len(_CONTROL.findall(sample)) > 0.02 * len(sample):
        raise ExtractionError(url, "not HTML: binary content")
    if not _TAG.search(text[:65536]):
        raise ExtractionError(url, "not HTML: no HTML tags found")
    return unicodedata.normalize("NFC", text)


def _decode_bytes(data: bytes) -> str:
    charset = declared_charset(data)
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    # Windows-1258 decodes to base letters plus combining marks: NFC (in decode) composes them.
    return data.decode("cp1258", errors="replace")
