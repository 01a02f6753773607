"""Quantities an article quotes: "đạt trên 90%", "29/29 cơ sở đoàn", "15,4 triệu đồng".

Vietnamese number conventions: "." groups thousands, "," is the decimal mark; magnitude
words nghìn/ngàn (10³), triệu (10⁶), tỷ/tỉ (10⁹); qualifiers stand before the number.
Document numbers, dates, years, times, phone numbers and ordinals are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.facts.spans import Spans
from extractors.limits import check

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_MAG = r"nghìn tỷ|ngàn tỷ|nghìn|ngàn|triệu|tỷ|tỉ"
_QUANTITY = re.compile(
    rf"(?<![\w.,/:-])(?P<a>{_NUM})"
    rf"(?:\s*(?P<sep>[-–]|/)\s*(?P<b>{_NUM}))?"
    rf"(?:\s+(?P<mag>{_MAG})(?!\w))?"
    rf"(?P<pct>\s?%)?"
    rf"(?![\w/]|[.,]\d)"
)
MAGNITUDES = {
    "nghìn tỷ": 1e12,
    "ngàn tỷ": 1e12,
    "nghìn": 1e3,
    "ngàn": 1e3,
    "triệu": 1e6,
    "tỷ": 1e9,
    "tỉ": 1e9,
}
QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("ít nhất", ">="),
    ("tối thiểu", ">="),
    ("không quá", "<="),
    ("tối đa", "<="),
    ("xấp xỉ", "~"),
    ("khoảng", "~"),
    ("chừng", "~"),
    ("gần", "~"),
    ("trên", ">"),
    ("hơn", ">"),
    ("vượt", ">"),
    ("dưới", "<"),
)
_QUALIFIER = re.compile(r"(?i)(?:^|\s)(" + "|".join(re.escape(w) for w, _ in QUALIFIERS) + r")\s+$")
_QUALIFIER_CODES = dict(QUALIFIERS)

# Words before a number that make it a date, an ordinal, a name or a reference.
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?i)(?:^|[\s(])(?:ngày|hôm|sáng|chiều|tối|đêm|trưa|tháng|năm|niên khóa|giai đoạn|"
    r"quý|điều|khoản|điểm|chương|mục|phần|lần thứ|thứ|số|khóa|kỳ|tập|trang|phiên|"
    r"lúc|vào|hotline|điện thoại|đt|fax|tel|mã|phòng|tầng|lô|km số|tuyến|quốc lộ|tỉnh lộ|"
    r"đường tỉnh|huyện lộ|tổ|xóm|khu|thôn|bản|đội|lớp|covid|top|ban chỉ đạo|nhóm|cụm)"
    r"\s*:?\s*$"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Units that hold a comma: "15 xã, thị trấn".
_COMPOUND_UNITS = (
    "xã, phường, thị trấn",
    "xã, thị trấn",
    "xã, phường",
    "cán bộ, công chức, viên chức",
    "cán bộ, công chức",
    "cán bộ, đảng viên",
    "cán bộ, hội viên",
    "thôn, xóm",
    "thôn, bản",
    "thôn, tổ dân phố",
    "đoàn viên, thanh niên",
    "hội viên, nông dân",
    "tin, bài",
    "tin, bài viết",
    "cơ quan, đơn vị",
    "cơ quan, đơn vị, địa phương",
    "phòng, ban",
    "thôn, xóm, tổ dân phố",
)
# A unit ends with a currency: "7,5 tỷ đồng xây dựng nhà văn hóa" counts đồng.
_CURRENCIES = frozenset({"đồng", "usd", "vnđ", "vnd", "euro", "eur", "đô la"})
# Words a unit never runs into: function words and the verbs that follow a counted subject.
_STOP_WORDS = frozenset(
    """và với của cho tại trong trên ngoài đã đang sẽ được bị là có để từ đến theo so đạt
    tăng giảm đều cũng thì mà nên nhưng hoặc hay khi nếu như nhằm về các những này đó kia
    mỗi một hai ba bốn năm sáu bảy tám chín mười qua sau trước bằng do vì ở nay gồm
    nhận chiếm còn chưa không vẫn lên xuống ra vào gấp giữa cùng thuộc tới cấp dọc""".split()
)
_TWO_WORD_STOPS = frozenset(
    w.strip()
    for w in """thu hút|tham gia|thành lập|tổ chức|triển khai|thực hiện|hoàn thành|đăng ký|
    đồng thời|bao gồm|trở lên|so với|mỗi năm|một năm|trên tổng|tương đương|xây dựng|hỗ trợ|đầu tư|
    sửa chữa|nâng cấp|phục vụ|tiếp nhận|góp phần|được giao|kết nối|tiêm phòng|mắc bệnh|
    đưa vào|sử dụng|trồng mới|ký kết""".split("|")
)
_COMPOUND = re.compile(
    "(?i)(?:"
    + "|".join(re.escape(c) for c in sorted(_COMPOUND_UNITS, key=len, reverse=True))
    + r")(?![^\W\d_])"
)
_GAP = re.compile(r"[ \u00a0]+")
_DAY_WORD_BEFORE = re.compile(r"(?i)(?:ngày|hôm|sáng|chiều|tối|đêm|trưa|tháng)\s*$")
_THIRD_PART = re.compile(r"[/.-]\d")
_TIME_AFTER = re.compile(r"\s*(?:giờ|h)\s*\d")
_MINUTES = re.compile(r":\d\d")
_RANGE_WORD = re.compile(r"(?i)(?:và|đến|-)\b")
_WORDS_BEFORE = re.compile(r"((?:[^\s,;:.!?()“”\"]+[ \u00a0]+){1,3})$")
_PER = re.compile(rf"\s+(?:trên|/|mỗi)\s+(?:{_NUM})\s+\w+")
_MAX_UNIT_WORDS = 6
_WORD = re.compile(r"[^\s,;:.!?()\[\]“”\"'‘’…]+")
_LEADING_GAP = re.compile(r"[ \u00a0]*")
_SPACE = re.compile(r"\s*")


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity as found in a text (offsets into that text)."""

    value: float
    value_high: float | None
    total: float | None
    unit: str | None
    qualifier: str
    text: str
    start: int
    end: int


def parse_number(text: str) -> float:
    """'1.500' → 1500, '90,5' → 90.5, '02' → 2."""
    return float(text.replace(".", "").replace(",", "."))


def _unit_after(text: str, pos: int) -> tuple[str | None, int]:
    """The counted noun phrase starting at ``pos``, whole words only, and where it ends."""
    # Offsets into ``text``, never a copy of its rest: a long text has many quantities.
    start = _end_of(_LEADING_GAP, text, pos)
    if start == pos and text[pos : pos + 1].isalpha():
        return None, pos  # glued to the number: "14h30"
    words: list[str] = []
    end = start
    cursor = start
    while len(words) < _MAX_UNIT_WORDS:
        compound = _compound_at(text, cursor)
        if compound:  # "xã, thị trấn", "lượt cán bộ, công chức": the comma belongs
            words.append(compound)
            end = cursor + len(compound)
            break
        match = _WORD.match(text, cursor)
        if not match:
            break
        word = match.group()
        low = word.lower()
        if not word[0].isalpha() and not word.startswith("%"):
            break
        if low in _STOP_WORDS:
            break
        # The first word after a number is its noun, even one that can be a verb
        # ("24 tổ chức đảng"); later, a verb ends the unit.
        if words and f"{low} {_next_word(text, match.end())}".strip() in _TWO_WORD_STOPS:
            break
        if words and word[0].isupper():
            break  # a name begins: "300 bài viết Tuổi trẻ ..."
        words.append(word)
        end = match.end()
        if low in _CURRENCIES:
            break
        gap = _GAP.match(text, end)
        if not gap:
            break
        cursor = gap.end()
    if not words:
        return None, pos
    return text[start:end], end


def _compound_at(text: str, pos: int) -> str | None:
    match = _COMPOUND.match(text, pos)
    return match.group() if match else None


def _next_word(text: str, pos: int) -> str:
    match = _WORD.match(text, _end_of(_SPACE, text, pos))
    return match.group().lower() if match else ""


def _end_of(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where ``pattern`` (which may match nothing) stops matching from ``pos``."""
    match = pattern.match(text, pos)
    return match.end() if match else pos


def _is_date_like(a: str, b: str, before: str) -> bool:
    """'22/10', '7/2020', 'ngày 2/11': a day/month or month/year, not a ratio."""
    if _YEAR.match(b.replace(".", "")):
        return True
    if "." in a or "," in a or "." in b or "," in b:
        return False
    x, y = int(a), int(b)
    if _DAY_WORD_BEFORE.search(before):
        return True
    return x > y  # a ratio never has more than its total; 22/10 is a date


def find_quantities(text: str, skip: list[tuple[int, int]] | None = None) -> list[Quantity]:
    """Every quantity in ``text`` outside the ``skip`` spans (e.g. document numbers).

    Linear in the number of quantities: the ``skip`` spans are merged once and looked up
    by bisection; a quantity found covers the text up to its unit's end, and as matches
    come left to right, the furthest such end (``reach``) is all that later ones need.
    """
    skipped = Spans(skip or ())
    reach = 0  # the end of the furthest quantity found so far
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        check()
        start, end = m.start(), m.end()
        if start < reach or skipped.overlaps(start, end):
            continue
        before = text[max(0, start - 25) : start]
        a, b, sep = m.group("a"), m.group("b"), m.group("sep")
        pct = bool(m.group("pct"))
        # Dates with three parts ("1/7/2024", "22-10-2018") and times are skipped whole.
        tail = text[end : end + 6]
        if sep and _THIRD_PART.match(tail):
            continue
        if _TIME_AFTER.match(tail) or _MINUTES.match(text, m.end("a")):
            continue
        if _NOT_A_COUNT_BEFORE.search(before):
            continue
        if _follows_name(text, start):
            continue
        digits = re.sub(r"\D", "", m.group(0))
        if a.startswith("0") and len(digits) >= 8:
            continue  # a phone number: 043.7366620
        if sep == "/":
            if b is None or _is_date_like(a, b, before):
                continue
        value = parse_number(a)
        high = parse_number(b) if b is not None and sep != "/" else None
        total = parse_number(b) if b is not None and sep == "/" else None
        if sep in ("-", "–") and high is not None and (high <= value or _YEAR.match(a)):
            continue  # "2021-2025" is a period, "5-3" is a score
        mag = m.group("mag")
        if mag:
            value *= MAGNITUDES[mag]
            high = high * MAGNITUDES[mag] if high is not None else None
        unit: str | None
        if pct:
            unit, unit_end = "%", end
        else:
            unit, unit_end = _unit_after(text, end)
            if unit is None and mag:
                unit = None
            elif unit is None:
                continue  # a bare number says nothing countable
        if not pct and not mag and _YEAR.match(a) and sep is None and unit is not None:
            if _RANGE_WORD.match(unit):
                continue
        unit, unit_end = _rate(text, unit, unit_end)
        q = _QUALIFIER.search(before)
        qualifier = _QUALIFIER_CODES[q.group(1).lower()] if q else "="
        phrase_start = start - (len(before) - q.start(1)) if q else start
        found.append(
            Quantity(
                value=value,
                value_high=high,
                total=total,
                unit=unit,
                qualifier=qualifier,
                text=text[phrase_start:unit_end],
                start=phrase_start,
                end=unit_end,
            )
        )
        reach = max(reach, unit_end)
    return found


def _follows_name(text: str, start: int) -> bool:
    """'Ban Chỉ đạo 35', 'Quốc lộ 3', 'Tổ 5': a number closing a name.

    The up to three words before the number hold no function word and one of them is
    capitalised (the first word of a sentence counts only if the next one is too).
    """
    match = _WORDS_BEFORE.search(text[max(0, start - 40) : start])
    if not match:
        return False
    words = match.group(1).split()
    if any(w.lower() in _STOP_WORDS or w.lower() in _QUALIFIER_CODES for w in words):
        return False
    capitals = [w[:1].isupper() for w in words]
    head = start - len(match.group(0))  # the last character before the words, spaces aside
    while head > 0 and text[head - 1].isspace():
        head -= 1
    sentence_start = head == 0 or text[head - 1] in '.!?:;“"\n'
    if sentence_start and len(words) == len(match.group(1).split()):
        capitals[0] = capitals[0] and len(capitals) > 1 and capitals[1]
    return any(capitals)


def _rate(text: str, unit: str | None, end: int) -> tuple[str | None, int]:
    """'5,6 ca trên 100.000 dân': the denominator belongs to the unit, not a new quantity."""
    if unit is None or unit == "%":
        return unit, end
    match = _PER.match(text, end)
    if not match:
        return unit, end
    new_end = match.end()
    return text[end - len(unit) : new_end], new_end
