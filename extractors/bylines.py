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
_STAFF_GROUP = re.compile(r"^Nhóm (?:PV|CTV|phóng viên|cộng tác viên)\s+\S.{0,40}$")
_SOURCE = re.compile(r"^(?:Theo|Nguồn(?:\s+tin)?)\s*:?\s+(?P<source>.+)$", re.IGNORECASE)
_WITH_UNIT = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<unit>[^()]+)\)$")
_TIME_DATE = r"\d{1,2}[:h]\d{2}(?::\d{2})?,?\s+(?:ngày\s+)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
_DATE_TIME = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4},?\s+(?:lúc\s+)?\d{1,2}[:h]\d{2}(?::\d{2})?"
_WITH_TIME = re.compile(rf"^(?P<name>.+?)\s*[,|–-]?\s+(?:{_TIME_DATE}|{_DATE_TIME})$")
_EMAIL = re.compile(r"\s*[(<\[]?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*[)>\]]?")
_PHOTO_PART = re.compile(r"\s*(?:[-–;,|]\s*)?(?:Ảnh|Video|Clip)\s*:.*$")
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
    text = _EMAIL.sub("", clean(text)).strip(" -–—")
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()  # "(Theo TTXVN)"
    if not text or len(text) > MAX_BYLINE:
        return None
    match = _SOURCE.match(text)
    if match and text[0].isupper():
        source = match.group("source").strip()
        if ends_sentence(source):  # "Theo Báo Thái Nguyên." but not a sentence
            if "," in source or len(source.split()) > 8:
                return None
            source = source.rstrip(".")
        return Byline(source_unit=source) if len(source) <= MAX_SOURCE else None
    if ends_sentence(text):
        return None
    if _STAFF.match(text) or _STAFF_GROUP.match(text):
        return Byline(author=text)
    match = _CREDITED.match(text)
    if match:
        return _person(_PHOTO_PART.sub("", match.group("rest"))) or None
    if not styled:
        return None
    return _person(text)


def _person(text: str) -> Byline | None:
    """A person: 'Name', 'Name (Unit)' or 'Name 14:43, 07/03/2024'."""
    text = text.strip()
    match = _WITH_UNIT.match(text)
    if match:
        name, unit = match.group("name").strip(), clean(match.group("unit"))
        unit = re.sub(r"^(?:theo|nguồn)\s*:?\s+", "", unit, flags=re.IGNORECASE)  # "(theo X)"
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
        if styled and len(last.text.split()) <= 3 and is_cms_account(last.text):
            body.pop()  # "admin admin" signed by the CMS: furniture, not an author
            continue
        byline = parse_byline(last.text, styled=styled)
        if byline is None:
            break
        body.pop()
        found = byline if found is None else byline.merge(found)
    return found
