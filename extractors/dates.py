"""Reading Vietnamese dates and times, always day first, as timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from extractors.text import clean

DEFAULT_TZ = "Asia/Ho_Chi_Minh"

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?", re.IGNORECASE)
_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<![\d/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\d/.-])")
_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*,?\s*năm\s+(\d{4})", re.IGNORECASE)
_TIME = re.compile(
    r"(?<![\d/.:])(\d{1,2})(?:\s*:\s*|h(?![^\W\d])\s*|\s*giờ\s*)(\d{2})?"
    r"(?:\s*(?::|phút)\s*(\d{2}))?(?![\d/])"
    r"(?:\s*(a\.?m\.?|p\.?m\.?|sa|ch|sáng|chiều|tối)(?!\w))?",
    re.IGNORECASE,
)
_PM = ("pm", "p.m.", "p.m", "ch", "chiều", "tối")
_AM = ("am", "a.m.", "a.m", "sa", "sáng")


def to_tz(tz: str | tzinfo) -> tzinfo:
    """A tzinfo from an IANA name (or a tzinfo, returned as it is)."""
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def parse_vn_datetime(text: str | None, tz: str | tzinfo = DEFAULT_TZ) -> datetime | None:
    """The first date in `text` (day first) with its time, in `tz`; None if none or invalid.

    An explicit offset (ISO 8601, "GMT+7") is honoured and the result converted to `tz`;
    a date without an offset is local time in `tz`. A date that does not exist (16/72/2020)
    gives None: never a month-first guess.
    """
    text = clean(text)
    if not text:
        return None
    zone = to_tz(tz)
    iso = _ISO.match(text)
    if iso:
        return _from_iso(iso.group(0), zone)
    offset, text = _take_offset(text)
    date, text = _take_date(text)
    if date is None:
        return None
    day, month, year = date
    try:
        hour, minute, second = _find_time(text) or (0, 0, 0)
        if offset is not None:
            fixed = datetime(year, month, day, hour, minute, second, tzinfo=offset)
            return fixed.astimezone(zone)
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def _from_iso(value: str, zone: tzinfo) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone)
    return parsed.astimezone(zone)


def _take_offset(text: str) -> tuple[tzinfo | None, str]:
    match = _OFFSET.search(text)
    if not match:
        return None, text
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    offset = timezone(-delta if sign == "-" else delta)
    return offset, text[: match.start()] + " " + text[match.end() :]


def _take_date(text: str) -> tuple[tuple[int, int, int] | None, str]:
    """(day, month, year) of the first date form found, and the text without it."""
    found: list[tuple[int, re.Match[str], tuple[int, int, int]]] = []
    for pattern in (_WORDS, _DMY, _YMD):
        match = pattern.search(text)
        if not match:
            continue
        if pattern is _WORDS:
            day, month, year = (int(g) for g in match.groups())
        elif pattern is _DMY:
            day, month, year = int(match[1]), int(match[3]), int(match[4])
        else:
            year, month, day = int(match[1]), int(match[3]), int(match[4])
        found.append((match.start(), match, (day, month, year)))
    if not found:
        return None, text
    _, match, date = min(found, key=lambda item: item[0])
    return date, text[: match.start()] + " " + text[match.end() :]


def _find_time(text: str) -> tuple[int, int, int] | None:
    """(hour, minute, second) of the first time in `text`; ValueError if it cannot exist."""
    for match in _TIME.finditer(text):
        hour_s, minute_s, second_s, meridiem = match.groups()
        separator = text[match.end(1) : match.start(2) if minute_s else match.end()].strip()
        if minute_s is None and separator.startswith(":"):
            continue  # "12:" alone is no time
        hour, minute, second = int(hour_s), int(minute_s or 0), int(second_s or 0)
        if meridiem:
            meridiem = meridiem.lower()
            if meridiem in _PM and hour < 12:
                hour += 12
            elif meridiem in _AM and hour == 12:
                hour = 0
        if hour > 23 or minute > 59 or second > 59:
            raise ValueError(f"no such time: {match.group(0)!r}")
        return hour, minute, second
    return None
