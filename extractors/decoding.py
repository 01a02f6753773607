"""Turning page bytes into NFC text, and spotting legacy Vietnamese font encodings.

The charset is taken, in this order, from the HTTP Content-Type header, a byte order
mark, the page's own `<meta charset>` / http-equiv (in its first 4 KB), and detection
(UTF-8 first, then charset-normalizer). A declared charset that does not decode
strictly falls through to the next step; a declared single-byte charset (latin-1,
windows-125x) loses to UTF-8 when the bytes are non-ASCII UTF-8, since that is what a
mislabelled page almost always is. Windows-1258 writes tones as combining marks: NFC
composes them.

UTF-8 degrades locally: bytes that are mostly UTF-8 (at least ``UTF8_EVIDENCE`` valid
multi-byte sequences per invalid one; text in a single-byte charset essentially never
forms valid multi-byte sequences) read as UTF-8 with each invalid sequence replaced by
U+FFFD, counted in ``Decoded.replaced`` (a warning on the article): a few stray bytes,
or a body cut in the middle of a character, cost those characters, not the page.

Pre-Unicode Vietnamese text (TCVN3/ABC with `.VnTime` fonts, VNI with `VNI-Times`) reads
as Latin-1 garble ("Ngµy", "Xin chaøo"). `legacy_encoding` names it so that the article
is flagged; the text is never "fixed" silently.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from extractors.errors import ExtractionError

MAX_PAGE_BYTES = 10_000_000  # larger "pages" are refused: no article is that long
META_SCAN_BYTES = 4096  # where `<meta charset>` is looked for

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TAG = re.compile(
    r"<\s*(?:!doctype|html|head|body|title|meta|div|p|a|table|span|h[1-6])\b", re.IGNORECASE
)
# Binary content shows control characters; U+FFFD is not counted (invalid UTF-8 bytes
# read as U+FFFD are a damaged page, not a binary one).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
UTF8_EVIDENCE = 4  # valid multi-byte UTF-8 sequences per invalid one, for "mostly UTF-8"
_UTF8 = frozenset({"utf-8", "utf-8-sig"})
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
# Labels that HTML reads as windows-1252 (WHATWG Encoding), and the multi-byte Unicode
# encodings that a `<meta>` cannot truthfully declare (the page would not be readable).
_WINDOWS_1252 = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252"})
_UNICODE_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


@dataclass(frozen=True, slots=True)
class Decoded:
    """Page text and how it was read: the encoding and which step chose it."""

    text: str
    encoding: str | None  # None: the page came as text
    source: str  # "text", "http", "bom", "meta", "utf-8", "detected", "fallback"
    replaced: int = 0  # invalid UTF-8 sequences read as U+FFFD

    @property
    def warning(self) -> str | None:
        """The article's warning about this decoding, if it lost anything."""
        if not self.replaced:
            return None
        return f"encoding: invalid UTF-8 bytes replaced ({self.replaced})"


def decode(data: bytes | str, url: str, content_type: str | None = None) -> str:
    """The page as NFC text; raises ExtractionError for empty, huge or non-HTML input."""
    return decode_page(data, url, content_type).text


def decode_page(data: bytes | str, url: str, content_type: str | None = None) -> Decoded:
    """`decode`, telling which encoding was used and where it came from."""
    if len(data) > MAX_PAGE_BYTES:
        raise ExtractionError(url, "page too large")
    if isinstance(data, bytes):
        wide = _bom_charset(data) or charset_of(content_type) or ""
        if b"\x00" in data[:4096] and wide not in _UNICODE_WIDE:
            raise ExtractionError(url, "not HTML: binary content")
        text, encoding, source, replaced = _decode_bytes(data, content_type)
    else:
        text, encoding, source, replaced = data, None, "text", 0
    if not text.strip():
        raise ExtractionError(url, "empty document")
    sample = text[:8192]
    if len(_CONTROL.findall(sample)) > 0.02 * len(sample):
        raise ExtractionError(url, "not HTML: binary content")
    if not _TAG.search(text[:65536]):
        raise ExtractionError(url, "not HTML: no HTML tags found")
    if "<![CDATA[" in text:
        text = _CDATA.sub(lambda m: m.group(1), text)
    return Decoded(unicodedata.normalize("NFC", text), encoding, source, replaced)


def charset_of(content_type: str | None) -> str | None:
    """The charset a Content-Type header value names, if Python knows it."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _lookup(match.group(1)) if match else None


def declared_charset(data: bytes) -> str | None:
    """The encoding a BOM or the first `<meta charset>`/http-equiv names, if Python knows it."""
    return _bom_charset(data) or _meta_charset(data)


def _bom_charset(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:META_SCAN_BYTES])
    if not match:
        return None
    name = _lookup(match.group(1).decode("ascii", "replace"))
    # A page whose bytes could be scanned as ASCII is not UTF-16: HTML reads it as UTF-8.
    return "utf-8" if name in _UNICODE_WIDE else name


def _lookup(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in _WINDOWS_1252 else name


def _is_single_byte(encoding: str) -> bool:
    return encoding.startswith(("cp125", "iso8859", "latin", "cp874", "koi8", "mac-", "tis"))


def _decode_bytes(data: bytes, content_type: str | None) -> tuple[str, str, str, int]:
    """(text, encoding, source, invalid UTF-8 sequences replaced) by header, BOM, meta,
    then detection."""
    utf8: tuple[str, int] | None | bool = False  # not tried yet; None: not mostly UTF-8
    for source, encoding in (
        ("http", charset_of(content_type)),
        ("bom", _bom_charset(data)),
        ("meta", _meta_charset(data)),
    ):
        if encoding is None:
            continue
        if encoding in _UTF8:
            found = _mostly_utf8(data, encoding)
            if found is not None:
                return found[0], encoding, source, found[1]
            continue  # many invalid sequences: not UTF-8, whatever the page says
        if _is_single_byte(encoding) and not data.isascii():
            if utf8 is False:
                utf8 = _mostly_utf8(data, "utf-8")
            if isinstance(utf8, tuple):  # labelled latin-1 or windows-125x, written in UTF-8
                return utf8[0], "utf-8", "utf-8", utf8[1]
        text = _strict(data, encoding)
        if text is not None:
            return text, encoding, source, 0
    if utf8 is False:
        utf8 = _mostly_utf8(data, "utf-8")
    if isinstance(utf8, tuple):
        return utf8[0], "utf-8", "utf-8", utf8[1]
    return (*_detect(data), 0)


def _mostly_utf8(data: bytes, encoding: str) -> tuple[str, int] | None:
    """The bytes as UTF-8 and how many invalid sequences became U+FFFD, when they are
    valid UTF-8 or mostly so: at least ``UTF8_EVIDENCE`` valid multi-byte sequences per
    invalid one. None otherwise (a page in another charset)."""
    text = data.decode(encoding, errors="replace")
    replaced = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # those written as such
    if replaced == 0:
        return text, 0
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - replaced
    return (text, replaced) if multibyte >= UTF8_EVIDENCE * replaced else None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> tuple[str, str, str]:
    """charset-normalizer's best guess, Windows-1258 when that reads as Vietnamese."""
    from charset_normalizer import from_bytes

    from extractors.text import is_vietnamese

    vietnamese = data.decode("cp1258", errors="replace")
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding != "cp1258":
        text = _strict(data, best.encoding)
        if text is not None and not (
            _is_single_byte(best.encoding)
            and is_vietnamese(_sample_text(unicodedata.normalize("NFC", vietnamese)))
            and not is_vietnamese(_sample_text(text))
        ):
            return text, best.encoding, "detected"
    return vietnamese, "cp1258", "detected" if best is not None else "fallback"


_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)


def _sample_text(markup: str, limit: int = 200_000) -> str:
    """Roughly the visible text of the markup (tags, scripts and styles removed)."""
    return _MARKUP.sub(" ", markup[:limit])


# ---- legacy Vietnamese font encodings ---------------------------------------------------

_TCVN3_FONT = re.compile(r"\.Vn[A-Z][A-Za-z]*(?:H\b)?")  # .VnTime, .VnTimeH, .VnArial
_VNI_FONT = re.compile(r"\bVNI[- ][A-Z][A-Za-z]+")  # VNI-Times, VNI-Helve
# TCVN3 letters read as Latin-1 symbols in words: "Ngµy", "®Þa", "ph¸t", "c«ng", "x·".
_TCVN3_SYMBOLS = "¡¢£¤¥¦§¨©ª«¬\xad®¯±´µ¶·¸¹º»¼½¾¿×"
_TCVN3_GARBLE = re.compile(
    rf"(?<=[A-Za-z])[{_TCVN3_SYMBOLS}](?=[A-Za-z])"  # inside a word
    r"|(?<=[a-z])[ÐÑÕÒÓÔÖÝØÜÞ]"  # a lowercase letter, then "capital" Ö Þ Ò (ệ ị ề)
    r"|(?<![^\W\d_])[®§](?=[^\W\d_])"  # đ, Đ starting a word
    r"|(?<=[A-Za-z])[µ¶·¸¹¨ª¼½¾¦](?![^\W\d_])"  # a final à ả ã á ạ ă ê ...
)
# VNI writes a vowel, then its tone or hat as a separate Latin-1 letter: "chaøo", "Vieät",
# "cuûa", "ngöôøi"; đ is ñ starting a word ("ñöôïc"). Only combinations that neither
# Unicode Vietnamese nor French, German or Spanish spell are counted.
_VNI_GARBLE = re.compile(
    r"(?i:[aeiouy][øõ]|[aeo][âäå]|aê|uû|öô)|(?<![^\W\d_])[ñÑ](?=[aeiouôöAEIOUÔÖ])"
)
# The letters every garble above needs: a text with none of them is searched no further
# (most pages; the patterns' look-arounds cost at every character).
_TCVN3_LETTERS = re.compile(rf"[{_TCVN3_SYMBOLS}ÐÑÕÒÓÔÖÝØÜÞ]")
_VNI_LETTERS = re.compile("[øõâäåêûôñÑØÕÂÄÅÊÛÔ\u212b]")  # U+212B: IGNORECASE reads it as å
_WORDS = re.compile(r"\S+")
MIN_GARBLE = 5  # occurrences (of 3 different symbols for TCVN3), and
MIN_GARBLE_SHARE = 0.05  # per word of text, for garble alone to flag the page


@dataclass(frozen=True, slots=True)
class LegacyEncoding:
    """Evidence of pre-Unicode Vietnamese text: which encoding, and why it is suspected."""

    name: str  # "TCVN3" or "VNI"
    reason: str

    @property
    def warning(self) -> str:
        return f"encoding: legacy {self.name} text suspected ({self.reason}); not converted"


def legacy_encoding(markup: str, text: str) -> LegacyEncoding | None:
    """TCVN3 or VNI text, judged by font names in the markup and garble in the text.

    Garble alone flags a page when it is frequent; a legacy font name flags it when the
    text shows some garble too (pages often keep a `.VnTime` style around Unicode text).
    """
    checks = (
        ("TCVN3", ".Vn", _TCVN3_FONT, _TCVN3_LETTERS, _TCVN3_GARBLE),
        ("VNI", "VNI", _VNI_FONT, _VNI_LETTERS, _VNI_GARBLE),
    )
    for name, font_prefix, font, letters, garble in checks:
        hits = garble.findall(text) if letters.search(text) else []
        if name == "TCVN3" and len(set(hits)) < 3:
            hits = []  # one repeated symbol ("«quotes»", "Brand®") is not TCVN3
        if not hits:
            continue  # no garble, no flag: the markup need not be searched for fonts
        fonts = font.findall(markup) if font_prefix in markup else []
        words = max(len(_WORDS.findall(text)), 1)
        if len(hits) >= MIN_GARBLE and len(hits) >= MIN_GARBLE_SHARE * words:
            evidence = f"{len(hits)} garbled letters in {words} words"
            if fonts:
                evidence += f", font {fonts[0]}"
            return LegacyEncoding(name, evidence)
        if fonts and hits:
            return LegacyEncoding(name, f"font {fonts[0]}, {len(hits)} garbled letters")
    return None
