"""URL helpers: absolute, browser-style quoted URLs and file extensions of links."""

from __future__ import annotations

import posixpath
from urllib.parse import quote, unquote, urljoin, urlsplit

# Characters left as they are when quoting (as browsers and `requests.requote_uri` do).
_SAFE = "!#$%&'()*+,/:;=?@[]~"


def absolute(href: str | None, base: str) -> str | None:
    """`href` resolved against `base` and quoted (spaces become %20); None if unusable."""
    if href is None:
        return None
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    return quote(urljoin(base, href), safe=_SAFE)


def extension(url: str) -> str:
    """The lowercased extension of the URL's path ('' when it has none)."""
    path = unquote(urlsplit(url).path)
    return posixpath.splitext(path)[1].lower().lstrip(".")
