"""URL canonicalization: one spelling per page, so that two paths to it are one row.

Lower-cases the scheme and host (a non-ASCII host is IDNA-encoded, an IPv6 literal
keeps its brackets), drops the default port and the fragment, drops session
ids (``;jsessionid=…``, ``jsessionid``, ``p_auth``) and Liferay's render noise
(``p_p_lifecycle``, ``p_p_state``, ``p_p_mode``, ``p_p_col_*``, and a ``p_p_id`` without
parameters of its portlet), drops tracking
parameters (``utm_*``, ``fbclid``, ``gclid``), and orders what is left of the query.

A URL that is not a valid http(s) URL (another scheme, no host, a port out of range,
an unclosed IPv6 bracket, a space in the host, an invalid IDNA label, longer than
``MAX_URL_LENGTH``) raises ``MalformedURL``, a ``ValueError`` that says why.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import httpx

from bulletin.errors import MalformedURL

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
MAX_URL_LENGTH = 8192  # longer URLs are refused (web servers' request lines stop at 8 KB)
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")
_HOSTNAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")
_PATH_SAFE = "!$%&'()*+,/:;=@[]~"  # left as they are in a path; the rest is %-encoded
_USER_SAFE = "!$%&'()*+,;="  # and in a user name


def canonical_url(url: str) -> str:
    """The canonical spelling of ``url``, an http(s) URL that ``httpx`` accepts.

    Raises ``MalformedURL`` when ``url`` is not a valid http(s) URL."""
    parts, scheme, host, port = _split(url)
    netloc = _netloc(host)
    if port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username:
        netloc = f"{quote(parts.username, safe=_USER_SAFE)}@{netloc}"
    try:
        path = quote(_SESSION_IN_PATH.sub("", parts.path), safe=_PATH_SAFE) or "/"
        query = [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in _DROP and not key.lower().startswith("utm_")
        ]
        query = [(key, value) for key, value in query if not _idle_portlet(key, value, query)]
        canonical = urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))
    except UnicodeError:  # a lone surrogate cannot be %-encoded
        raise MalformedURL(url, "not valid Unicode") from None
    _accepted(canonical, url)
    return canonical


def check_url(url: str) -> None:
    """Raise ``MalformedURL`` unless ``url`` is, as it is spelled, a valid http(s) URL
    that ``httpx`` can request."""
    _split(url)
    _accepted(url.strip(), url)


def url_scheme(url: str) -> str:
    """The lower-cased scheme of ``url`` ('' when it has none); never raises."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def url_host(url: str) -> str | None:
    """The host of ``url`` as ``canonical_url`` spells it; None when it has none or its
    host cannot be read. Never raises."""
    try:
        return _host_of(urlsplit(url.strip()), url)
    except ValueError:
        return None


def canonical_host(host: str) -> str:
    """``host`` lower-cased, %-decoded and IDNA-encoded (``bücher.de`` is
    ``xn--bcher-kva.de``); an IPv6 literal without its brackets. Raises
    ``MalformedURL`` when it is not a valid host name or IP address."""
    if ":" in host:  # an IPv6 literal
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise MalformedURL(host, f"invalid IPv6 address {_short(host)}") from None
        return host.lower()
    name = unquote(host, errors="replace").lower() if "%" in host else host.lower()
    if not name.isascii():
        try:
            name = httpx.URL(scheme="http", host=name, path="/").raw_host.decode("ascii")
        except (httpx.InvalidURL, ValueError):  # idna's errors are ValueErrors
            raise MalformedURL(host, f"invalid host {_short(name)}") from None
    if not _HOSTNAME.fullmatch(name):
        raise MalformedURL(host, f"invalid host {_short(name)}")
    return name


def _split(url: str) -> tuple[SplitResult, str, str, int]:
    """The parts of ``url``, its scheme, host (``canonical_host``) and port, checked."""
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise MalformedURL(url, f"longer than {MAX_URL_LENGTH} characters ({len(text)})")
    scheme = url_scheme(text)
    if scheme not in _DEFAULT_PORTS:
        raise MalformedURL(url, f"scheme {scheme!r} is not http or https")
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # an unclosed IPv6 bracket, or a host NFKC turns into '/'
        raise MalformedURL(url, str(exc)) from None
    host = _host_of(parts, url)
    try:
        port = parts.port
    except ValueError:
        port_text = parts.netloc.rpartition("]")[2].rpartition(":")[2]
        raise MalformedURL(url, f"invalid port {_short(port_text)}") from None
    if port == 0:
        raise MalformedURL(url, "invalid port '0'")
    return parts, scheme, host, _DEFAULT_PORTS[scheme] if port is None else port


def _host_of(parts: SplitResult, url: str) -> str:
    """The host of ``parts`` (``canonical_host``); an IP literal in brackets must be an
    IPv6 address followed by nothing but a port."""
    if not parts.hostname:
        raise MalformedURL(url, "no host")
    host_port = parts.netloc.rpartition("@")[2]
    if host_port.startswith("["):
        literal, _, after = host_port[1:].partition("]")
        if ":" not in literal:
            raise MalformedURL(url, f"invalid IPv6 address {_short(literal)}")
        if after and not after.startswith(":"):
            raise MalformedURL(url, f"text after the IPv6 address: {_short(after)}")
    elif "[" in host_port or "]" in host_port:
        raise MalformedURL(url, f"bracket in the host {_short(host_port)}")
    try:
        return canonical_host(parts.hostname)
    except MalformedURL as exc:
        raise MalformedURL(url, exc.reason) from None


def _netloc(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _accepted(url: str, original: str) -> None:
    """Raise ``MalformedURL`` unless httpx takes ``url`` as an http(s) URL with a host."""
    try:
        parsed = httpx.URL(url)
        host = parsed.host  # decodes (and so checks) the IDNA labels
    except (httpx.InvalidURL, ValueError) as exc:  # IDNA and Unicode errors included
        raise MalformedURL(original, str(exc)) from None
    if parsed.scheme not in _DEFAULT_PORTS or not host:
        raise MalformedURL(original, "not an absolute http(s) URL")


def _short(text: str, limit: int = 60) -> str:
    """``text`` quoted for a reason, cut to ``limit`` characters."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


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
    path), or None (a URL that cannot be read is no trap: fetching it says why)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    segments = [seg for seg in path.split("/") if seg]
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
