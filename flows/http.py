"""The shared HTTP client and one fetch with retries, backoff and named errors."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from extractors.version import EXTRACTOR_VERSION
from flows.politeness import Politeness, Refused
from flows.safety import HostGuard
from flows.timeouts import DEFAULT_TIMEOUTS, Timeouts
from storage.records import Page

USER_AGENT = (
    f"bulletin/{EXTRACTOR_VERSION} (news-bulletin archiver for Vietnamese government portals; "
    "+https://pypi.org/project/bulletin/)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
MAX_BYTES = 10_000_000  # a page larger than this, once decompressed, is refused
MAX_RETRY_AFTER = 120.0  # seconds a Retry-After may ask us to wait within a run


def httpx_timeout(timeouts: Timeouts) -> httpx.Timeout:
    """The connect and read timeouts as httpx takes them (``fetch`` keeps the total)."""
    return httpx.Timeout(timeouts.read, connect=timeouts.connect)


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
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """A 304 to a conditional request: the page is as it was, and has no body here."""
        return self.status == 304

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def page(self, source: str, kind: str) -> Page:
        """The fetch-log row of this response."""
        full = not self.not_modified
        return Page(
            url=self.url,
            source=source,
            kind=kind,
            status=self.status,
            fetched_at=self.fetched_at,
            bytes=len(self.content) if full else None,
            content_hash=self.content_hash if full else None,
            content_type=self.content_type if full else None,
            etag=self.etag,
            last_modified=self.last_modified,
        )


def make_client(
    *,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """One client for a whole run, shared by its threads: connection pooling, default
    timeouts (``fetch`` sets each source's own) and an honest User-Agent."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Language": "vi,en;q=0.5"},
        timeout=httpx_timeout(timeouts),
        follow_redirects=False,  # fetch follows them itself, checking each hop
        transport=transport,
    )


def fetch(
    client: httpx.Client,
    url: str,
    *,
    attempts: int = 3,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
    politeness: Politeness | None = None,
    guard: HostGuard | None = None,
    max_bytes: int = MAX_BYTES,
    max_retry_after: float = MAX_RETRY_AFTER,
    validators: tuple[str | None, str | None] | None = None,
    timeouts: Timeouts | None = None,
) -> Fetched:
    """GET ``url``; retry 5xx, 429, timeouts and connection errors with jittered backoff.

    A 429 or 503 with ``Retry-After`` waits as told (up to ``max_retry_after`` seconds;
    longer is a failure). The body is read as a stream and refused past ``max_bytes``
    once decompressed, which also caps gzip bombs; with ``timeouts``, a request that
    takes longer than ``timeouts.total`` in all is a timeout too. With ``politeness``,
    each request waits for its host's turn, holds one of its host's slots while in
    flight, and is refused when robots.txt disallows it or the host's circuit is open.
    Redirects are followed, at most ``MAX_REDIRECTS``, each hop checked by ``guard``
    (the source's allowed hosts, no private addresses unless allowed).
    With ``validators`` (the ETag and Last-Modified seen last time) the request is
    conditional, and a 304 comes back as a ``Fetched`` that is ``not_modified``.
    Raises ``FetchError`` for a 4xx or a refused URL at once, or once ``attempts`` are
    spent.
    """
    headers = {}
    if validators is not None:
        etag, modified = validators
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
    status: int | None = None
    reason = "not attempted"
    for attempt in range(1, attempts + 1):
        if politeness is not None:
            try:
                politeness.before(url)
            except Refused as exc:
                raise FetchError(url, exc.reason, None, attempt) from None
        delay = backoff * (2 ** (attempt - 1)) * (0.5 + random.random())
        deadline = time.monotonic() + (timeouts.total if timeouts else float("inf"))
        try:
            with (
                politeness.slot(url) if politeness is not None else nullcontext(),
                _follow(client, url, guard, headers, timeouts) as response,
            ):
                status = response.status_code
                if response.is_success or status == 304:
                    content = b""
                    if status != 304:
                        content = _read_capped(response, max_bytes, deadline)
                    if politeness is not None:
                        politeness.record(url, ok=True)
                    return Fetched(
                        url=url,
                        final_url=str(response.url),
                        status=status,
                        content=content,
                        content_type=response.headers.get("content-type"),
                        fetched_at=datetime.now(UTC),
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
                reason = f"HTTP {status} {response.reason_phrase}".strip()
                wait = retry_after(response.headers.get("retry-after"))
        except httpx.TimeoutException as exc:
            status, reason, wait = None, f"timeout ({type(exc).__name__})", None
        except _TotalTimeout:
            assert timeouts is not None
            status, reason, wait = None, f"timeout (over {timeouts.total:g} s in all)", None
        except httpx.TooManyRedirects:
            raise FetchError(url, f"more than {MAX_REDIRECTS} redirects", None, attempt) from None
        except Refused as exc:
            raise FetchError(url, exc.reason, None, attempt) from None
        except httpx.TransportError as exc:
            status, wait = None, None
            reason = f"connection error ({type(exc).__name__}: {exc})"
        except httpx.DecodingError as exc:  # a cut or corrupt compressed stream
            status, wait = None, None
            reason = f"undecodable body ({exc})"
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}", status, attempt) from None
        except _TooLarge:
            reason = f"response larger than {max_bytes} bytes"
            raise FetchError(url, reason, status, attempt) from None
        if status is not None and status not in RETRY_STATUSES:
            if politeness is not None:  # the host answered: it is up
                politeness.record(url, ok=True)
            raise FetchError(url, reason, status, attempt)
        if politeness is not None:
            politeness.record(url, ok=False, reason=reason)
        if wait is not None and status in (429, 503):
            if wait > max_retry_after:
                raise FetchError(url, f"{reason} (Retry-After {wait:.0f} s)", status, attempt)
            delay = wait
        if attempt < attempts:
            sleep(delay)
    raise FetchError(url, f"{reason} after {attempts} attempts", status, attempts)


class _TooLarge(Exception):
    pass


class _TotalTimeout(Exception):
    pass


@contextmanager
def _follow(
    client: httpx.Client,
    url: str,
    guard: HostGuard | None,
    headers: dict[str, str],
    timeouts: Timeouts | None,
) -> Iterator[httpx.Response]:
    """The streamed response at the end of ``url``'s redirects, each hop guarded."""
    target = url
    timeout = httpx_timeout(timeouts) if timeouts is not None else httpx.USE_CLIENT_DEFAULT
    for _ in range(MAX_REDIRECTS + 1):
        if guard is not None:
            guard.check(target)
        with client.stream(
            "GET", target, headers=headers, follow_redirects=False, timeout=timeout
        ) as response:
            location = response.headers.get("location")
            if not (response.is_redirect and location):
                yield response
                return
        target = urljoin(target, location)
    raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=None)


def _read_capped(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _TooLarge
    chunks = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise _TooLarge
        if time.monotonic() > deadline:
            raise _TotalTimeout
        chunks.append(chunk)
    return b"".join(chunks)


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
