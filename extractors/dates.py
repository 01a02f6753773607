"""Reading dates and times as timezone-aware datetimes: numeric dates always day first.

Vietnamese pages write 06/05/2022 for 6 May: a numeric date is never read month first,
even where that is the only reading ("10/31/2024" gives None). A month written as a
word settles the order by itself: "May 6, 2022", "6 May 2022", "6. Mai 2022".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from extractors.text import clean

# The timezone of the portals (Vietnam, UTC+7 all year), defined here once: the default of
# every parser, the sources' default (flows.sources), the warehouse's session time zone
# (storage.warehouse) and the sample portal's clock.
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?", re.IGNORECASE)
_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<![\d/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\d/.-])")
_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s*,?\s*năm\s+(\d{4})", re.IGNORECASE)

# Month names (English, French, German, Spanish, Italian, Portuguese, Dutch) and the
# usual abbreviations, to the month number; matched case-insensitively, a dot allowed.
MONTH_NAMES: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            "january jan janvier janv januar jänner enero ene gennaio gen janeiro januari",
            "february feb febr février févr februar febrero febbraio fevereiro fev februari",
            "march mar mars märz marz marzo março maart mrt",
            "april apr avril abril abr aprile",
            "may mai mayo maggio mag maio mei",
            "june jun juin juni junio giugno giu junho",
            "july jul juillet juil juli julio luglio lug julho",
            "august aug août aout agosto ago augustus",
            "september sep sept septembre septiembre settembre set setembro",
            "october oct octobre oktober okt octubre ottobre ott outubro out",
            "november nov novembre noviembre novembro",
            "december dec décembre déc dezember dez diciembre dic dicembre dezembro",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = "|".join(sorted(map(re.escape, MONTH_NAMES), key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th|er|º|°)?"
# "May 6, 2022", "Dec. 19th 2025", "December 16, 2025"
_MONTH_DAY_YEAR = re.compile(
    rf"(?<!\w)({_MONTH})\.?\s+(\d{{1,2}}){_ORDINAL}(?!\d)\s*,?\s+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# "6 May 2022", "19 Dec, 2025", "6. Mai 2022", "6 de mayo de 2022", "1er janvier 2024"
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![\w.])(\d{{1,2}}){_ORDINAL}\.?\s*(?:de\s+|of\s+)?({_MONTH})\.?,?\s+(?:de\s+)?"
    rf"(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
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


def parse_vn_datetime(
    text: str | None, tz: str | tzinfo = DEFAULT_TIMEZONE, *, keep_offset: bool = False
) -> datetime | None:
    """The first date in `text` (day first) with its time, in `tz`; None if none or invalid.

    An explicit offset (ISO 8601, "GMT+7") is honoured and the result converted to `tz`,
    unless `keep_offset`: then the offset is kept as written (the same instant, on the
    calendar day the page states). A date
    without an offset is local time in `tz`. A date that does not exist (16/72/2020)
    gives None: never a month-first guess.
    """
    text = clean(text)
    if not text:
        return None
    zone = to_tz(tz)
    iso = _ISO.match(text)
    if iso:
        parsed = _from_iso(iso.group(0), zone, keep_offset)
        if parsed is not None:
            return parsed
    offset, text = _take_offset(text)
    date, text = _take_date(text)
    if date is None:
        return None
    day, month, year = date
    try:
        hour, minute, second = _find_time(text) or (0, 0, 0)
        if offset is not None:
            fixed = datetime(year, month, day, hour, minute, second, tzinfo=offset)
            return fixed if keep_offset else fixed.astimezone(zone)
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def _from_iso(value: str, zone: tzinfo, keep_offset: bool = False) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone)
    if keep_offset:
        return parsed
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
    for pattern in (_WORDS, _DMY, _YMD, _MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        match = pattern.search(text)
        if not match:
            continue
        if pattern is _WORDS:
            day, month, year = (int(g) for g in match.groups())
        elif pattern is _DMY:
            day, month, year = int(match[1]), int(match[3]), int(match[4])
        elif pattern is _YMD:
            year, month, day = int(match[1]), int(match[3]), int(match[4])
        elif pattern is _MONTH_DAY_YEAR:
            month, day, year = MONTH_NAMES[match[1].lower()], int(match[2]), int(match[3])
        else:
            day, month, year = int(match[1]), MONTH_NAMES[match[2].lower()], int(match[3])
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
