"""The one error extraction raises: the page could not be read as an article."""

from __future__ import annotations


class ExtractionError(ValueError):
    """A page that cannot be read as an article (or listing), with the reason and URL."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
