"""Faults the sample portal can be told to show, from tests: errors, throttling, slow
answers, broken deliveries (resets, truncation with and without a length, cut chunked
streams, trickling, wrong charsets, invalid bytes, redirect loops, offsite redirects,
huge pages, gzip bombs, non-HTML and empty answers), soft errors (a 200 maintenance page
or login wall) and robots.txt rules. Switched on and off at run time, thread-safe.

This module owns what a fault is and the payloads it serves; ``server`` puts them on
the wire.
"""

from __future__ import annotations

import re
import struct
import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache

# Fault kinds: how the answer the portal would have given is delivered instead.
RESET = "reset"  # the connection is reset (RST), nothing is sent
TRUNCATE = "truncate"  # full Content-Length, half the body, then the connection closes
SLOW = "slow"  # headers, then the body in SLOW_CHUNK-byte pieces, ``delay`` s before each
WRONG_CHARSET = "charset"  # the normal body, declared as ISO-8859-1
REDIRECT_LOOP = "redirect-loop"  # 302 to the same path with ?loop=N+1, forever
OFFSITE = "offsite"  # 302 to the same path on OFFSITE_ORIGIN
OTHER_PORT = "other-port"  # 302 to the same path on the same host, the next port up
HUGE = "huge"  # a 200 HTML page of HUGE_SIZE bytes
GZIP_BOMB = "gzip-bomb"  # a small gzip body that inflates to GZIP_BOMB_SIZE bytes
NOT_HTML = "not-html"  # a 200 application/pdf
EMPTY = "empty"  # a 200 text/html with no body
MAINTENANCE = "maintenance"  # a 200 "Service Unavailable" page instead of the page
LOGIN_WALL = "login-wall"  # a 200 sign-in form instead of the page
CUT_BY_CLOSE = "cut-by-close"  # no Content-Length, half the body, then the connection closes
CUT_CHUNKED = "cut-chunked"  # chunked, half the body in one chunk, closed without the last
INVALID_BYTES = "invalid-bytes"  # the normal page with INVALID_COUNT bytes that are not UTF-8
DEEP = "deep"  # the normal page with its body inside DEEP_LEVELS nested <div>s
KINDS = frozenset(
    {
        DEEP,
        MAINTENANCE,
        LOGIN_WALL,
        CUT_BY_CLOSE,
        CUT_CHUNKED,
        INVALID_BYTES,
        RESET,
        TRUNCATE,
        SLOW,
        WRONG_CHARSET,
        REDIRECT_LOOP,
        OFFSITE,
        OTHER_PORT,
        HUGE,
        GZIP_BOMB,
        NOT_HTML,
        EMPTY,
    }
)

SLOW_CHUNK = 64
INVALID_COUNT = 10
DEEP_LEVELS = 20_000
MAINTENANCE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>"
    b"<h1>Service Unavailable</h1><p>The server is temporarily unable to service your "
    b"request due to maintenance downtime or capacity problems. Please try again later.</p>"
    b"</body></html>"
)
LOGIN_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin'
    "</title></head><body><form method='post' action='/c/portal/login'>"
    "<label>Tên đăng nhập <input name='login'></label>"
    "<label>Mật khẩu <input type='password' name='password'></label>"
    "<button>Đăng nhập</button></form></body></html>"
).encode()
WRONG_CHARSET_TYPE = "text/html; charset=ISO-8859-1"
LOOP_PARAM = "loop"
OFFSITE_ORIGIN = "http://offsite.example.invalid"
HUGE_SIZE = 20 * 1024 * 1024
GZIP_BOMB_SIZE = 256 * 1024 * 1024  # inflated; about 260 KB compressed
PDF_BODY = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)

_PAGE_START = (
    b'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="UTF-8">'
    b"<title>Trang rat lon</title></head><body>\n"
)
_TEXT = re.compile(rb">([^<>]+)<")
_LOOP = re.compile(rf"(?:^|&){LOOP_PARAM}=(\d+)(?=&|$)")


@dataclass(slots=True)
class Fault:
    """A misbehaviour for requests whose path (with query) starts with ``prefix``.

    - ``status``: answer this status instead (with ``retry_after`` seconds in a
      Retry-After header when set);
    - ``kind``: one of ``KINDS``, deliver the answer in a broken way (see the constants);
    - ``delay``: wait this many seconds before answering; for ``SLOW``, the pause
      before each piece of the body instead;
    - ``times``: how many requests it hits (None: all of them).

    A fault with neither ``status`` nor ``kind`` only delays the normal answer.
    """

    prefix: str
    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    times: int | None = None
    kind: str | None = None

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            known = ", ".join(sorted(KINDS))
            raise ValueError(f"unknown fault kind {self.kind!r}; known kinds: {known}")
        if self.kind is not None and self.status is not None:
            raise ValueError("a fault has a status or a kind, not both")


class Faults:
    """The portal's current faults and robots.txt disallow rules."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._disallow: list[str] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def add_once(self, fault: Fault) -> None:
        """Add ``fault`` unless a fault for the same prefix is there already."""
        with self._lock:
            if all(f.prefix != fault.prefix for f in self._faults):
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


# -- payloads ---------------------------------------------------------------------------


def next_loop_target(target: str) -> str:
    """``target`` with its ``loop`` query parameter added (as 1) or incremented."""
    path, _, query = target.partition("?")
    match = _LOOP.search(query)
    if match is None:
        return f"{path}?{query}&{LOOP_PARAM}=1" if query else f"{path}?{LOOP_PARAM}=1"
    counter = f"{LOOP_PARAM}={int(match[1]) + 1}"
    start = match.start() + (1 if match[0].startswith("&") else 0)
    return f"{path}?{query[:start]}{counter}{query[match.end() :]}"


def with_invalid_bytes(body: bytes, count: int = INVALID_COUNT) -> bytes:
    """``body`` with ``count`` ASCII letters of the text of its second half (past the
    title and lead: the body text and the footer, never a tag) turned into the byte
    0xFF, which UTF-8 never uses."""
    half = len(body) // 2
    spots = [
        i
        for text in _TEXT.finditer(body, half)
        for i in range(text.start(1), text.end(1))
        if body[i : i + 1].isalpha()
    ]
    if not spots:
        return body
    step = max(1, len(spots) // count)
    chosen = set(spots[::step][:count])
    return bytes(0xFF if i in chosen else b for i, b in enumerate(body))


def nested(body: bytes, levels: int = DEEP_LEVELS) -> bytes:
    """``body`` with what its ``<body>`` holds wrapped in ``levels`` bare ``<div>``s."""
    start = body.find(b">", body.find(b"<body")) + 1
    end = body.rfind(b"</body>")
    if start <= 0 or end < start:
        return body
    return body[:start] + b"<div>" * levels + body[start:end] + b"</div>" * levels + body[end:]


@lru_cache(maxsize=1)
def huge_page() -> bytes:
    """A HUGE_SIZE-byte HTML page: a valid start, then paragraphs of filler."""
    end = b"</body></html>\n"
    line = b"<p>Noi dung lap lai de lam trang nay rat lon, khong co y nghia gi.</p>\n"
    room = HUGE_SIZE - len(_PAGE_START) - len(end)
    filler = line * (room // len(line))
    return _PAGE_START + filler + b" " * (room - len(filler)) + end


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """A gzip member of about 260 KB that inflates to GZIP_BOMB_SIZE bytes: the start of
    an HTML page, then spaces. Built in well under a second, once.

    Each MiB of spaces is deflated once after a full flush (which resets the compressor),
    so its compressed form is the same every time and is simply repeated.
    """
    block = b" " * (1 << 20)
    blocks, rest = divmod(GZIP_BOMB_SIZE - len(_PAGE_START), len(block))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS, 9)
    start = compressor.compress(_PAGE_START + block[:rest]) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(_PAGE_START + block[:rest])
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, no mtime
    trailer = struct.pack("<II", crc, GZIP_BOMB_SIZE & 0xFFFFFFFF)
    return header + start + repeated * blocks + final + trailer
