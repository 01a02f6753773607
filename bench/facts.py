"""Facts: precision and recall over our sentence set, and what facts cost extraction.

    python -m bench.facts [--shared ../shared] [--repeat 3]

The sentence set is ``tests/data/facts_sentences.yaml``. The cost is the time of
``extract(..., facts=True)`` over ``extract(..., facts=False)`` on the same pages in
the same run, on Vietnamese article pages (the sample portal's, the seed and VnExpress).
"""

from __future__ import annotations

import argparse
import gzip
import time
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from extractors import ExtractionError, extract
from extractors.facts import Facts, extract_facts

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("stats", "docs", "people")


def rows(facts: Facts) -> dict[str, list[tuple[Any, ...]]]:
    """The facts in the sentence set's row shape."""
    return {
        "stats": [(s.value, s.value_high, s.total, s.unit, s.qualifier) for s in facts.stats],
        "docs": [
            (d.number, d.type_code, d.issuer_code, d.issued_on.isoformat() if d.issued_on else None)
            for d in facts.doc_refs
        ],
        "people": [(p.name, p.title, p.quoted) for p in facts.people],
    }


def sentence_scores(cases: list[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) per kind."""
    totals = {k: [0, 0, 0] for k in KINDS}
    for case in cases:
        got = rows(extract_facts(None, unicodedata.normalize("NFC", case["text"])))
        for kind in KINDS:
            want = Counter(tuple(r) for r in case.get(kind) or [])
            have = Counter(got[kind])
            tp = sum((want & have).values())
            totals[kind][0] += tp
            totals[kind][1] += sum(have.values()) - tp
            totals[kind][2] += sum(want.values()) - tp
    return {k: (v[0], v[1], v[2]) for k, v in totals.items()}


def load_cases() -> list[dict[str, Any]]:
    path = ROOT / "tests" / "data" / "facts_sentences.yaml"
    cases: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return cases


def pages(shared: Path, count: int) -> list[tuple[bytes, str]]:
    """Vietnamese article pages (facts run on Vietnamese text only): ``count`` pages of the
    sample portal, plus the seed and VnExpress pages when ../shared is there."""
    from flows.sample_portal import PortalConfig, SamplePortal
    from flows.sample_portal.render import article_page

    portal = SamplePortal(PortalConfig(count=count, end=date(2026, 11, 20)))
    found = []
    for article in portal.articles:
        url = "http://127.0.0.1:8765" + article.path
        html = article_page(article, url, portal.related(article))
        found.append((html.encode("utf-8"), url))
    seed = shared / "corpus/seed/vo-nhai-nghi-quyet-35.html"
    if seed.exists():
        found.append((seed.read_bytes(), "https://vonhai.thainguyen.gov.vn/tin-tuc-su-kien"))
    fundus = shared / "corpus/vn/vnexpress-fundus/VnExpress_2025_10_22.html.gz"
    if fundus.exists():
        found.append((gzip.decompress(fundus.read_bytes()), "https://vnexpress.net/a.html"))
    return found


def cost(docs: list[tuple[bytes, str]], repeat: int) -> tuple[float, float]:
    """Seconds without facts and with facts, best of ``repeat`` rounds each."""
    best = {False: float("inf"), True: float("inf")}
    for _ in range(repeat):
        for with_facts in (False, True):
            started = time.perf_counter()
            for html, url in docs:
                try:
                    extract(html, url, facts=with_facts)
                except ExtractionError:
                    pass
            best[with_facts] = min(best[with_facts], time.perf_counter() - started)
    return best[False], best[True]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--pages", type=int, default=200, help="sample pages for the cost")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    cases = load_cases()
    print(f"Sentence set: {len(cases)} sentences\n")
    print("| kind | expected | found | precision | recall |")
    print("|---|---|---|---|---|")
    for kind, (tp, fp, fn) in sentence_scores(cases).items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"| {kind} | {tp + fn} | {tp + fp} | {precision:.3f} | {recall:.3f} |")

    docs = pages(args.shared, args.pages)
    without, with_facts = cost(docs, args.repeat)
    print(f"\nExtraction of {len(docs)} Vietnamese article pages, best of {args.repeat}:\n")
    print("| without facts | with facts | ratio |")
    print("|---|---|---|")
    print(f"| {without:.2f} s | {with_facts:.2f} s | {with_facts / without:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
