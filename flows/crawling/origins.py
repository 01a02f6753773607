"""Origins: the scheme, host and port a URL is served from (RFC 6454), with the default
ports made explicit, so that ``http://x`` and ``http://x:80`` are one origin."""

from __future__ import annotations

from urllib.parse import urlsplit

Origin = tuple[str, str, int]  # scheme, lowercased host, port

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> Origin:
    """The origin of an http(s) URL; raises ``ValueError`` for any other scheme, a URL
    without a host or an invalid port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError(f"no host in {url!r}")
    port = parts.port  # raises ValueError when out of range or not a number
    return scheme, host, port if port is not None else DEFAULT_PORTS[scheme]


def format_origin(origin: Origin) -> str:
    """``scheme://host[:port]``, the port left out when it is the scheme's default."""
    scheme, host, port = origin
    netloc = f"[{host}]" if ":" in host else host
    if port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"


def normalized_origin(url: str) -> str:
    """``format_origin(origin_of(url))``; for a URL that has no origin, its scheme and
    network location as written."""
    try:
        return format_origin(origin_of(url))
    except ValueError:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"


def allowed_origins(entry: str) -> frozenset[Origin]:
    """The origins one allowlist entry stands for.

    An entry is an origin (``https://host``, ``http://host:8080``) or a bare host
    (``host``, ``host:8080``). A bare host, and an origin on its scheme's default port,
    stand for the host on both default ports (``http://host`` and ``https://host``: the
    one web server, upgraded or not); an origin on another port stands for itself alone,
    and a bare ``host:port`` for that port on either scheme.
    """
    text = entry.strip().lower()
    if "://" in text:
        scheme, host, port = origin_of(text)
        if port == DEFAULT_PORTS[scheme]:
            return frozenset((s, host, p) for s, p in DEFAULT_PORTS.items())
        return frozenset({(scheme, host, port)})
    _, host, _ = origin_of(f"http://{text}")
    given = urlsplit(f"http://{text}").port
    if given is None:
        return frozenset((s, host, p) for s, p in DEFAULT_PORTS.items())
    return frozenset((s, host, given) for s in DEFAULT_PORTS)
