"""URL helpers: absolute, browser-style quoted URLs and file extensions of links."""

from __future__ import annotations

import posixpath
from urllib.parse import quote, unquote, urljoin, urlsplit

# Characters left as they are when quoting (as browsers and `requests.requote_uri` do).
_SAFE = "!#$%&'()*+,/:;=?@[]~"


def absolute(href: str | None, base: str) -> str | None:
    """`href` resolved against `base` and quoted (spaces become %20); None if unusable
    (an unclosed IPv6 bracket, a host that is not one: a URL that cannot be split)."""
    if href is None:
        return None
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    try:
        url = quote(urljoin(base, href), safe=_SAFE)
        urlsplit(url)
    except ValueError:  # UnicodeEncodeError (a lone surrogate) included
        return None
    return url


def extension(url: str) -> str:
    """The lowercased extension of the URL's path ('' when it has none)."""
    path = unquote(urlsplit(url).path)
    return posixpath.splitext(path)[1].lower().lstrip(".")
