"""Shared fixtures: the ../shared folder (skipped cleanly when absent)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sample_portal import SamplePortal

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared corpus folder beside the project; skips the test when it is absent."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test harness (a temporary API and database) for the whole session."""
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


PORTAL_END = date(2026, 11, 20)


@pytest.fixture(scope="session")
def portal() -> Iterator[tuple[SamplePortal, str]]:
    """The default sample portal (60 articles over 90 days up to PORTAL_END) on 127.0.0.1."""
    from sample_portal import PortalConfig, SamplePortal

    sample = SamplePortal(PortalConfig(end=PORTAL_END))
    with sample.serve(host="127.0.0.1", port=0) as base_url:
        yield sample, base_url


@pytest.fixture
def write_sources() -> Callable[..., Path]:
    """Writes a sources file whose `sample` entry points at a running sample portal."""
    return _write_sources


def _write_sources(tmp_path: Path, base_url: str, extra_listing: str | None = None) -> Path:
    listings = ["/tin-tuc-su-kien", "/kinh-te", "/van-hoa-xa-hoi"]
    if extra_listing:
        listings.append(extra_listing)
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        "  - name: sample\n"
        f"    base_url: {base_url}\n"
        "    profile: liferay-6.2\n"
        f"    listings: [{', '.join(listings)}]\n"
        "    start_date: 2026-01-01\n"
        "    allow_private: true\n"
        "    rate: 0\n"
        "    retry_backoff: 0\n",
        encoding="utf-8",
    )
    return path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.expected.json from the current output (then read the diff)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden tests rewrite their expected files instead of comparing."""
    return bool(request.config.getoption("--update-golden"))
