"""Which site a link leads to: the page's own, or another."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin, urlsplit


def same_site(href: object, url: str) -> bool:
    """Whether a link's target is on the site of `url` (its domain, subdomains aside)."""
    if not isinstance(href, str):
        return False
    try:
        target = urlsplit(urljoin(url, href.strip())).hostname
    except ValueError:  # an unclosed IPv6 bracket: no host of ours
        return False
    return _site(target) == _site(urlsplit(url).hostname)


@lru_cache(maxsize=4096)
def other_site(href: str, url: str) -> bool:
    """Whether a link leads to a page on another site than `url`'s (not a relative link,
    an anchor, a mailto: or a script). Cached: a body's links are asked about twice."""
    try:
        target = urlsplit(urljoin(url, href.strip()))
    except ValueError:
        return False
    return (
        target.scheme in ("http", "https")
        and bool(target.hostname)
        and (_site(target.hostname) != _site(urlsplit(url).hostname))
    )


def _site(host: str | None) -> str:
    """The registered domain of a host, roughly: its last two labels, or three under a
    country's second level ("example.co.uk", "example.com.vn")."""
    labels = (host or "").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])
