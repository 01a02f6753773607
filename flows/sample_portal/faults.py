"""Faults the sample portal can be told to show, from tests: errors, throttling, slow
answers, and robots.txt rules. Switched on and off at run time, thread-safe."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(slots=True)
class Fault:
    """Requests whose path starts with ``prefix`` get ``status`` (with ``retry_after``
    seconds in a Retry-After header), or wait ``delay`` seconds first; ``times`` limits
    how many requests it hits (None: all of them)."""

    prefix: str
    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    times: int | None = None


class Faults:
    """The portal's current faults and robots.txt disallow rules."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._disallow: list[str] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def disallow(self, prefix: str) -> None:
        """Add a ``Disallow:`` line for every user agent to robots.txt."""
        with self._lock:
            self._disallow.append(prefix)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._disallow.clear()

    def robots_txt(self) -> str:
        with self._lock:
            rules = [f"Disallow: {p}" for p in self._disallow] or ["Disallow:"]
        return "User-agent: *\n" + "\n".join(rules) + "\n"

    def take(self, path: str) -> Fault | None:
        """The fault that hits this request, if any (counting it against ``times``)."""
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.prefix) and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None
