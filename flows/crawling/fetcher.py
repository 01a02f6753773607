"""The fetcher: what fetching one source's pages takes, held in one object.

A run has one HTTP client; each source gets a ``Fetcher`` over it that holds the
source's manners towards each host (``politeness``: rate, slots, robots.txt, the circuit
breaker), what its requests may reach (``guard``) and how long they may take
(``timeouts``), so that discovery and the article fetches ask it for pages instead of
passing the four along.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from flows.crawling.client import USER_AGENT, Fetched, fetch
from flows.crawling.guard import HostGuard
from flows.crawling.politeness import Politeness
from flows.crawling.timeouts import DEFAULT_TIMEOUTS, Timeouts
from flows.sources import Source


@dataclass(frozen=True, slots=True)
class Fetcher:
    """Fetches pages for one source through the run's ``client``: each request waits
    for its host's turn and obeys robots.txt (``politeness``), goes only where the
    source's allowlist lets it (``guard``) and within its ``timeouts``. Without
    politeness or guard (tests of one piece), requests go as they are."""

    client: httpx.Client
    timeouts: Timeouts = DEFAULT_TIMEOUTS
    politeness: Politeness | None = None
    guard: HostGuard | None = None

    @classmethod
    def for_source(cls, client: httpx.Client, source: Source) -> Fetcher:
        """The fetcher a run uses for ``source``: its rate, concurrency, robots.txt
        setting, allowed origins and timeouts."""
        politeness = Politeness(
            client,
            rate=source.rate,
            concurrency=source.concurrency,
            obey_robots=source.obey_robots,
            user_agent=USER_AGENT,
        )
        guard = HostGuard(source.hosts, allow_private=source.allow_private)
        return cls(client, source.timeouts, politeness, guard)

    def get(self, url: str, *, validators: tuple[str | None, str | None] | None = None) -> Fetched:
        """``url`` fetched (``flows.crawling.client.fetch``): conditionally with
        ``validators``; raises FetchError when it cannot be."""
        return fetch(
            self.client,
            url,
            politeness=self.politeness,
            guard=self.guard,
            validators=validators,
            timeouts=self.timeouts,
        )
