"""The sources file: the shipped one loads, and every malformed field is named."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.crawling.timeouts import Timeouts
from flows.sources import Source, SourcesError, load_sources

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_sources_load_with_sample_and_vo_nhai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BULLETIN_SAMPLE_URL", raising=False)
    sources = load_sources(ROOT / "sources.yaml")
    assert sources.get("sample") == Source(
        name="sample",
        base_url="http://127.0.0.1:8765",
        listings=("/tin-tuc-su-kien", "/kinh-te", "/van-hoa-xa-hoi"),
        profile="liferay-6.2",
        timezone="Asia/Ho_Chi_Minh",
        initial_lookback_days=120,
        enabled=False,
        allow_private=True,
        rate=0.0,
        retry_backoff=0.0,
        description="Sample district portal (synthetic, Liferay 6.2 markup), served locally",
        front="/",
    )
    vonhai = sources.get("vonhai")
    assert vonhai.listing_urls == ("https://vonhai.thainguyen.gov.vn/tin-tuc-su-kien",)
    assert vonhai.profile == "liferay-6.2"
    assert "sample" not in [s.name for s in sources.select()]  # enabled ones only


def test_environment_values_are_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL", "http://127.0.0.1:9999")
    path = write(
        tmp_path,
        "sources:\n  - name: s\n    base_url: ${PORTAL:-http://x}\n    listings: [/a, b/c]\n"
        "    start_date: 2024-02-01\n",
    )
    source = load_sources(path).get("s")
    assert source.listing_urls == ("http://127.0.0.1:9999/a", "http://127.0.0.1:9999/b/c")
    assert source.start_date == date(2024, 2, 1)
    assert source.hosts == frozenset({"http://127.0.0.1:9999"})  # origins, port included


def test_crawl_settings_are_read_with_their_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n  - name: s\n    base_url: http://h\n    listings: [/a]\n"
        "    concurrency: 4\n    timeouts: {read: 5, total: 30}\n    max_depth: 1\n"
        "    retry_backoff: 600\n  - name: t\n    base_url: http://h\n    listings: [/a]\n",
    )
    sources = load_sources(path)
    s, t = sources.get("s"), sources.get("t")
    assert (s.concurrency, s.timeouts, s.max_depth, s.retry_backoff) == (
        4,
        Timeouts(connect=10.0, read=5.0, total=30.0),
        1,
        600.0,
    )
    assert (t.concurrency, t.timeouts, t.max_depth, t.retry_backoff) == (
        2,
        Timeouts(connect=10.0, read=20.0, total=60.0),
        3,
        3600.0,
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("base_url: http://h\n    listings: [/a]", "source #1: field 'name': required"),
        ("name: s\n    listings: [/a]", "source #1 (s): field 'base_url': required"),
        ("name: s\n    base_url: ftp://h\n    listings: [/a]", "field 'base_url'"),
        ("name: s\n    base_url: http://h\n    listings: []", "source #1 (s): field 'listings'"),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    front: [/]",
            "source #1 (s): field 'front': expected a path or URL, got ['/']",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    profile: joomla",
            "source #1 (s): field 'profile': unknown profile 'joomla'",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    timezone: Mars/Base",
            "source #1 (s): field 'timezone': unknown timezone 'Mars/Base'",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    max_pages: 0",
            "source #1 (s): field 'max_pages': expected a whole number >= 1, got 0",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    start_date: 6/5/2022",
            "source #1 (s): field 'start_date': expected YYYY-MM-DD",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    rate: fast",
            "source #1 (s): field 'rate': expected requests per second >= 0 (0: no limit)",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    allowed_hosts: [http://x/]",
            "source #1 (s): field 'allowed_hosts': expected a list of host names",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    concurrency: 0",
            "source #1 (s): field 'concurrency': expected a whole number >= 1, got 0",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    timeouts: {read: -1}",
            "source #1 (s): field 'timeouts': read: expected seconds > 0, got -1",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    timeouts: {wait: 3}",
            "source #1 (s): field 'timeouts': expected a mapping of connect, read, total",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    retry_backoff: soon",
            "source #1 (s): field 'retry_backoff': expected seconds >= 0, got 'soon'",
        ),
        (
            "name: s\n    base_url: http://h\n    listings: [/a]\n    colour: red",
            "source #1: field 'colour': unknown field",
        ),
    ],
)
def test_malformed_entry_names_file_entry_and_field(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = write(tmp_path, f"sources:\n  - {entry}\n")
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_unknown_source_and_missing_file_are_clear(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  - name: a\n    base_url: http://h\n    listings: [/]\n")
    with pytest.raises(SourcesError, match=r"unknown source\(s\) b; known: a"):
        load_sources(path).select(["b"])
    with pytest.raises(SourcesError, match="cannot read sources file"):
        load_sources(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [\n", encoding="utf-8")
    with pytest.raises(SourcesError, match="not valid YAML"):
        load_sources(bad)
