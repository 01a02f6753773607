"""Officials named with a role, and whether (and what) they are quoted.

Forms: "Đồng chí <Name>, <Title> cho biết: “…”", "ông/bà <Name>, <Title>", and
"<Title> <Name>" for the common titles (Bí thư, Chủ tịch, Giám đốc, Bộ trưởng …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.facts.letters import LOWER, UPPER
from extractors.facts.spans import Spans
from extractors.limits import check

# Vietnamese family names (the commonest ~60): a name is one of these and 1-3 more words.
SURNAMES = frozenset(
    """Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh Lâm
    Mai Trịnh Trương Tạ Hà Lương Lưu Cao Triệu Quách Thái Tô Vương Chu Kiều La Lò Sầm Nông
    Hứa Mạc Âu Khổng Tăng Văn Đoàn Lại Phùng Tống Từ Thân Kim Giang Diệp Lục Ninh Quan
    Đàm Đồng Hầu Khúc Mẫn Nghiêm Ông Phí Tôn Vi Ma Hoàng Bế Hà Lã Doãn Trịnh Cù Lường""".split()
)
SPEECH_VERBS = (
    "cho biết",
    "nhấn mạnh",
    "phát biểu",
    "khẳng định",
    "chia sẻ",
    "cho rằng",
    "nói",
    "đề nghị",
    "yêu cầu",
    "thông tin",
    "kết luận",
    "lưu ý",
    "nhận định",
    "bày tỏ",
)
TITLES = (
    "Phó Bí thư",
    "Bí thư",
    "Phó Chủ tịch",
    "Chủ tịch",
    "Phó Trưởng ban",
    "Trưởng ban",
    "Phó Trưởng phòng",
    "Trưởng phòng",
    "Phó Giám đốc",
    "Giám đốc",
    "Thứ trưởng",
    "Bộ trưởng",
    "Phó Thủ tướng",
    "Thủ tướng",
    "Tổng Bí thư",
    "Chủ nhiệm",
    "Phó Chủ nhiệm",
    "Chánh Văn phòng",
    "Chánh Thanh tra",
    "Trưởng Công an",
    "Phó Trưởng Công an",
    "Chỉ huy trưởng",
    "Hiệu trưởng",
    "Phó Hiệu trưởng",
    "Trưởng thôn",
    "Trưởng xóm",
    "Chủ nhiệm Hợp tác xã",
    "Tổng Giám đốc",
    "Viện trưởng",
    "Phó Viện trưởng",
    "Đại biểu Quốc hội",
)

_CAP = rf"[{UPPER}][{LOWER}]*"
_RUN = rf"{_CAP}(?:[ \u00a0]{_CAP}){{1,6}}"
_VERBS = "|".join(re.escape(v) for v in SPEECH_VERBS)
# Đồng chí / ông / bà / anh / chị, or an academic or professional prefix: BS.CK2, PGS.TS.
_HONORIFIC = re.compile(
    rf"(?:(?<=[\s(])|^)(?P<hon>[Đđ]ồng chí|[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Bb]ác sĩ|[Tt]iến sĩ|"
    rf"[Tt]hạc sĩ|[Nn]hà báo|[Ll]uật sư|(?:[A-Z][A-Za-z]{{0,3}}\.)+(?:[A-Z][A-Za-z0-9]{{0,4}})?)"
    rf"\s+(?P<name>{_RUN})\s*,\s*"
)
_SURNAME = "|".join(sorted(SURNAMES, key=len, reverse=True))
_TITLE_FIRST = re.compile(
    rf"(?:(?<=\s)|^)(?P<title>(?:{'|'.join(re.escape(t) for t in TITLES)})"
    rf"(?:[ \u00a0][^\s,;:.!?“”\"()]+){{0,8}}?)[ \u00a0]"
    rf"(?P<name>(?:{_SURNAME})(?:[ \u00a0]{_CAP}){{1,6}})"
)
_TITLE_END = re.compile(rf"\s+(?:{_VERBS})\b|[:;“”\"\n]|\.(?:\s|$)|\s+(?:đã|đang|sẽ)\s")
# Matched at an offset (``pattern.match(text, pos)``), never on a copy of the text's rest.
_SPEECH_AFTER = re.compile(rf"\s*(?:,\s*)?(?:{_VERBS})\b\s*:?\s*")
_QUOTE = re.compile(r"\s*[“\"](?P<quote>[^”\"]+)[”\"]")


def _title_after(text: str, pos: int) -> tuple[str, int]:
    """The title that follows "Name, ": comma-separated parts while each starts with a
    capital ("Phó Bí thư …, Trưởng Ban …"), up to a speech verb or the clause's end."""
    stop = _TITLE_END.search(text, pos, pos + 240)
    limit = stop.start() if stop else min(len(text), pos + 240)
    parts: list[str] = []
    end = pos
    cursor = pos
    for raw in text[pos:limit].split(","):
        stripped = raw.strip()
        if not stripped or (parts and not stripped[:1].isupper()):
            break
        parts.append(stripped)
        end = cursor + len(raw.rstrip())
        cursor += len(raw) + 1
    return ", ".join(parts), end


@dataclass(frozen=True, slots=True)
class PersonMention:
    """An official named with a role; ``quote`` is the speech in quotation marks."""

    name: str
    title: str
    quoted: bool
    quote: str | None
    start: int
    end: int


def _real_name(candidate: str) -> str | None:
    """The name part: the longest run of 2-4 capitalised words that starts with a surname,
    ending where the candidate ends."""
    words = candidate.split()
    for size in (4, 3, 2):
        if len(words) >= size and words[-size] in SURNAMES:
            return " ".join(words[-size:])
    return None


def _speech(text: str, end: int) -> tuple[bool, str | None, int]:
    verb = _SPEECH_AFTER.match(text, end)
    if not verb:
        return False, None, end
    after = verb.end()
    quote = _QUOTE.match(text, after)
    if quote:
        return True, quote.group("quote").strip(), quote.end()
    return True, None, after


def find_people(text: str) -> list[PersonMention]:
    """Every official named with a role in ``text``, in order, once per name and title."""
    found: list[PersonMention] = []
    taken: list[tuple[int, int]] = []
    for m in _HONORIFIC.finditer(text):
        check()
        name = _real_name(m.group("name"))
        if name is None or name != m.group("name"):
            continue
        title, title_end = _title_after(text, m.end())
        if not title:
            continue
        quoted, quote, end = _speech(text, title_end)
        found.append(PersonMention(name, title, quoted, quote, m.start(), max(end, title_end)))
        taken.append((m.start(), title_end))
    claimed = Spans(taken)
    for m in _TITLE_FIRST.finditer(text):
        check()
        if claimed.holds(m.start()):
            continue
        words = m.group("name").split()
        # The name is the run's tail that starts with a surname; the rest is the title's.
        name = _real_name(m.group("name"))
        if name is None:
            continue
        extra = " ".join(words[: len(words) - len(name.split())])
        title = f"{m.group('title')} {extra}".strip()
        quoted, quote, end = _speech(text, m.end())
        found.append(PersonMention(name, title, quoted, quote, m.start(), max(end, m.end())))
    found.sort(key=lambda p: p.start)
    return found
