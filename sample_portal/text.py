"""Vietnamese text conventions of the portal: numbers, dates, URL titles, summaries.

Numbers group thousands with "." and use "," as the decimal mark; dates are day first.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fmt_int(n: int) -> str:
    """1200 -> "1.200"."""
    return f"{n:,}".replace(",", ".")


def fmt_dec(x: float, places: int = 1) -> str:
    """95.5 -> "95,5"; 95.0 -> "95"; 1234.5 -> "1.234,5"."""
    whole, _, frac = f"{x:,.{places}f}".partition(".")
    whole = whole.replace(",", ".")
    frac = frac.rstrip("0")
    return f"{whole},{frac}" if frac else whole


def fmt_doc_date(d: date) -> str:
    """The date as written in a document citation: "15/3/2024" (no zero padding)."""
    return f"{d.day}/{d.month}/{d.year}"


def fmt_listing_date(dt: datetime) -> str:
    """Liferay listing form: "28/07/2020 | 02:20 PM" (locale-independent)."""
    hour12 = dt.hour % 12 or 12
    half = "AM" if dt.hour < 12 else "PM"
    return f"{dt:%d/%m/%Y} | {hour12:02d}:{dt.minute:02d} {half}"


def fmt_article_date(dt: datetime) -> str:
    """Article page form: "06-05-2022 14:56"."""
    return f"{dt:%d-%m-%Y %H:%M}"


def school_year(d: date) -> str:
    """The school year a date falls in: "2023 - 2024" (it starts in September)."""
    first = d.year if d.month >= 9 else d.year - 1
    return f"{first} - {first + 1}"


def slugify(text: str, limit: int = 100) -> str:
    """A Liferay-style URL title: accents and đ folded, lower case, hyphens."""
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    slug = _NON_ALNUM.sub("-", ascii_text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def shorten(text: str, limit: int) -> str:
    """Cut at ``limit`` characters and add "..." as Liferay does (mid-word is fine)."""
    return text if len(text) <= limit else text[:limit].rstrip() + "..."


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
