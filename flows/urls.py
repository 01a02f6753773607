"""URL canonicalization: one spelling per page, so that two paths to it are one row.

Lower-cases the scheme and host, drops the default port and the fragment, drops session
ids (``;jsessionid=…``, ``jsessionid``, ``p_auth``) and Liferay's render noise
(``p_p_lifecycle``, ``p_p_state``, ``p_p_mode``, ``p_p_col_*``, and a ``p_p_id`` without
parameters of its portlet), drops tracking
parameters (``utm_*``, ``fbclid``, ``gclid``), and orders what is left of the query.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_DROP = frozenset(
    {
        "jsessionid",
        "phpsessid",
        "sid",
        "p_auth",
        "p_p_auth",
        "p_p_lifecycle",
        "p_p_state",
        "p_p_mode",
        "p_p_col_id",
        "p_p_col_pos",
        "p_p_col_count",
        "fbclid",
        "gclid",
    }
)
_SESSION_IN_PATH = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The canonical spelling of ``url``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = _SESSION_IN_PATH.sub("", parts.path) or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _DROP and not key.lower().startswith("utm_")
    ]
    query = [(key, value) for key, value in query if not _idle_portlet(key, value, query)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def _idle_portlet(key: str, value: str, query: list[tuple[str, str]]) -> bool:
    """A Liferay ``p_p_id`` that no parameter of its namespace (``_{id}_…``) goes with
    names a portlet and asks it nothing: the page is the same without it."""
    if key.lower() != "p_p_id":
        return False
    namespace = f"_{value}_"
    return not any(k.startswith(namespace) for k, _ in query)


MAX_SEGMENTS = 12
MAX_REPEATS = 3


def trap_reason(url: str) -> str | None:
    """Why ``url`` looks like a crawler trap (a path loop such as /en/en/en/, an endless
    path), or None."""
    segments = [seg for seg in urlsplit(url).path.split("/") if seg]
    if len(segments) > MAX_SEGMENTS:
        return f"crawler trap: path of {len(segments)} segments"
    run = 1
    for previous, segment in zip(segments, segments[1:], strict=False):
        run = run + 1 if segment == previous else 1
        if run >= MAX_REPEATS:
            return f"crawler trap: path segment {segment!r} repeated {run} times"
    for size in (2, 3):  # /a/b/a/b/a/b
        for start in range(len(segments) - size * MAX_REPEATS + 1):
            block = segments[start : start + size]
            if all(
                segments[start + k * size : start + (k + 1) * size] == block
                for k in range(MAX_REPEATS)
            ):
                return f"crawler trap: path segments {'/'.join(block)!r} repeated"
    return None
