"""How long one request may take: per source, read from the sources file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds one request may take: to connect, between two reads, and in all (a server
    that trickles a body byte by byte never trips the read timeout, but trips this one)."""

    connect: float = 10.0
    read: float = 20.0
    total: float = 60.0


DEFAULT_TIMEOUTS = Timeouts()
