"""The error storage raises (``bulletin.errors``, where the whole tree is): the warehouse
could not be opened or written."""

from __future__ import annotations

from bulletin.errors import StorageError

__all__ = ["StorageError"]
