"""Where a source's requests may go: its allowlist of hosts, and public addresses only
unless the source allows private ones (the sample portal on 127.0.0.1 does)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flows.politeness import Refused

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
    """Refuses URLs outside the allowlist, and private addresses unless allowed."""

    def __init__(
        self,
        allowed_hosts: Iterable[str],
        *,
        allow_private: bool = False,
        resolver: Resolver = resolve,
    ) -> None:
        self.allowed = {h.lower() for h in allowed_hosts}
        self.allow_private = allow_private
        self.resolver = resolver
        self._checked: dict[str, str | None] = {}

    def check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Refused(f"scheme {parts.scheme!r} is not fetched")
        host = (parts.hostname or "").lower()
        if host not in self.allowed:
            raise Refused(f"host {host} is not in the source's allowed hosts")
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
