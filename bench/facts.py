"""Facts: precision and recall over our sentence set, what facts cost extraction, and
how that cost grows with the size of an article.

    python -m bench.facts [--shared ../shared] [--repeat 3] [--sizes 32 64 128 256 512]

The sentence set is ``tests/data/facts_sentences.yaml``. The cost is the time of
``extract(..., facts=True)`` over ``extract(..., facts=False)`` on the same pages in
the same run, on Vietnamese article pages (the sample portal's, the seed and VnExpress).
The growth curve extracts one synthetic article per size, dense with quantities (a
quantity every 60 bytes or so, with document numbers, dates and quoted officials), as
paragraphs of sentences and as one paragraph without a full stop (one long sentence);
its time per KB should not grow with the size (largest / smallest near 1: linear).
"""

from __future__ import annotations

import argparse
import gzip
import random
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
    from sample_portal import PortalConfig, SamplePortal
    from sample_portal.render import article_page

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


# Bulletin sentences full of quantities; every {field} is drawn at random. Those without a
# period ("năm 2024") come first: the text without full stops uses only them, so that no
# sentence gives its period early and each lookup would read the whole text.
_DENSE = (
    "Tỷ lệ kết nạp đoàn viên đạt trên {pct}%, {a}/{b} cơ sở đoàn hoàn thành chỉ tiêu.",
    "Huyện đã tổ chức {big} lượt tuyên truyền cho {n} người dân theo Kế hoạch số "
    "{doc}/KH-UBND ngày {day}/{month}/2023.",
    "Tổng kinh phí hỗ trợ khoảng {n},5 tỷ đồng, trong đó ngân sách tỉnh {n} triệu đồng.",
    "Thực hiện Nghị quyết số {doc}-NQ/TU, toàn huyện có {big} hộ thoát nghèo, giảm "
    "{a},2% so với cùng kỳ.",
    "Đồng chí Nguyễn Văn {given}, Phó Chủ tịch UBND huyện cho biết: “Đã có {big} lượt cán "
    "bộ tham gia”.",
    "Các xã đã trồng mới {n} ha rừng, hơn {big} cây chè và {a} mô hình kinh tế.",
)
_DATED = (
    "Năm 2024, {a}/{b} xã, thị trấn đạt chuẩn nông thôn mới, tăng {a} xã so với năm 2023.",
    "Trong {a} tháng đầu năm 2024, toàn huyện thu ngân sách {n},8 tỷ đồng, đạt {pct}% dự toán.",
)
_GIVEN = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Long", "Minh", "Nam", "Sơn", "Tâm")


def dense_text(kb: int, full_stops: bool = True) -> list[str]:
    """About ``kb`` KB (UTF-8) of number-dense Vietnamese text, as paragraphs of six
    sentences; ``full_stops=False``: one paragraph, no . ! ? and no period named."""
    rng = random.Random(kb)
    templates = _DENSE + _DATED if full_stops else _DENSE
    paragraphs: list[str] = []
    sentences: list[str] = []
    size = 0
    while size < kb * 1024:
        sentence = rng.choice(templates).format(
            pct=rng.randint(50, 99),
            a=rng.randint(1, 29),
            b=29,
            n=rng.randint(10, 900),
            big=f"{rng.randint(1, 9)}.{rng.randint(100, 999)}",
            doc=rng.randint(1, 999),
            day=rng.randint(1, 28),
            month=rng.randint(1, 12),
            given=rng.choice(_GIVEN),
        )
        if not full_stops:
            sentence = sentence.replace(".", "").replace("!", "").replace("?", "")
        sentences.append(sentence)
        size += len(sentence.encode("utf-8")) + 1
        if full_stops and len(sentences) == 6:
            paragraphs.append(" ".join(sentences))
            sentences = []
    paragraphs.append(" ".join(sentences))
    return [p for p in paragraphs if p]


def dense_page(kb: int, full_stops: bool = True) -> bytes:
    """An article page around ``dense_text(kb, full_stops)``."""
    paragraphs = "".join(f"<p>{p}</p>" for p in dense_text(kb, full_stops))
    return (
        '<html lang="vi"><head><meta charset="utf-8"><title>Kết quả năm 2024</title></head>'
        "<body><h1>Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội</h1>"
        f'<div class="content">{paragraphs}</div></body></html>'
    ).encode()


def growth(sizes: list[int], repeat: int) -> list[tuple[str, int, int, float]]:
    """(text, KB, stats found, best CPU seconds of ``extract``) for each size, for the
    paragraphed text and the text without full stops."""
    found = []
    for label, full_stops in (("paragraphs", True), ("no full stop", False)):
        for kb in sizes:
            html = dense_page(kb, full_stops)
            best = float("inf")
            for _ in range(repeat):
                started = time.process_time()
                article = extract(html, "https://vonhai.thainguyen.gov.vn/tin-tuc/a")
                best = min(best, time.process_time() - started)
            found.append((label, len(html) // 1024, len(article.stats), best))
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
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[32, 64, 128, 256, 512], help="KB, growth"
    )
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

    curve = growth(sorted(args.sizes), args.repeat)
    print(f"\nGrowth: one number-dense article per size, CPU time, best of {args.repeat}:\n")
    print("| text | page KB | stats | seconds | ms per KB |")
    print("|---|---|---|---|---|")
    for label, kb, stats, seconds in curve:
        print(f"| {label} | {kb} | {stats} | {seconds:.3f} | {seconds * 1000 / kb:.2f} |")
    print()
    for label in dict.fromkeys(row[0] for row in curve):
        rows_ = [row for row in curve if row[0] == label]
        small, large = rows_[0], rows_[-1]
        ratio = (large[3] / large[1]) / (small[3] / small[1])
        print(f"{label}: time per KB at {large[1]} KB / at {small[1]} KB = {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
