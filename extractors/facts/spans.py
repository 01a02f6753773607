"""Spans of a text already claimed (document numbers, people), looked up by bisection.

Extractors that skip what another one found ask, for each match, whether it overlaps a
claimed span; a scan of every span for every match is quadratic on a long text dense
with numbers. Here the spans are merged once into disjoint sorted intervals and each
question costs a bisection.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable


class Spans:
    """Half-open ``[start, end)`` spans, merged where they overlap or touch."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            if start >= end:
                continue  # an empty span claims nothing
            if self._ends and start <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` (not empty) shares a character with a span."""
        i = bisect_right(self._ends, start)  # the first span ending after ``start``
        return i < len(self._starts) and self._starts[i] < end

    def holds(self, pos: int) -> bool:
        """Whether the character at ``pos`` lies in a span."""
        return self.overlaps(pos, pos + 1)
