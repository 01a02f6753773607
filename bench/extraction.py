"""Extraction side by side: ours and trafilatura, in the same run, on the same pages.

    python -m bench.extraction [--limit N] [--half A|B] [--only NAME] [--json FILE]
                               [--pages FILE] [--shared ../shared]

Scores body precision/recall/F1 (bench.scoring), title exact match, date-day match and
pages/s on ``corpus/wcxb-dev``, then body F1 on the Vietnamese pages with ground truth.
The two extractors alternate page by page so machine noise falls on both alike.
trafilatura is a benchmark-only dependency (``pip install -e '.[bench]'``).

``wcxb-dev`` is split by site into two fixed halves, A and B (``half_of``: the first
byte of the SHA-256 of the page's host, less a leading ``www.``, even for A), reported
apart and whole, each against the targets of issue 17 (body F1 at least trafilatura's +
0.015, title exact ≥ 0.78, date-day at least trafilatura's, pages/s ≥ 1.1 × its). Tune
the generic extractor on one half and keep a change only if the other half's F1 does not
drop: no page of a site is in both halves.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.scoring import PageScore, score_corpus, score_page

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Output:
    """What an extractor produced for one page, in the scored shape."""

    text: str
    title: str | None
    day: str | None
    failed: bool = False  # the extractor gave up on the page ("no body text found", ...)


@dataclass(slots=True)
class Tally:
    """One extractor's running totals."""

    name: str
    seconds: float = 0.0
    scores: list[PageScore] = field(default_factory=list)
    titles: int = 0
    title_pages: int = 0
    days: int = 0
    day_pages: int = 0
    errors: int = 0  # pages it crashed on or gave up on

    @staticmethod
    def merged(parts: Sequence[Tally]) -> Tally:
        """One extractor's tallies of several parts (same name) as one."""
        whole = Tally(parts[0].name)
        for part in parts:
            whole.seconds += part.seconds
            whole.scores += part.scores
            whole.titles += part.titles
            whole.title_pages += part.title_pages
            whole.days += part.days
            whole.day_pages += part.day_pages
            whole.errors += part.errors
        return whole


def ours(html: bytes, url: str) -> Output:
    from extractors import ExtractionError, extract

    try:
        article = extract(html, url)
    except ExtractionError:
        return Output("", None, None, failed=True)
    text = "\n\n".join(t for t in (article.lead, article.body_text) if t)
    day = article.published_at.date().isoformat() if article.published_at else None
    return Output(text, article.title, day)


def trafilatura_extractor(html: bytes, url: str) -> Output:
    import trafilatura

    doc: Any = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return Output("", None, None, failed=True)
    date = doc.date[:10] if doc.date else None
    return Output(doc.text or "", doc.title, date)


EXTRACTORS: dict[str, Callable[[bytes, str], Output]] = {
    "bulletin": ours,
    "trafilatura": trafilatura_extractor,
}


def _same(a: str | None, b: str | None) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).split())

    return a is not None and b is not None and norm(a) == norm(b)


HALVES = ("A", "B")
# Issue 17's targets, on each half.
F1_MARGIN, TITLE_TARGET, SPEED_TARGET = 0.015, 0.78, 1.1

Page = tuple[str, bytes, dict[str, str]]  # url, html, ground truth


def half_of(url: str) -> str:
    """The fixed half (A or B) of a page's site: every page of a host is in one half."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return HALVES[hashlib.sha256(host.encode()).digest()[0] % 2]


def load_wcxb(shared: Path, limit: int | None) -> list[Page]:
    pages = []
    for truth_path in sorted((shared / "corpus/wcxb-dev/ground-truth").glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        gt = truth["ground_truth"]
        if not gt.get("main_content"):
            continue
        html = gzip.decompress(
            (shared / "corpus/wcxb-dev/html" / f"{truth_path.stem}.html.gz").read_bytes()
        )
        pages.append((truth["url"], html, gt))
        if limit and len(pages) >= limit:
            break
    return pages


def run_wcxb(pages: Sequence[Page], names: list[str]) -> list[Tally]:
    tallies = [Tally(n) for n in names]
    for index, (url, html, gt) in enumerate(pages):
        order = tallies if index % 2 == 0 else tallies[::-1]
        for tally in order:
            started = time.perf_counter()
            try:
                out = EXTRACTORS[tally.name](html, url)
            except Exception:  # a crash scores as an empty extraction, and is counted
                tally.errors += 1
                out = Output("", None, None)
            tally.seconds += time.perf_counter() - started
            tally.errors += out.failed
            tally.scores.append(score_page(gt["main_content"], out.text))
            if gt.get("title"):
                tally.title_pages += 1
                tally.titles += _same(out.title, gt["title"])
            if gt.get("publish_date"):
                tally.day_pages += 1
                tally.days += out.day == gt["publish_date"][:10]
    return tallies


def vietnamese_pages(shared: Path) -> list[tuple[str, str, bytes, str]]:
    """(name, url, html, truth text) for the Vietnamese pages with ground truth."""
    pages = []
    gold_path = shared / "gold/seed-vo-nhai.json"
    if gold_path.exists():
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        html = (shared / "corpus/seed/vo-nhai-nghi-quyet-35.html").read_bytes()
        truth = "\n\n".join([gold["lead"], *gold["body_paragraphs"]])
        pages.append(("seed (Võ Nhai)", gold["url"], html, truth))
    fundus = shared / "corpus/vn/vnexpress-fundus"
    if fundus.exists():
        data = json.loads((fundus / "VnExpress.json").read_text(encoding="utf-8"))["V1"]
        captions = {f"{img['caption']} Ảnh: {', '.join(img['authors'])}" for img in data["images"]}
        paragraphs = [
            p
            for section in data["body"]["sections"]
            for p in section["paragraphs"]
            if p not in captions
        ]
        truth = "\n\n".join([*data["body"]["summary"], *paragraphs])
        meta = json.loads((fundus / "meta.info").read_text(encoding="utf-8"))
        url = next(iter(meta.values()))["url"]
        html = gzip.decompress((fundus / "VnExpress_2025_10_22.html.gz").read_bytes())
        pages.append(("vnexpress (fundus)", url, html, truth))
    return pages


def per_page(halves: dict[str, list[Page]], tallied: dict[str, list[Tally]]) -> dict[str, object]:
    """Each page's scores by extractor, and each half's body F1 unrounded."""
    pages: list[dict[str, object]] = []
    f1: dict[str, dict[str, float]] = {}
    for half, tallies in tallied.items():
        f1[half] = {t.name: score_corpus(t.scores).f1 for t in tallies}
        for number, (url, _, _) in enumerate(halves[half]):
            scores = {t.name: t.scores[number] for t in tallies}
            pages.append(
                {
                    "url": url,
                    "half": half,
                    **{n: {"p": s.precision, "r": s.recall} for n, s in scores.items()},
                }
            )
    return {"f1": f1, "pages": pages}


def report(label: str, pages: Sequence[Page], tallies: list[Tally]) -> dict[str, object]:
    """Print one part's table (and, with both extractors, the targets); its figures."""
    sites = {urlsplit(url).hostname for url, _, _ in pages}
    print(f"{label}: {len(pages)} pages with main content, {len(sites)} sites\n")
    print("| extractor | body P | body R | body F1 | title exact | date-day | pages/s | errors |")
    print("|---|---|---|---|---|---|---|---|")
    figures: dict[str, Any] = {"pages": len(pages), "sites": len(sites)}
    for t in tallies:
        corpus = score_corpus(t.scores)
        row = {
            "precision": round(corpus.precision, 4),
            "recall": round(corpus.recall, 4),
            "f1": round(corpus.f1, 4),
            "title_exact": round(t.titles / t.title_pages, 4) if t.title_pages else None,
            "date_day": round(t.days / t.day_pages, 4) if t.day_pages else None,
            "pages_per_s": round(len(pages) / t.seconds, 2) if t.seconds else None,
            "errors": t.errors,
        }
        figures[t.name] = row
        print(
            f"| {t.name} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
            f"{row['title_exact']:.3f} | {row['date_day']:.3f} | {row['pages_per_s']:.1f} | "
            f"{t.errors} |"
        )
    if len(tallies) == 2 and tallies[0].seconds and tallies[1].seconds:
        ratio = tallies[1].seconds / tallies[0].seconds
        print(f"\nspeed, {tallies[0].name} / {tallies[1].name}: {ratio:.2f}x")
        figures["speed_ratio"] = round(ratio, 3)
        ours_row, theirs = figures[tallies[0].name], figures[tallies[1].name]
        checks = {
            f"body F1 ≥ {tallies[1].name} + {F1_MARGIN}": ours_row["f1"]
            >= theirs["f1"] + F1_MARGIN,
            f"title exact ≥ {TITLE_TARGET}": (ours_row["title_exact"] or 0) >= TITLE_TARGET,
            f"date-day ≥ {tallies[1].name}": (ours_row["date_day"] or 0)
            >= (theirs["date_day"] or 0),
            f"pages/s ≥ {SPEED_TARGET} × {tallies[1].name}": ratio >= SPEED_TARGET,
        }
        print(
            "targets: "
            + "; ".join(f"{name}: {'met' if met else 'MISSED'}" for name, met in checks.items())
        )
        figures["targets_met"] = {name: bool(met) for name, met in checks.items()}
    print()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--limit", type=int, help="score only the first N wcxb pages")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), help="run one extractor")
    parser.add_argument(
        "--half", choices=HALVES, help="only the pages of one half of wcxb-dev (by site)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--pages",
        type=Path,
        help="also write each page's half, precision and recall per extractor as JSON "
        "(to compare two versions page by page, or a half's F1 to more decimals)",
    )
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(EXTRACTORS)

    pages = load_wcxb(args.shared, args.limit)
    if args.half:
        pages = [page for page in pages if half_of(page[0]) == args.half]
    results: dict[str, object] = {"pages": len(pages)}
    halves = {h: [p for p in pages if half_of(p[0]) == h] for h in HALVES}
    tallied = {h: run_wcxb(part, names) for h, part in halves.items() if part}
    whole = [Tally.merged([tallied[h][k] for h in tallied]) for k in range(len(names))]
    results["wcxb-dev"] = report("wcxb-dev", pages, whole)
    for h, tallies in tallied.items():
        if not args.half:
            results[f"half {h}"] = report(f"half {h}", halves[h], tallies)

    if args.pages:
        args.pages.write_text(json.dumps(per_page(halves, tallied), indent=1), encoding="utf-8")

    vn = vietnamese_pages(args.shared)
    if vn:
        print("\nVietnamese pages with ground truth, body F1 (lead + body):\n")
        print("| page | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for name, url, html, truth in vn:
            cells = []
            for extractor in names:
                s = score_page(truth, EXTRACTORS[extractor](html, url).text)
                f1 = score_corpus([s]).f1
                cells.append(f"{f1:.3f}")
                results[f"vn:{name}:{extractor}"] = round(f1, 4)
            print(f"| {name} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
