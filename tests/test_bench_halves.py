"""The fixed split of wcxb-dev by site (``bench.extraction.half_of``): deterministic, by
host, and no site in both halves, so that a change tuned on one half is judged on the
other."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.extraction import HALVES, half_of, load_wcxb


def test_a_site_has_one_half_whatever_its_page_or_www() -> None:
    assert half_of("https://www.example.org/a") == half_of("http://example.org/b?c=1")
    assert half_of("https://EXAMPLE.org/") == half_of("https://example.org/")
    # Fixed by the host's SHA-256, not by the run: these stay where they are.
    assert [half_of(f"https://{host}/") for host in ("example.org", "vnexpress.net")] == [
        "B",
        "A",
    ]


def test_the_halves_of_wcxb_dev_share_no_site(shared_dir: Path) -> None:
    pages = load_wcxb(shared_dir, None)
    if not pages:
        pytest.skip("no wcxb-dev pages")
    by_host: dict[str, set[str]] = {}
    for url, _, _ in pages:
        host = url.split("/")[2].lower().removeprefix("www.")
        by_host.setdefault(host, set()).add(half_of(url))
    assert all(len(found) == 1 for found in by_host.values())
    sizes = sorted(sum(half_of(url) == h for url, _, _ in pages) for h in HALVES)
    assert sizes[0] > 0.3 * len(pages)  # neither half is a sliver


def test_per_page_scores_keep_each_page_with_its_half() -> None:
    from bench.extraction import Tally, per_page
    from bench.scoring import PageScore

    pages = {
        "A": [("https://a.example/1", b"", {}), ("https://a.example/2", b"", {})],
        "B": [("https://b.example/1", b"", {})],
    }
    tallies = {
        "A": [Tally("bulletin", scores=[PageScore(1.0, 0.5), PageScore(0.5, None)])],
        "B": [Tally("bulletin", scores=[PageScore(None, 0.0)])],
    }
    found = per_page(pages, tallies)
    assert found["pages"] == [
        {"url": "https://a.example/1", "half": "A", "bulletin": {"p": 1.0, "r": 0.5}},
        {"url": "https://a.example/2", "half": "A", "bulletin": {"p": 0.5, "r": None}},
        {"url": "https://b.example/1", "half": "B", "bulletin": {"p": None, "r": 0.0}},
    ]
    # A: mean precision 0.75, mean recall 0.5 (the page with none left out)
    assert found["f1"] == {"A": {"bulletin": 2 * 0.75 * 0.5 / 1.25}, "B": {"bulletin": 0.0}}
