"""The one exception tree: every error bulletin raises on purpose is a ``BulletinError``.

    BulletinError
    ├── InputError        what the user gave cannot be used: the command line exits 2
    │   │                 with one line, before any run starts
    │   ├── SourcesError  the sources file is missing or malformed, or names no such
    │   │                 source
    │   └── QueryRefused  SQL ``bulletin sql`` does not run: empty, or it would write or
    │                     reach past the warehouse (also a StorageError)
    ├── StorageError      the warehouse or its packs cannot be opened, read or written
    ├── FetchError        a URL could not be fetched (recorded in ``failures``)
    ├── MalformedURL      a link that is not a valid http(s) URL (recorded as such)
    ├── ExtractionError   a page cannot be read as an article or listing (recorded)
    └── RunFailed         a run ended, saved what it got, and some source needs a human:
        │                 the flow ends Failed and the command line exits 1
        ├── SourcesFailed every source of the run failed (unreachable, refused, ...)
        └── UnhealthySources  too many pages failed, or nothing new for too long

Anything else that escapes is a bug, and the command line shows its traceback. Two
signals stay inside the module that raises them and are never seen past it:
``extractors.limits.ParseTimeout``, an interruption (a ``BaseException``) that parsing
turns into an extraction failure's reason, and ``flows.crawling.politeness.Refused``,
a request the guard or a host's manners will not send, which the client turns into a
FetchError (as it does its private ``_TooLarge``, ``_TotalTimeout`` and ``_Truncated``).

Light on purpose: every layer imports this module, and ``bulletin.cli`` does for every
command.
"""

from __future__ import annotations


class BulletinError(Exception):
    """The root of every error bulletin raises on purpose."""


class InputError(BulletinError, ValueError):
    """What the user gave (arguments, the sources file, a query) cannot be used."""


class SourcesError(InputError):
    """The sources file is missing or malformed, or names no such source."""


class StorageError(BulletinError, RuntimeError):
    """The warehouse or its packs cannot be opened, read or written."""


class QueryRefused(StorageError, InputError):
    """SQL a query-only connection does not run: empty, or a statement that would write
    or reach past the warehouse file."""


class FetchError(BulletinError, RuntimeError):
    """A URL that could not be fetched: the reason, the last HTTP status and attempts."""

    def __init__(self, url: str, reason: str, status: int | None, attempts: int) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.attempts = attempts


class MalformedURL(BulletinError, ValueError):
    """A URL that is not a valid http(s) URL; ``reason`` says why in a few words."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"malformed URL: {reason}")
        self.url = url
        self.reason = reason


class ExtractionError(BulletinError, ValueError):
    """A page that cannot be read as an article (or listing), with the reason and URL."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class RunFailed(BulletinError, RuntimeError):
    """A run that ended, with what it fetched saved, and some source needs a human: the
    message says which and why."""


class SourcesFailed(RunFailed):
    """Every source of the run failed: nothing could be ingested."""


class UnhealthySources(RunFailed):
    """One or more sources failed too many pages, or found nothing new for too long."""
