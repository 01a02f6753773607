"""Errors the command line reports in a line, without a traceback. Light on purpose:
``bulletin.cli`` imports this module for every command."""

from __future__ import annotations


class SourcesError(ValueError):
    """The sources file is missing or malformed."""
