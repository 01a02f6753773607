"""Deep nesting: what extracting a page of n nested divs costs, against a flat page of the
same n elements (linear when the two grow alike).

    python -m bench.nesting [--depths 1000 16000 32000 200000] [--quick]

Each page holds an article paragraph at the bottom of the chain (or after the flat
divs); the time is the CPU time of one ``extract`` (the machine's other processes do not
count), after one warm-up extraction.
"""

from __future__ import annotations

import argparse
import time

from extractors import ExtractionError, extract

_HEAD = "<html><head><title>Tin</title></head><body><h1>Tiêu đề bài viết thử độ sâu</h1>"
_PARAGRAPH = "<p>" + "Nội dung bài viết đạt trên 90% kế hoạch năm 2024. " * 5 + "</p>"


def nested_page(depth: int) -> str:
    return _HEAD + "<div>" * depth + _PARAGRAPH + "</div>" * depth + "</body></html>"


def flat_page(count: int) -> str:
    return _HEAD + "<div></div>" * count + _PARAGRAPH + "</body></html>"


def cost(html: str) -> tuple[float, str]:
    """CPU seconds of one extraction, and its outcome (body characters or the reason)."""
    started = time.process_time()
    try:
        outcome = f"{len(extract(html, 'https://p.test/a').body_text)} chars of body"
    except ExtractionError as exc:
        outcome = exc.reason
    return time.process_time() - started, outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--depths", type=int, nargs="+", default=[1000, 16000, 32000, 200000])
    parser.add_argument("--quick", action="store_true", help="up to 32,000 levels")
    args = parser.parse_args(argv)
    depths = [d for d in args.depths if not args.quick or d <= 32000]
    cost(nested_page(10))  # warm-up: imports, compiled selectors
    print("| depth | page KB | nested s | flat s | nested ms per 1,000 | outcome |")
    print("|---|---|---|---|---|---|")
    for depth in depths:
        html = nested_page(depth)
        nested, outcome = cost(html)
        flat, _ = cost(flat_page(depth))
        per = nested * 1e6 / depth
        print(
            f"| {depth} | {len(html.encode()) // 1024} | {nested:.2f} | {flat:.2f} "
            f"| {per:.1f} | {outcome} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
