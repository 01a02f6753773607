"""The one error extraction raises (``bulletin.errors``, where the whole tree is): the
page could not be read as an article."""

from __future__ import annotations

from bulletin.errors import ExtractionError

__all__ = ["ExtractionError"]
