"""Body-text scoring by the ScrapingHub article-extraction method (see corpus/README.md).

Tokens are ``\\w+`` matches of the NFC text; shingles are runs of 4 tokens, counted as a
multiset; the corpus scores are the means of the per-page precisions and recalls.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of runs of ``size`` consecutive tokens (one shorter run for short text)."""
    tokens = _TOKEN.findall(unicodedata.normalize("NFC", text or ""))
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page: precision and recall, or None where the denominator is 0."""

    precision: float | None
    recall: float | None


def score_page(truth: str, extracted: str) -> PageScore:
    want, got = shingles(truth), shingles(extracted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    if fp == 0 and fn == 0:
        return PageScore(1.0, 1.0)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return PageScore(precision, recall)


@dataclass(frozen=True, slots=True)
class CorpusScore:
    precision: float
    recall: float
    f1: float
    pages: int


def score_corpus(pages: Iterable[PageScore]) -> CorpusScore:
    """Mean precision, mean recall (pages with a zero denominator left out), and their F1."""
    scores = list(pages)
    ps = [s.precision for s in scores if s.precision is not None]
    rs = [s.recall for s in scores if s.recall is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return CorpusScore(p, r, f1, len(scores))
