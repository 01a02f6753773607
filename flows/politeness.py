"""Politeness per host: robots.txt (with its crawl-delay), a request rate, and a circuit
breaker that skips a host for the rest of the run after repeated failures.

One ``Politeness`` serves one run of one source; the fetch loop asks it before every
request (``before``) and tells it how the request went (``record``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from protego import Protego

BREAKER_THRESHOLD = 5  # consecutive failures that open a host's circuit


class Refused(Exception):
    """A request politeness will not send: robots.txt disallows it, or the host is skipped."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class _Host:
    robots: Protego | None
    interval: float
    next_at: float = 0.0
    failures: int = 0
    open_reason: str | None = None


class Politeness:
    """The manners of one crawler towards each host it visits."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        rate: float = 1.0,
        obey_robots: bool = True,
        user_agent: str = "bulletin",
        breaker_threshold: int = BREAKER_THRESHOLD,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.rate = rate
        self.obey_robots = obey_robots
        self.user_agent = user_agent
        self.breaker_threshold = breaker_threshold
        self.clock = clock
        self.sleep = sleep
        self.hosts: dict[str, _Host] = {}

    def before(self, url: str) -> None:
        """Wait for the host's turn; raise ``Refused`` if the request must not be sent."""
        parts = urlsplit(url)
        host = self._host(f"{parts.scheme}://{parts.netloc}")
        if host.open_reason is not None:
            raise Refused(host.open_reason)
        if host.robots is not None and not host.robots.can_fetch(url, self.user_agent):
            raise Refused("disallowed by robots.txt")
        now = self.clock()
        if host.next_at > now:
            self.sleep(host.next_at - now)
        host.next_at = max(now, host.next_at) + host.interval

    def record(self, url: str, *, ok: bool, reason: str | None = None) -> None:
        """Count a failure that says the host is unwell (timeouts, 5xx), or a success."""
        parts = urlsplit(url)
        host = self.hosts.get(f"{parts.scheme}://{parts.netloc}")
        if host is None:
            return
        if ok:
            host.failures = 0
            return
        host.failures += 1
        if host.failures >= self.breaker_threshold and host.open_reason is None:
            host.open_reason = (
                f"host skipped for the rest of the run after {host.failures} consecutive "
                f"failures (last: {reason})"
            )

    def _host(self, origin: str) -> _Host:
        host = self.hosts.get(origin)
        if host is None:
            robots = self._robots(origin) if self.obey_robots else None
            delay = robots.crawl_delay(self.user_agent) if robots is not None else None
            interval = max(1.0 / self.rate if self.rate > 0 else 0.0, float(delay or 0.0))
            host = self.hosts[origin] = _Host(robots=robots, interval=interval)
        return host

    def _robots(self, origin: str) -> Protego | None:
        """The host's robots.txt; a missing or unreadable one allows everything."""
        try:
            response = self.client.get(f"{origin}/robots.txt", follow_redirects=True)
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        return Protego.parse(response.text)
