"""Where a source's requests may go: its allowlist of origins (scheme, host and port),
and public addresses only unless the source allows private ones (the sample portal on
127.0.0.1 does)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flows.crawling.origins import Origin, allowed_origins, format_origin, origin_of
from flows.crawling.politeness import Refused

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """The addresses ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host).compressed]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return []  # unresolvable: the request itself will fail and say so
    return sorted({str(info[4][0]) for info in infos})


class HostGuard:
    """Refuses URLs outside the allowlist of origins, and private addresses unless allowed.

    Each entry of ``allowed`` is an origin or a bare host, as ``allowed_origins`` reads
    it: ``http://127.0.0.1:8765`` allows that port alone, ``https://portal.gov.vn`` and
    ``portal.gov.vn`` the host on the default ports of http and https.
    """

    def __init__(
        self,
        allowed: Iterable[str],
        *,
        allow_private: bool = False,
        resolver: Resolver = resolve,
    ) -> None:
        self.allowed: frozenset[Origin] = frozenset().union(*map(_origins, allowed))
        self.allowed_hosts = {host for _, host, _ in self.allowed}
        self.allow_private = allow_private
        self.resolver = resolver
        self._checked: dict[str, str | None] = {}

    def check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Refused(f"scheme {parts.scheme!r} is not fetched")
        try:
            origin = origin_of(url)
        except ValueError:
            raise Refused(f"no valid host and port in {url}") from None
        host = origin[1]
        if host not in self.allowed_hosts:
            raise Refused(f"host {host} is not in the source's allowed hosts")
        if origin not in self.allowed:
            others = ", ".join(sorted(format_origin(o) for o in self.allowed if o[1] == host))
            raise Refused(
                f"origin {format_origin(origin)} is not one of the source's allowed "
                f"origins for {host} ({others})"
            )
        if host not in self._checked:
            self._checked[host] = self._private_reason(host)
        reason = self._checked[host]
        if reason is not None:
            raise Refused(reason)

    def _private_reason(self, host: str) -> str | None:
        if self.allow_private:
            return None
        for address in self.resolver(host):
            ip = ipaddress.ip_address(address)
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
                return (
                    f"host {host} resolves to the private address {address}; "
                    "the source does not allow private addresses"
                )
        return None


def _origins(entry: str) -> frozenset[Origin]:
    """What an allowlist entry allows; nothing for one that names no http(s) origin (a
    request there is refused, and says so)."""
    try:
        return allowed_origins(entry)
    except ValueError:
        return frozenset()
