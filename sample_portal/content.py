"""The deterministic article generator: one article from (seed, index, date, category, id).

Each article draws from its own ``random.Random(f"{seed}:{index}")``, so generating
article 9 999 costs the same as article 0 and never depends on the others. The text
comes from the templates of ``topics.py``; every fact quoted (document numbers,
officials, numbers) is recorded as it is written, which makes the ground truth exact.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sample_portal import district, urls
from sample_portal.model import Category, SampleArticle, SampleFigure
from sample_portal.text import fmt_dec, fmt_doc_date, fmt_int, nfc, school_year, slugify
from sample_portal.topics import (
    ADMIN_ISSUER,
    ADMIN_KINDS,
    CENTRAL_DOCS,
    PARTY_ISSUER,
    PARTY_KINDS,
    TOPICS_BY_CATEGORY,
    Topic,
)

STYLES = ("centred", "table", "figure")

_ALTERNATIVE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{([A-Z0-9]+)(?::([^{}]*))?\}")
_SPACES = re.compile(r" {2,}")

# Qualifiers written before a number, with their weights (none is the most common).
_COUNT_QUALIFIERS = ("", "", "", "hơn ", "trên ", "gần ", "khoảng ")
_RATE_QUALIFIERS = ("đạt ", "đạt ", "đạt ", "đạt trên ", "đạt gần ", "đạt hơn ")
_PERCENT_QUALIFIERS = ("", "", "khoảng ", "gần ", "trên ")
_MONEY_QUALIFIERS = ("", "", "hơn ", "trên ", "khoảng ", "gần ")
_ROUGH = ("trên", "hơn", "gần", "khoảng")


def _bounds(spec: str) -> tuple[float, float]:
    lo, _, hi = spec.partition("-")
    return float(lo), float(hi)


def _round_rough(n: int) -> int:
    """A round figure for "hơn 1.200": two significant digits."""
    if n < 100:
        return n
    step = 10 ** (len(str(n)) - 2)
    return max(step, n // step * step)


class _Writer:
    """Fills templates for one article, recording each quoted fact."""

    def __init__(self, rng: random.Random, topic: Topic, published: date) -> None:
        self.rng = rng
        self.topic = topic
        self.published = published
        self.numbers: list[str] = []
        self.doc_refs: list[str] = []
        self.facts: dict[str, str] = {
            "HUYEN": district.DISTRICT,
            "XA": rng.choice(district.COMMUNES),
            "THON": rng.choice(district.HAMLETS),
            "NAM": str(published.year),
            "NAMT": str(published.year - 1),
            "NH": school_year(published),
        }
        self._lead_doc: str | None = None
        self._second_doc: str | None = None
        self._slots: dict[str, Callable[[str | None], str]] = {
            "N": self._count,
            "P": lambda spec: self._percent(spec, _RATE_QUALIFIERS),
            "Q": lambda spec: self._percent(spec, _PERCENT_QUALIFIERS),
            "M": self._money,
            "RX": self._communes,
            "RXF": lambda _spec: self._record(
                f"{district.UNIT_COUNT}/{district.UNIT_COUNT} xã, thị trấn"
            ),
            "R": self._ratio,
            "DOC": lambda _spec: self._doc(lead=True),
            "DOC2": lambda _spec: self._doc(lead=False),
        }

    # -- templates ------------------------------------------------------------------

    def fill(self, template: str) -> str:
        """The template with alternatives chosen and slots filled, left to right."""
        text = _ALTERNATIVE.sub(lambda m: self.rng.choice(m.group(1).split("|")), template)
        text = _SLOT.sub(self._slot, text)
        return nfc(_SPACES.sub(" ", text).strip())

    def _slot(self, match: re.Match[str]) -> str:
        name, spec = match.group(1), match.group(2)
        if name in self.facts:
            return self.facts[name]
        return self._slots[name](spec)

    def _record(self, phrase: str) -> str:
        self.numbers.append(phrase)
        return phrase

    # -- numbers --------------------------------------------------------------------

    def _count(self, spec: str | None) -> str:
        assert spec
        noun, _, bounds = spec.rpartition(":")
        lo, hi = _bounds(bounds)
        n = self.rng.randint(int(lo), int(hi))
        qualifier = self.rng.choice(_COUNT_QUALIFIERS)
        if qualifier:
            n = _round_rough(n)
        return self._record(f"{qualifier}{fmt_int(n)} {noun}")

    def _percent(self, spec: str | None, qualifiers: tuple[str, ...]) -> str:
        assert spec
        lo, hi = _bounds(spec)
        value = self.rng.uniform(lo, hi)
        qualifier = self.rng.choice(qualifiers)
        if "gần" in qualifier:
            value = float(-int(-value // 1))
        elif any(word in qualifier for word in _ROUGH):
            value = float(int(value))
        return self._record(f"{qualifier}{fmt_dec(value)}%")

    def _money(self, spec: str | None) -> str:
        assert spec
        lo, hi = _bounds(spec)
        billions = self.rng.uniform(lo, hi)
        qualifier = self.rng.choice(_MONEY_QUALIFIERS)
        if billions < 1:
            millions = max(10, round(billions * 100) * 10)
            return self._record(f"{qualifier}{fmt_int(millions)} triệu đồng")
        places = 0 if billions >= 10 else 1
        return self._record(f"{qualifier}{fmt_dec(billions, places)} tỷ đồng")

    def _communes(self, _spec: str | None) -> str:
        total = district.UNIT_COUNT
        reached = total if self.rng.random() < 0.6 else self.rng.randint(total - 6, total - 1)
        return self._record(f"{reached}/{total} xã, thị trấn")

    def _ratio(self, spec: str | None) -> str:
        assert spec
        noun, _, bounds = spec.rpartition(":")
        lo, hi = _bounds(bounds)
        total = self.rng.randint(int(lo), int(hi))
        part = self.rng.randint(-(-total * 6 // 10), total)
        return self._record(f"{part}/{total} {noun}")

    # -- documents ------------------------------------------------------------------

    def _doc(self, lead: bool) -> str:
        if lead:
            if self._lead_doc is None:
                self._lead_doc = self._lead_citation()
            return self._lead_doc
        if self._second_doc is None:
            self._second_doc = self._local_citation(full=False)
        return self._second_doc

    def _lead_citation(self) -> str:
        central = [
            CENTRAL_DOCS[ref]
            for ref in self.topic.central
            if CENTRAL_DOCS[ref].issued < self.published
        ]
        if central and self.rng.random() < 0.35:
            doc = self.rng.choice(central)
            self.doc_refs.append(doc.ref)
            return doc.citation
        return self._local_citation(full=True)

    def _local_citation(self, full: bool) -> str:
        kinds = PARTY_KINDS if self.topic.party else ADMIN_KINDS
        issuer = PARTY_ISSUER if self.topic.party else ADMIN_ISSUER
        while True:
            name, code = self.rng.choice(kinds)
            issued = self.published - timedelta(days=self.rng.randint(7, 150))
            day_of_year = issued.timetuple().tm_yday
            number = max(1, int(day_of_year * self.rng.uniform(0.6, 1.8)))
            ref = f"{number:02d}-{code}" if self.topic.party else f"{number}/{code}"
            if ref not in self.doc_refs:
                break
        self.doc_refs.append(ref)
        citation = f"{name} số {ref} ngày {fmt_doc_date(issued)} {issuer}"
        if full:
            citation += " " + self.fill(self.rng.choice(self.topic.about))
        return citation


def _official(writer: _Writer) -> tuple[str, str]:
    role = writer.fill(writer.rng.choice(writer.topic.roles))
    holders = district.ROSTER.get(role)
    name = writer.rng.choice(holders) if holders else district.local_official(role)
    return name, role


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


def _figures(writer: _Writer, index: int, published: datetime) -> tuple[SampleFigure, ...]:
    rng = writer.rng
    count = rng.choices((1, 2, 3), weights=(3, 3, 4))[0]
    styles = rng.sample(STYLES, 3) if count == 3 else [rng.choice(STYLES) for _ in range(count)]
    captions = rng.sample(writer.topic.captions, count)
    folder = urls.IMAGE_FOLDER_BASE + index // 25
    uploaded_ms = int(published.timestamp() * 1000) - rng.randint(600, 7200) * 1000
    stem = rng.choice(("IMG_{n:04d}", "DSC{n:05d}", "anh{j}", "h{j}"))
    figures = []
    for j, (style, caption) in enumerate(zip(styles, captions, strict=True), start=1):
        name = stem.format(n=rng.randint(1, 9999), j=j)
        credit = rng.choice(district.AUTHORS) if rng.random() < 0.4 else None
        path = urls.image_path(folder, name, _uuid(rng), uploaded_ms)
        figures.append(SampleFigure(path, writer.fill(caption), credit, style))
    return tuple(figures)


def generate(
    seed: int,
    index: int,
    published_at: datetime,
    category: Category,
    article_id: int,
    *,
    malformed: bool = False,
    missing: bool = False,
) -> SampleArticle:
    """The article ``index`` of the portal: same inputs, same article, byte for byte."""
    rng = random.Random(f"{seed}:{index}")
    topic = rng.choice(TOPICS_BY_CATEGORY[category.slug])
    writer = _Writer(rng, topic, published_at.date())

    title = writer.fill(rng.choice(topic.titles))
    lead = writer.fill(rng.choice(topic.leads))
    templates = rng.sample(topic.paragraphs, rng.randint(3, min(5, len(topic.paragraphs))))
    quoted_in = rng.randrange(len(templates))
    official = _official(writer)
    paragraphs = []
    for k, template in enumerate(templates):
        paragraph = writer.fill(template)
        if k == quoted_in:
            quote = writer.fill(rng.choice(topic.quotes))
            paragraph += f" Đồng chí {official[0]}, {official[1]} cho biết: “{quote}”"
        paragraphs.append(paragraph)
    figures = _figures(writer, index, published_at)
    author = rng.choice(district.AUTHORS)
    unit = rng.choice(topic.units)

    url_title = f"{slugify(title)}-{article_id}"
    return SampleArticle(
        index=index,
        path=urls.article_path(category, url_title),
        article_id=article_id,
        category_slug=category.slug,
        category_name=category.name,
        title=title,
        published_at=published_at,
        lead=lead,
        paragraphs=tuple(paragraphs),
        figures=figures,
        author=author,
        unit=unit,
        doc_refs=tuple(writer.doc_refs),
        officials=(official,),
        numbers=tuple(writer.numbers),
        malformed=malformed,
        missing=missing,
    )
