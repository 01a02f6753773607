"""URL canonicalization."""

from __future__ import annotations

import pytest

from flows.urls import canonical_url, trap_reason


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://VoNhai.ThaiNguyen.gov.vn:443/tin-tuc/-/asset_publisher/Hq3T/content/a#top",
            "https://vonhai.thainguyen.gov.vn/tin-tuc/-/asset_publisher/Hq3T/content/a",
        ),
        (
            "http://portal.test/tin-tuc;jsessionid=AB12CD?b=2&a=1",
            "http://portal.test/tin-tuc?a=1&b=2",
        ),
        (
            "http://portal.test/kinh-te?p_p_id=101&p_p_lifecycle=0&p_p_state=normal"
            "&p_p_mode=view&p_p_col_id=column-1&p_p_col_pos=1&p_p_col_count=2"
            "&_101_delta=10&_101_cur=2&p_auth=x9Y&utm_source=fb&fbclid=Zz",
            "http://portal.test/kinh-te?_101_cur=2&_101_delta=10&p_p_id=101",
        ),
        (  # a portlet named and asked nothing is the page itself
            "http://portal.test/kinh-te/-/asset_publisher/Ab1/content/tin-1?p_p_id=101"
            "&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view",
            "http://portal.test/kinh-te/-/asset_publisher/Ab1/content/tin-1",
        ),
        ("http://portal.test:8080", "http://portal.test:8080/"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://p.test/tin-tuc/-/asset_publisher/Hq3T/content/bai-viet", None),
        ("http://p.test/en/en/en/tin-tuc", "crawler trap: path segment 'en' repeated 3 times"),
        ("http://p.test/a/b/a/b/a/b/c", "crawler trap: path segments 'a/b' repeated"),
        (
            "http://p.test/" + "/".join(f"s{i}" for i in range(13)),
            "crawler trap: path of 13 segments",
        ),
        ("http://p.test/2024/05/05/tin", None),
    ],
)
def test_trap_reason(url: str, reason: str | None) -> None:
    assert trap_reason(url) == reason
