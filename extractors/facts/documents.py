"""Cited documents: "Nghị quyết số 35-NQ/TW ngày 22/10/2018", "123/QĐ-UBND", bare "Nghị quyết 35".

Number forms (Decree 30/2020/NĐ-CP, appendix III): normative ``13/2023/NĐ-CP``,
``16/2023/QH15``; administrative ``123/QĐ-UBND``; official letters ``45/UBND-VP`` (no
type code); party documents ``35-NQ/TW``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extractors.facts.spans import Spans
from extractors.limits import check

# Official type codes and their names; QH is a National Assembly law or resolution.
TYPE_NAMES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "QĐi": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "CV": "Công văn",
    "L": "Luật",
    "PL": "Pháp lệnh",
}
# Names as written before a number ("Quyết định số ..."), longest first, to their codes.
NAME_CODES: dict[str, str] = {
    "nghị quyết": "NQ",
    "quyết định": "QĐ",
    "nghị định": "NĐ",
    "thông tư liên tịch": "TTLT",
    "thông tư": "TT",
    "chỉ thị": "CT",
    "quy chế": "QC",
    "quy định": "QyĐ",
    "thông cáo": "TC",
    "thông báo": "TB",
    "hướng dẫn": "HD",
    "chương trình": "CTr",
    "kế hoạch": "KH",
    "phương án": "PA",
    "đề án": "ĐA",
    "dự án": "DA",
    "báo cáo": "BC",
    "tờ trình": "TTr",
    "công điện": "CĐ",
    "công văn": "CV",
    "văn bản": "CV",
    "luật": "L",
    "pháp lệnh": "PL",
    "kết luận": "KL",
}
TYPE_NAMES["KL"] = "Kết luận"

_CODE = r"[A-ZĐ][A-Za-zĐđ]*"
_ORG = r"[A-ZĐ][A-Za-zĐđ0-9]*"
# 123/QĐ-UBND, 13/2023/NĐ-CP, 01/2011/TT-BNV, 45/UBND-VP, 45/UBND-VP-KT, 16/2023/QH15,
# 35-NQ/TW, 08-KH/HU, 12-NQ/TU
_NUMBER = re.compile(
    rf"(?<![\w/.-])(?:"
    rf"(?P<party>\d{{1,5}}-(?P<pcode>{_CODE})/(?P<porg>{_ORG}))"
    rf"|(?P<state>\d{{1,6}}(?:/(?P<year>(?:19|20)\d\d))?/(?P<first>{_ORG})"
    rf"(?:-(?P<rest>{_ORG}(?:-{_ORG})*))?)"
    rf")(?![\w/])"
)
_NAMES = "|".join(sorted((re.escape(n) for n in NAME_CODES), key=len, reverse=True))
# Both run on lower-cased text (case-insensitive matching of the names is 3x slower).
_NAME_BEFORE = re.compile(rf"\b({_NAMES})(?:\s+(?:liên tịch\s+)?số)?\s*:?\s*$")
_BARE = re.compile(rf"\b(?P<name>{_NAMES})\s+(?:số\s+)?(?P<num>\d{{1,5}})(?![\w/,.-]\d|[\w/-])")
_ISSUED = re.compile(r"^\s*,?\s*(?:ban hành\s+)?ngày\s+(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)")


@dataclass(frozen=True, slots=True)
class DocMention:
    """One place a document is cited: its number as written and what it tells."""

    number: str
    type_code: str | None
    issuer_code: str | None
    year: int | None
    issued_on: date | None
    start: int
    end: int
    full: bool  # a complete number, not a bare "Nghị quyết 35"


def _issued(text: str, end: int) -> date | None:
    match = _ISSUED.match(text[end : end + 40])
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _name_code(text: str, start: int) -> str | None:
    match = _NAME_BEFORE.search(text[max(0, start - 40) : start].lower())
    return NAME_CODES[match.group(1).lower()] if match else None


def find_documents(text: str) -> list[DocMention]:
    """Every document number in ``text``, full ones and bare "Nghị quyết 35" forms."""
    mentions: list[DocMention] = []
    taken: list[tuple[int, int]] = []
    # Cheap gates first: every full number has a "/", every bare one a document name.
    full_numbers = _NUMBER.finditer(text) if "/" in text else iter(())
    lowered = text.lower()
    if len(lowered) != len(text):  # offsets must hold between the two
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    named = any(name in lowered for name in NAME_CODES)
    for m in full_numbers:
        check()
        named_code = _name_code(text, m.start()) if named else None
        if m.group("party"):
            type_code: str | None = m.group("pcode")
            issuer: str | None = m.group("porg")
            year = None
        else:
            first, rest = m.group("first"), m.group("rest")
            year = int(m.group("year")) if m.group("year") else None
            if rest is None:
                # "16/2023/QH15": a law or resolution of the National Assembly; a bare
                # "12/UBND" needs a document name before it to count.
                if not (year or named_code):
                    continue
                type_code, issuer = named_code, first
            elif first in TYPE_NAMES or first.upper() in TYPE_NAMES:
                type_code = first if first in TYPE_NAMES else first.upper()
                issuer = rest
            else:  # an official letter: 45/UBND-VP
                type_code, issuer = (named_code or "CV"), first
        if type_code not in TYPE_NAMES:
            type_code = named_code
        issued_on = _issued(text, m.end())
        if year is None and issued_on is not None:
            year = issued_on.year
        mentions.append(
            DocMention(m.group(0), type_code, issuer, year, issued_on, m.start(), m.end(), True)
        )
        taken.append((m.start(), m.end()))
    claimed = Spans(taken)
    for m in _BARE.finditer(lowered) if named else ():
        check()
        if claimed.holds(m.start("num")):
            continue
        code = NAME_CODES[m.group("name").lower()]
        issued_on = _issued(text, m.end())
        mentions.append(
            DocMention(
                m.group("num"),
                code,
                None,
                issued_on.year if issued_on else None,
                issued_on,
                m.start("num"),
                m.end("num"),
                False,
            )
        )
    mentions.sort(key=lambda d: d.start)
    return mentions
