"""Politeness per host: robots.txt (with its crawl-delay), a request rate, a cap on
requests in flight, and a circuit breaker that skips a host for the rest of the run
after repeated failures.

One ``Politeness`` serves one run of one source, from any number of threads; the fetch
loop asks it before every request (``before``), holds a ``slot`` while the request is in
flight, and tells it how the request went (``record``).

robots.txt is read as RFC 9309 says (``flows.crawling.client.read_robots`` fetches it through the
source's guard): a 2xx is parsed (its first 500 KiB), a 4xx means no rules, and a 5xx or
an unreachable host means every request to that host is refused for the run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
from protego import Protego

from flows.crawling.origins import normalized_origin

BREAKER_THRESHOLD = 5  # consecutive failures that open a host's circuit


class Refused(Exception):
    """A request politeness will not send: robots.txt disallows it, or the host is skipped."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RobotsTxt:
    """What a host's robots.txt says: its ``rules`` (None: no rules, everything is
    allowed), or, when it could not be read (a 5xx, a timeout, a refused redirect), the
    ``refusal`` every request to the host gets instead."""

    rules: Protego | None = None
    refusal: str | None = None


RobotsLoader = Callable[[str], RobotsTxt]  # an origin -> its robots.txt


@dataclass(slots=True)
class _Host:
    robots: Protego | None
    interval: float
    in_flight: threading.BoundedSemaphore
    next_at: float = 0.0
    failures: int = 0
    open_reason: str | None = None
    robots_refusal: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Politeness:
    """The manners of one crawler towards each host it visits."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        rate: float = 1.0,
        concurrency: int = 2,
        obey_robots: bool = True,
        user_agent: str = "bulletin",
        breaker_threshold: int = BREAKER_THRESHOLD,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.rate = rate
        self.concurrency = max(1, concurrency)
        self.obey_robots = obey_robots
        self.user_agent = user_agent
        self.breaker_threshold = breaker_threshold
        self.clock = clock
        self.sleep = sleep
        self.hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()

    def before(self, url: str, robots: RobotsLoader | None = None) -> None:
        """Wait for the host's turn; raise ``Refused`` if the request must not be sent.

        The host's robots.txt is read on its first request, by ``robots`` when given
        (``fetch`` passes one that goes through the source's guard and timeouts).
        Turns are handed out under a lock, so threads sharing a host keep its rate.
        """
        host = self._host(_origin(url), robots)
        if host.robots_refusal is not None:
            raise Refused(host.robots_refusal)
        if host.open_reason is not None:
            raise Refused(host.open_reason)
        if host.robots is not None and not host.robots.can_fetch(url, self.user_agent):
            raise Refused("disallowed by robots.txt")
        with host.lock:
            now = self.clock()
            turn = max(now, host.next_at)
            host.next_at = turn + host.interval
        if turn > now:
            self.sleep(turn - now)

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold one of the host's ``concurrency`` request slots while a request runs."""
        host = self._host(_origin(url))
        with host.in_flight:
            yield

    def record(self, url: str, *, ok: bool, reason: str | None = None) -> None:
        """Count a failure that says the host is unwell (timeouts, 5xx), or a success."""
        host = self.hosts.get(_origin(url))
        if host is None:
            return
        with host.lock:
            if ok:
                host.failures = 0
                return
            host.failures += 1
            if host.failures >= self.breaker_threshold and host.open_reason is None:
                host.open_reason = (
                    f"host skipped for the rest of the run after {host.failures} consecutive "
                    f"failures (last: {reason})"
                )

    def _host(self, origin: str, load: RobotsLoader | None = None) -> _Host:
        host = self.hosts.get(origin)
        if host is not None:
            return host
        with self._hosts_lock:  # one robots.txt fetch per host, whichever thread asks
            host = self.hosts.get(origin)
            if host is None:
                robots = (load or self._robots)(origin) if self.obey_robots else RobotsTxt()
                rules = robots.rules
                delay = rules.crawl_delay(self.user_agent) if rules is not None else None
                interval = max(1.0 / self.rate if self.rate > 0 else 0.0, float(delay or 0.0))
                host = self.hosts[origin] = _Host(
                    robots=rules,
                    interval=interval,
                    in_flight=threading.BoundedSemaphore(self.concurrency),
                    robots_refusal=robots.refusal,
                )
        return host

    def _robots(self, origin: str) -> RobotsTxt:
        """The host's robots.txt, capped and timed, but with no guard: ``fetch`` passes
        a loader with the source's guard and timeouts instead."""
        from flows.crawling.client import read_robots  # flows.crawling.client imports this module

        return read_robots(self.client, origin)


def _origin(url: str) -> str:
    return normalized_origin(url)
