"""What an article reports: quantities (stats), cited documents and quoted officials.

Pure text processing over the lead, the body and the captions; no HTML here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from extractors.facts.documents import TYPE_NAMES, DocMention, find_documents
from extractors.facts.people import find_people
from extractors.facts.quantities import find_quantities
from extractors.facts.sentences import Sentence, sentences
from extractors.limits import check

_YEAR = r"(?:19|20)\d\d"
_PERIOD = re.compile(
    rf"(?i)\b(?:quý\s+[IV]+(?:\s*/\s*|\s+năm\s+){_YEAR}"
    rf"|(?:\d+|sáu|chín)\s+tháng\s+(?:đầu\s+|cuối\s+)?năm\s+{_YEAR}"
    rf"|tháng\s+\d{{1,2}}(?:\s*/\s*|\s+năm\s+){_YEAR}"
    rf"|giai đoạn\s+{_YEAR}\s*[-–]\s*{_YEAR}"
    rf"|năm\s+(?:học\s+)?{_YEAR}(?:\s*[-–]\s*{_YEAR})?)"
)


@dataclass(frozen=True, slots=True)
class Stat:
    """A quantity quoted in the lead, body or a caption."""

    ordinal: int
    value: float
    value_high: float | None
    total: float | None
    unit: str | None
    qualifier: str  # one of = > >= < <= ~
    period: str | None
    text: str
    sentence: str
    field: str  # "lead", "body" or "caption:N"
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DocRef:
    """A document the article cites, once per document, with how often it is mentioned."""

    ordinal: int
    number: str
    type_code: str | None
    type_name: str | None
    issuer_code: str | None
    year: int | None
    issued_on: date | None
    complete: bool  # a full number; False for a bare "Nghị quyết 35" never named in full
    mentions: int
    text: str  # the sentence of the first mention
    field: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["issued_on"] = self.issued_on.isoformat() if self.issued_on else None
        return data


@dataclass(frozen=True, slots=True)
class Person:
    """An official named with a role; quoted when a speech verb follows."""

    ordinal: int
    name: str
    title: str
    quoted: bool
    quote: str | None
    sentence: str
    field: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Facts:
    stats: tuple[Stat, ...] = ()
    doc_refs: tuple[DocRef, ...] = ()
    people: tuple[Person, ...] = ()


class _Sentences:
    """The sentences of one text, split on first use (most texts quote nothing), each
    found by bisection on their starts; a sentence's period is searched for once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._parts: list[Sentence] | None = None
        self._starts: list[int] = []
        self._periods: dict[int, str | None] = {}  # by the sentence's start

    def _index(self, pos: int) -> int | None:
        if self._parts is None:
            self._parts = list(sentences(self.text))
            self._starts = [part.start for part in self._parts]
        i = bisect_right(self._starts, pos) - 1  # the last sentence starting at or before
        if i >= 0 and pos < self._starts[i] + len(self._parts[i].text):
            return i
        return None  # in the space between two sentences: the whole text stands for it

    def at(self, pos: int) -> str:
        i = self._index(pos)
        return self.text if i is None or self._parts is None else self._parts[i].text

    def period_at(self, pos: int) -> str | None:
        """The period ("năm 2024", "quý II/2023") the sentence at ``pos`` names first."""
        i = self._index(pos)
        key = -1 if i is None else self._starts[i]
        if key not in self._periods:
            period = _PERIOD.search(self.at(pos))
            self._periods[key] = period.group(0) if period else None
        return self._periods[key]


def extract_facts(lead: str | None, body: str, captions: Sequence[str | None] = ()) -> Facts:
    """Stats, cited documents and officials of one article."""
    fields = [("lead", lead or ""), ("body", body)]
    fields += [(f"caption:{i}", c or "") for i, c in enumerate(captions, start=1)]
    stats: list[Stat] = []
    docs: dict[str, dict[str, Any]] = {}
    bare: list[tuple[str, DocMention, str]] = []
    people: dict[tuple[str, str], dict[str, Any]] = {}
    for field, text in fields:
        check()  # a page's time limit (extractors.limits), between fields too
        if not text:
            continue
        parts = _Sentences(text)
        mentions = find_documents(text)
        for mention in mentions:
            sentence = parts.at(mention.start)
            if mention.full:
                _add_doc(docs, mention, field, sentence)
            else:
                bare.append((field, mention, sentence))
        for q in find_quantities(text, [(m.start, m.end) for m in mentions]):
            sentence = parts.at(q.start)
            stats.append(
                Stat(
                    ordinal=len(stats) + 1,
                    value=q.value,
                    value_high=q.value_high,
                    total=q.total,
                    unit=q.unit,
                    qualifier=q.qualifier,
                    period=parts.period_at(q.start),
                    text=q.text,
                    sentence=sentence,
                    field=field,
                    start=q.start,
                    end=q.end,
                )
            )
        for p in find_people(text):
            key = (p.name, p.title)
            if key in people:
                seen = people[key]
                seen["quoted"] = seen["quoted"] or p.quoted
                seen["quote"] = seen["quote"] or p.quote
                continue
            people[key] = {
                "name": p.name,
                "title": p.title,
                "quoted": p.quoted,
                "quote": p.quote,
                "sentence": parts.at(p.start),
                "field": field,
                "start": p.start,
                "end": p.end,
            }
    # A bare "Nghị quyết 35" named in full elsewhere in the article joins that document.
    full_by_lead = {(_leading_number(d["number"]), d["type_code"]): n for n, d in docs.items()}
    for field, mention, sentence in bare:
        linked = full_by_lead.get((_leading_number(mention.number), mention.type_code))
        if linked is not None:
            docs[linked]["mentions"] += 1
        else:
            _add_doc(docs, mention, field, sentence)
    return Facts(
        stats=tuple(stats),
        doc_refs=tuple(DocRef(ordinal=i, **d) for i, d in enumerate(docs.values(), start=1)),
        people=tuple(Person(ordinal=i, **p) for i, p in enumerate(people.values(), start=1)),
    )


def _leading_number(number: str) -> int | None:
    match = re.match(r"\d+", number)
    return int(match.group()) if match else None


def _add_doc(
    docs: dict[str, dict[str, Any]], mention: DocMention, field: str, sentence: str
) -> None:
    entry = docs.get(mention.number)
    if entry is None:
        docs[mention.number] = {
            "number": mention.number,
            "type_code": mention.type_code,
            "type_name": TYPE_NAMES.get(mention.type_code or ""),
            "issuer_code": mention.issuer_code,
            "year": mention.year,
            "issued_on": mention.issued_on,
            "complete": mention.full,
            "mentions": 1,
            "text": sentence,
            "field": field,
            "start": mention.start,
            "end": mention.end,
        }
        return
    entry["mentions"] += 1
    if entry["issued_on"] is None and mention.issued_on is not None:
        entry["issued_on"] = mention.issued_on
        entry["year"] = entry["year"] or mention.issued_on.year
