"""The facts extractors against our own sentence set, and the seed page's gold facts."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from bench.facts import load_cases, rows
from extractors.facts import extract_facts

CASES = load_cases()


def test_the_set_is_large_and_covers_each_kind() -> None:
    assert len(CASES) >= 60
    for key in ("stats", "docs", "people"):
        assert sum(1 for c in CASES if c.get(key)) >= 9
    assert sum(1 for c in CASES if not any(c.get(k) for k in ("stats", "docs", "people"))) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_sentence(case: dict[str, Any]) -> None:
    got = rows(extract_facts(None, unicodedata.normalize("NFC", case["text"])))
    want = {k: [tuple(r) for r in case.get(k) or []] for k in ("stats", "docs", "people")}
    assert got == want


def test_seed_page_facts(shared_dir: Path) -> None:
    gold = json.loads((shared_dir / "gold" / "seed-vo-nhai.json").read_text(encoding="utf-8"))
    facts = extract_facts(
        gold["lead"], "\n\n".join(gold["body_paragraphs"]), [f["caption"] for f in gold["figures"]]
    )
    for want in gold["stats"]:
        assert any(
            s.value == want["value"]
            and s.qualifier == want["qualifier"]
            and s.total == want.get("total")
            and (s.unit or "").startswith(want["unit_head"])
            for s in facts.stats
        ), want
    assert not [s for s in facts.stats if s.value in gold["stats_must_not_values"]]
    assert [
        {
            "number": d.number,
            "type_code": d.type_code,
            "type_name": d.type_name,
            "issuer_code": d.issuer_code,
            "issued_on": d.issued_on.isoformat() if d.issued_on else None,
        }
        for d in facts.doc_refs
    ] == gold["documents"]
    assert [{"name": p.name, "title": p.title} for p in facts.people] == gold["people"]


def test_vnexpress_page_ranges_and_rates(shared_dir: Path) -> None:
    import gzip

    from extractors import extract

    folder = shared_dir / "corpus" / "vn" / "vnexpress-fundus"
    html = gzip.decompress((folder / "VnExpress_2025_10_22.html.gz").read_bytes())
    article = extract(html, "https://vnexpress.net/dau-bung-keo-dai-4954454.html")
    found = {s.text: (s.value, s.value_high, s.total, s.unit, s.qualifier) for s in article.stats}
    assert found["khoảng 15-25%"] == (15, 25, None, "%", "~")
    assert found["gần 5%"] == (5, None, None, "%", "~")
    assert found["0,2-1%"] == (0.2, 1, None, "%", "=")
    assert found["khoảng 5,6 ca trên 100.000 dân"] == (5.6, None, None, "ca trên 100.000 dân", "~")
    assert 100000 not in [s.value for s in article.stats]
