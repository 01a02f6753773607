"""Reading bylines: "Name (Unit)", "Tin, ảnh: Name", "Theo X", "Nguồn: X", "PV"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.blocks import Block
from extractors.text import clean, ends_sentence

MAX_BYLINE = 150  # characters
MAX_SOURCE = 100
_CMS_ACCOUNTS = frozenset(
    {
        "admin",
        "administrator",
        "test",
        "tester",
        "quantri",
        "quản trị",
        "webmaster",
        "root",
        "user",
        "guest",
        "editor",
        "biên tập viên",
        "super admin",
        "superadmin",
    }
)
_STAFF = re.compile(r"^(?:PV|CTV|BTV|Nhóm PV|Nhóm CTV|Nhóm phóng viên|Phóng viên)$")
_CREDITED = re.compile(
    r"^(?:Tin|Bài|Ảnh|Video|Clip|Bài và ảnh|Tin và ảnh)"
    r"(?:\s*(?:,|/|và|&|\+)\s*(?:ảnh|Ảnh|video|Video|clip))*\s*:\s*(?P<rest>.+)$"
)
_SOURCE = re.compile(r"^(?:Theo|Nguồn(?:\s+tin)?)\s*:?\s+(?P<source>.+)$")
_WITH_UNIT = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<unit>[^()]+)\)$")
_WITH_TIME = re.compile(r"^(?P<name>.+?)\s+\d{1,2}[:h]\d{2},?\s+\d{1,2}/\d{1,2}/\d{4}$")
_NAME_SEPARATOR = re.compile(r"\s*(?:,|-|–|&|\bvà\b)\s*")


@dataclass(frozen=True, slots=True)
class Byline:
    """Who wrote a piece (author) and for or from which unit or outlet (source_unit)."""

    author: str | None = None
    source_unit: str | None = None

    def merge(self, other: Byline) -> Byline:
        """This byline with its missing parts taken from `other`."""
        return Byline(self.author or other.author, self.source_unit or other.source_unit)


def is_cms_account(name: str) -> bool:
    """A CMS login shown as author ("admin admin", "Administrator", "test")."""
    words = name.casefold().split()
    if not words:
        return True
    if name.casefold() in _CMS_ACCOUNTS or any(w in _CMS_ACCOUNTS for w in words):
        return True
    return len(words) > 1 and len(set(words)) == 1


def is_name(text: str) -> bool:
    """Whether text reads as one or a few person names: capitalized words, no digits."""
    if not text or len(text) > 60 or is_cms_account(text):
        return False
    for name in _NAME_SEPARATOR.split(text):
        words = name.split()
        if not 1 <= len(words) <= 5:
            return False
        for word in words:
            letters = word.replace(".", "")
            if not letters.isalpha() or not word[0].isupper():
                return False
    return True


def parse_byline(text: str, *, styled: bool = True) -> Byline | None:
    """The byline a paragraph states, or None; bare names need `styled` (bold/right)."""
    text = clean(text).strip(" -–—")
    if not text or len(text) > MAX_BYLINE or ends_sentence(text):
        return None
    if _STAFF.match(text):
        return Byline(author=text)
    match = _CREDITED.match(text)
    if match:
        return _person(match.group("rest")) or None
    match = _SOURCE.match(text)
    if match:
        source = match.group("source").strip()
        return Byline(source_unit=source) if len(source) <= MAX_SOURCE else None
    if not styled:
        return None
    return _person(text)


def _person(text: str) -> Byline | None:
    """A person: 'Name', 'Name (Unit)' or 'Name 14:43, 07/03/2024'."""
    text = text.strip()
    match = _WITH_UNIT.match(text)
    if match:
        name, unit = match.group("name").strip(), clean(match.group("unit"))
        if is_name(name) or _STAFF.match(name):
            return Byline(author=name, source_unit=unit or None)
        return None
    match = _WITH_TIME.match(text)
    if match:
        text = match.group("name").strip()
    if is_name(text) or _STAFF.match(text):
        return Byline(author=text)
    return None


def take_closing_byline(body: list[Block], max_blocks: int = 3) -> Byline | None:
    """Remove the byline paragraphs closing `body` and return what they say."""
    found: Byline | None = None
    for _ in range(max_blocks):
        if not body:
            break
        last = body[-1]
        styled = last.emphasized or last.align == "right"
        byline = parse_byline(last.text, styled=styled)
        if byline is None:
            break
        body.pop()
        found = byline if found is None else byline.merge(found)
    return found
