"""The shared HTTP client and one fetch with retries, backoff and named errors."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from extractors.version import EXTRACTOR_VERSION
from storage.records import Page

USER_AGENT = (
    f"bulletin/{EXTRACTOR_VERSION} (news-bulletin archiver for Vietnamese government portals; "
    "+https://pypi.org/project/bulletin/)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(RuntimeError):
    """A URL that could not be fetched: the reason, the last HTTP status and attempts."""

    def __init__(self, url: str, reason: str, status: int | None, attempts: int) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.attempts = attempts


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful response: the body and what the fetch log records of it."""

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    fetched_at: datetime

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def page(self, source: str, kind: str) -> Page:
        """The fetch-log row of this response."""
        return Page(
            url=self.url,
            source=source,
            kind=kind,
            status=self.status,
            fetched_at=self.fetched_at,
            bytes=len(self.content),
            content_hash=self.content_hash,
            content_type=self.content_type,
        )


def make_client(
    *,
    timeout: float = 20.0,
    connect_timeout: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """One client for a whole run: connection pooling, timeouts and an honest User-Agent."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Language": "vi,en;q=0.5"},
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        follow_redirects=True,
        max_redirects=5,
        transport=transport,
    )


def fetch(
    client: httpx.Client,
    url: str,
    *,
    attempts: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """GET ``url``; retry 5xx, 429, timeouts and connection errors with jittered backoff.

    Raises ``FetchError`` for a 4xx at once, or once ``attempts`` are spent.
    """
    status: int | None = None
    reason = "not attempted"
    for attempt in range(1, attempts + 1):
        try:
            response = client.get(url)
        except httpx.TimeoutException as exc:
            status, reason = None, f"timeout ({type(exc).__name__})"
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects", None, attempt) from None
        except httpx.TransportError as exc:
            status, reason = None, f"connection error ({type(exc).__name__}: {exc})"
        else:
            status = response.status_code
            if response.is_success:
                return Fetched(
                    url=url,
                    final_url=str(response.url),
                    status=status,
                    content=response.content,
                    content_type=response.headers.get("content-type"),
                    fetched_at=datetime.now(UTC),
                )
            reason = f"HTTP {status} {response.reason_phrase}".strip()
            if status not in RETRY_STATUSES:
                raise FetchError(url, reason, status, attempt)
        if attempt < attempts:
            delay = backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
            sleep(delay)
    raise FetchError(url, f"{reason} after {attempts} attempts", status, attempts)
