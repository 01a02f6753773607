"""URL canonicalization."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.crawling.urls import (
    MalformedURL,
    canonical_url,
    check_url,
    trap_reason,
    url_host,
    url_scheme,
)


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
        # an IPv6 literal keeps its brackets
        ("http://[::ffff:169.254.169.254]/v6", "http://[::ffff:169.254.169.254]/v6"),
        ("HTTP://[::1]:80/a?b=1#c", "http://[::1]/a?b=1"),
        ("https://[2001:DB8::1]:8443", "https://[2001:db8::1]:8443/"),
        # a non-ASCII host is IDNA-encoded, %-encoded or not; the path is %-encoded
        ("http://Bücher.de/tin tức", "http://xn--bcher-kva.de/tin%20t%E1%BB%A9c"),
        ("http://b%C3%BCcher.de/a", "http://xn--bcher-kva.de/a"),
        ("http://portal.test/a\x01b|c", "http://portal.test/a%01b%7Cc"),
        ("http://a b@portal.test/", "http://a%20b@portal.test/"),
        ("http://portal.test/%zz?q=%zz", "http://portal.test/%zz?q=%25zz"),
        ("  http://portal.test/a\n  ", "http://portal.test/a"),
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


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "scheme '' is not http or https"),
        ("/tin/a", "scheme '' is not http or https"),
        ("ftp://portal.test/a", "scheme 'ftp' is not http or https"),
        ("javascript:void(0)", "scheme 'javascript' is not http or https"),
        ("http://", "no host"),
        ("http:portal.test/a", "no host"),
        ("http://[::1", "Invalid IPv6 URL"),
        ("http://portal.test]/", "Invalid IPv6 URL"),
        ("http://[v1.x]/", "invalid IPv6 address 'v1.x'"),
        ("http://[::1]x/", "text after the IPv6 address: 'x'"),
        ("http://[::g]/", "'::g' does not appear to be an IPv4 or IPv6 address"),
        ("http://portal.test:99999/", "invalid port '99999'"),
        ("http://portal.test:0/", "invalid port '0'"),
        ("http://portal.test:abc/", "invalid port 'abc'"),
        ("http://[::1]:-1/", "invalid port '-1'"),
        ("http://a b/", "invalid host 'a b'"),
        ("http://a%2Fb/", "invalid host 'a/b'"),
        ("http://a..b/", "invalid host 'a..b'"),
        ("http://xn--zz.test/", "Invalid A-label"),
        ("http://999.1.1.1/", "Invalid IPv4 address: '999.1.1.1'"),
        ("http://portal.test/\ud800", "not valid Unicode"),
        ("http://portal.test/" + "a" * 8200, "longer than 8192 characters (8219)"),
        ("http://" + "a" * 100 + "!/", "invalid host '" + "a" * 60 + "…'"),
    ],
)
def test_a_malformed_url_raises_malformed_url(url: str, reason: str) -> None:
    with pytest.raises(MalformedURL) as caught:
        canonical_url(url)
    assert (caught.value.url, caught.value.reason, str(caught.value)) == (
        url,
        reason,
        f"malformed URL: {reason}",
    )
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("url", "scheme", "host"),
    [
        ("HTTP://Portal.Test:8080/a", "http", "portal.test"),
        ("https://[::1]/a", "https", "::1"),
        ("http://[::1", "http", None),
        ("http://x:99999/", "http", "x"),  # the host is readable; the port is not
        ("mailto:a@b", "mailto", None),
        ("/tin/a", "", None),
        ("http://bücher.de/", "http", "xn--bcher-kva.de"),
        ("http://a%20b/", "http", None),
    ],
)
def test_url_scheme_and_host(url: str, scheme: str, host: str | None) -> None:
    assert (url_scheme(url), url_host(url)) == (scheme, host)


_URLS = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda scheme, host, port, rest: f"{scheme}://{host}{port}{rest}",
        st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
        st.one_of(
            st.sampled_from(["portal.test", "[::1]", "[::1", "bücher.de", "a b", "[v1.x]"]),
            st.text(max_size=10),
        ),
        st.one_of(st.sampled_from(["", ":80", ":0", ":99999", ":x"]), st.text(max_size=4)),
        st.text(max_size=20),
    ),
)


@settings(max_examples=500, deadline=None)
@given(_URLS)
def test_canonical_url_is_a_valid_fixed_point_or_a_malformed_url(url: str) -> None:
    url_scheme(url), url_host(url), trap_reason(url)  # never raise
    try:
        canonical = canonical_url(url)
    except MalformedURL as exc:
        assert exc.reason and "\n" not in exc.reason
        return
    check_url(canonical)
    assert canonical_url(canonical) == canonical
    parsed = httpx.URL(canonical)
    assert parsed.scheme in ("http", "https")
    assert parsed.host
    assert url_host(canonical) == url_host(url) is not None
